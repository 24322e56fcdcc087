"""Text clean-up, names, dates and times, PINs and numbers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from wuye_tui.errors import ConfigError
from wuye_tui.validators import (
    clean_text,
    normalise_text_width,
    parse_date,
    parse_date_range,
    parse_local_datetime,
    parse_month,
    parse_time,
    validate_int,
    validate_name,
    validate_pin,
)

from tests.unit.validators.helpers import raises

ROOT = Path(__file__).resolve().parents[3]


# --------------------------------------------------------------------------- text


def test_normalise_text_width():
    assert normalise_text_width("ＡＢＣ１２３！～") == "ABC123!~"
    assert normalise_text_width("京\u3000Ａ") == "京 A"
    assert normalise_text_width("中文，不变") == "中文,不变"
    assert normalise_text_width("") == ""


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("  hello  ", "hello"),
        ("a\x00b\x07c\x1bd\x7fe\x85f", "abcdef"),
        ("zero\u200bwidth\ufeff\u200d", "zerowidth"),
        ("line1\nline2", "line1 line2"),
        ("tab\there", "tab here"),
        ("\u202eevil", "evil"),
        ("访客：张三", "访客：张三"),
        (None, ""),
        (42, "42"),
    ],
)
def test_clean_text_single_line(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_multiline_keeps_newlines_and_tabs():
    assert clean_text("a\r\nb\rc\n\td\x00", multiline=True) == "a\nb\nc\n\td"
    assert clean_text("  \n x \n ", multiline=True) == "x"


def test_clean_text_required_and_length(language):
    assert clean_text("   ") == ""
    e = raises(clean_text, " \u200b\x00 ", field="note", required=True)
    assert e.message == ("This field is required" if language == "en" else "此项必填")
    assert clean_text("x" * 10, max_len=10) == "x" * 10
    e = raises(clean_text, "x" * 11, field="note", max_len=10)
    assert "10" in e.message
    assert clean_text("好" * 5 + "\x00" * 50, max_len=5) == "好" * 5


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("张三", "张三"),
        ("  欧阳 娜娜 ", "欧阳 娜娜"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽•买买提", "阿依古丽·买买提"),
        ("阿依古丽 ・ 买买提", "阿依古丽·买买提"),
        ("John Smith", "John Smith"),
        ("J. R. R. Tolkien", "J. R. R. Tolkien"),
        ("Mary-Jane O'Neil", "Mary-Jane O'Neil"),
        ("José Müller", "José Müller"),
        ("Ｊｏｈｎ\u3000Ｓｍｉｔｈ", "John Smith"),
        ("王", "王"),
        ("张\u200b三", "张三"),
        ("李" * 30, "李" * 30),
    ],
)
def test_validate_name_ok(raw, expected):
    assert validate_name(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "张3",
        "Agent 007",
        "１号",
        "李" * 31,
        "<script>",
        "张三!",
        "·张三",
        "张三·",
        "张··三",
        "a@b.com",
        "😀",
    ],
)
def test_validate_name_bad(raw):
    raises(validate_name, raw, field="visitor_name")


# --------------------------------------------------------------------------- dates, times


@pytest.mark.parametrize(
    "raw",
    [
        "2024-05-01",
        "2024/05/01",
        "2024/5/1",
        "20240501",
        "2024.05.01",
        "２０２４－０５－０１",
        " 2024-05-01 ",
        "2024年5月1日",
    ],
)
def test_parse_date_ok(raw):
    assert parse_date(raw) == date(2024, 5, 1)


def test_parse_date_passthrough():
    assert parse_date(date(2024, 5, 1)) == date(2024, 5, 1)
    assert parse_date(datetime(2024, 5, 1, 9, 0)) == date(2024, 5, 1)
    assert parse_date("2024-02-29") == date(2024, 2, 29)


@pytest.mark.parametrize(
    "raw", ["", "2024-13-01", "2023-02-29", "2024-04-31", "01/05/2024", "2024-5", "abc", "202451"]
)
def test_parse_date_bad(raw):
    raises(parse_date, raw, field="visit_date")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("08:30", time(8, 30)),
        ("8:30", time(8, 30)),
        ("0830", time(8, 30)),
        ("23:59", time(23, 59)),
        ("00:00", time(0, 0)),
        ("０８：３０", time(8, 30)),
        ("8：05", time(8, 5)),
        ("12:30:15", time(12, 30, 15)),
    ],
)
def test_parse_time_ok(raw, expected):
    assert parse_time(raw) == expected


@pytest.mark.parametrize("raw", ["", "24:00", "12:60", "830", "8:3", "abc", "12-30", "2400"])
def test_parse_time_bad(raw):
    raises(parse_time, raw, field="at")


def test_parse_local_datetime():
    got = parse_local_datetime("2024-05-01 08:30", "Asia/Shanghai", field="when")
    assert got == datetime(2024, 5, 1, 0, 30, tzinfo=UTC)
    assert got.utcoffset().total_seconds() == 0
    assert parse_local_datetime("２０２４／０５／０１　０８：３０") == got
    assert parse_local_datetime("2024-05-01T08:30") == got
    assert parse_local_datetime("2024-01-01 00:10") == datetime(2023, 12, 31, 16, 10, tzinfo=UTC)
    assert parse_local_datetime("2024-07-01 12:00", "Europe/London") == datetime(
        2024, 7, 1, 11, 0, tzinfo=UTC
    )
    raises(parse_local_datetime, "2024-05-01", "Asia/Shanghai", field="when")
    raises(parse_local_datetime, "2024-02-30 08:00", "Asia/Shanghai", field="when")
    raises(parse_local_datetime, "2024-05-01 25:00", "Asia/Shanghai", field="when")
    raises(parse_local_datetime, "", field="datetime")
    with pytest.raises(ConfigError):
        parse_local_datetime("2024-05-01 08:30", "Mars/Base")


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("2024-05", (2024, 5)),
        ("2024/5", (2024, 5)),
        ("202412", (2024, 12)),
        ("2024年5月", (2024, 5)),
        ("２０２４－０１", (2024, 1)),
    ],
)
def test_parse_month_ok(raw, expected):
    assert parse_month(raw) == expected


@pytest.mark.parametrize("raw", ["", "2024-13", "2024-00", "24-05", "2024", "May 2024"])
def test_parse_month_bad(raw):
    raises(parse_month, raw, field="month")


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    "raw, expected", [("1234", "1234"), ("１２３４５６", "123456"), (" 12345678 ", "12345678")]
)
def test_pin_ok(raw, expected):
    assert validate_pin(raw) == expected


@pytest.mark.parametrize("raw", ["", "123", "123456789", "12a4", "12 34", "١٢٣٤", None])
def test_pin_bad(raw):
    raises(validate_pin, raw, field="pin")


def test_validate_int():
    assert validate_int("3", field="headcount", min_value=1, max_value=50) == 3
    assert validate_int("１２", field="headcount", min_value=1, max_value=50) == 12
    assert validate_int(7, field="headcount") == 7
    assert validate_int("-2", field="delta") == -2
    for bad in ("0", "51", "abc", "1.5", "", True):
        raises(validate_int, bad, field="headcount", min_value=1, max_value=50)




def test_parse_date_range():
    assert parse_date_range("2024-05-01", "2024/05/01") == (date(2024, 5, 1), date(2024, 5, 1))
    assert parse_date_range("20240501", "2024年5月3日") == (date(2024, 5, 1), date(2024, 5, 3))
    raises(parse_date_range, "2024-05-03", "2024-05-01", expect="to")
    raises(parse_date_range, "2024-05-03", "2024-05-01", "start", "end", expect="end")
    raises(parse_date_range, "2024-02-30", "2024-05-01", expect="from")
