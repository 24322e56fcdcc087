"""Input rules (SPEC section 4): ID numbers, plates, phones, text, names, dates."""

from __future__ import annotations

import ast
import json
import re
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from wuye_tui import i18n
from wuye_tui.errors import ConfigError, ValidationError
from wuye_tui.validators import (
    ID_TYPES,
    PLATE_KINDS,
    clean_text,
    id_check_digit,
    id_type_label,
    mask_id_number,
    normalise_plate,
    normalise_text_width,
    parse_date,
    parse_local_datetime,
    parse_month,
    parse_time,
    plate_kind,
    validate_id_number,
    validate_int,
    validate_name,
    validate_phone,
    validate_pin,
    validate_plate,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2024, 6, 1)


@pytest.fixture(autouse=True, params=["zh", "en"])
def language(request):
    """Every test runs in both UI languages."""
    before = i18n.get_language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(before)


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 from its definition (powers of 2), not the weight table."""
    s = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    return "0123456789X"[(12 - s % 11) % 11]


def make_id(region: str, birth: str, seq: str = "123") -> str:
    body = region + birth + seq
    return body + check_char(body)


def wrong_check(id18: str) -> str:
    good = id18[-1]
    return id18[:-1] + next(c for c in "0123456789X" if c != good)


def raises(fn, *args, expect: str | None = None, **kw) -> ValidationError:
    """Call ``fn`` (``field=`` is passed on) and check the error names the field."""
    with pytest.raises(ValidationError) as info:
        fn(*args, **kw)
    assert info.value.field == (expect or kw["field"])
    assert info.value.message
    return info.value


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


# --------------------------------------------------------------------------- ID numbers

KNOWN_GOOD = "11010519491231002X"


def test_known_example_and_independent_check_digit():
    assert check_char(KNOWN_GOOD[:17]) == "X"
    assert id_check_digit(KNOWN_GOOD[:17]) == "X"
    assert validate_id_number(KNOWN_GOOD) == KNOWN_GOOD


@pytest.mark.parametrize(
    "region, birth",
    [
        ("110105", "19491231"),
        ("310104", "19800229"),  # leap day
        ("440305", "20000101"),
        ("650102", "19000101"),
        ("510107", "20240601"),  # born today
        ("370202", "19991231"),
        ("820000", "19900515"),
        ("540102", "19751010"),
    ],
)
@pytest.mark.parametrize("seq", ["001", "123", "456", "789", "998"])
def test_resident_id_valid(region, birth, seq):
    n = make_id(region, birth, seq)
    assert validate_id_number(n, today=TODAY) == n
    raises(validate_id_number, wrong_check(n), today=TODAY, field="id_number")


def test_resident_id_normalisation():
    lower = KNOWN_GOOD.lower()
    assert validate_id_number(lower) == KNOWN_GOOD
    fullwidth = normalise_text_width  # the inverse, by hand:
    wide = "".join(chr(ord(c) + 0xFEE0) for c in KNOWN_GOOD)
    assert fullwidth(wide) == KNOWN_GOOD
    assert validate_id_number(wide) == KNOWN_GOOD
    assert validate_id_number(" 110105 19491231 002x ") == KNOWN_GOOD
    assert validate_id_number("110105\u300019491231\u200b002X") == KNOWN_GOOD


def test_resident_id_distinct_messages():
    msgs = {
        "length": raises(validate_id_number, "11010519491231002", field="id_number").message,
        "birth": raises(validate_id_number, make_id("110105", "19990230"), field="id_number").message,
        "future": raises(
            validate_id_number, make_id("110105", "20240602"), today=TODAY, field="id_number"
        ).message,
        "check": raises(validate_id_number, "110105194912310021", field="id_number").message,
        "region": raises(validate_id_number, make_id("990105", "19491231"), field="id_number").message,
        "chars": raises(validate_id_number, "1101051949123100XX", field="id_number").message,
    }
    assert len(set(msgs.values())) == len(msgs)


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",  # wrong check digit
        "11010519491231002",  # 17
        "11010519491231002XX",  # 19
        "110105491231002",  # old 15-digit card
        make_id("110105", "19990230"),  # 30 Feb
        make_id("110105", "19991301"),  # month 13
        make_id("110105", "19990000"),
        make_id("110105", "18991231"),  # before 1900
        make_id("110105", "20300101"),  # future
        make_id("000105", "19800101"),  # no such region
        make_id("100105", "19800101"),
        make_id("990105", "19800101"),
        "1101051949123100A2",
        "X10105194912310021",
        "",
        "   ",
    ],
)
def test_resident_id_invalid(value):
    raises(validate_id_number, value, today=TODAY, field="id_number")


def test_id_field_name_is_passed_through():
    raises(validate_id_number, "123", field="guest_id")
    raises(validate_id_number, "123", id_type="passport", field="guest_id")
    raises(validate_id_number, KNOWN_GOOD, id_type="nope", field="guest_id", expect="id_type")


def test_residence_permit():
    for region in ("810000", "820000", "830000"):
        n = make_id(region, "19850707", "041")
        assert validate_id_number(n, id_type="residence_permit", today=TODAY) == n
        raises(validate_id_number, wrong_check(n), id_type="residence_permit", field="id_number")
    raises(validate_id_number, KNOWN_GOOD, id_type="residence_permit", field="id_number")
    raises(validate_id_number, "81000019850707", id_type="residence_permit", field="id_number")


def test_foreign_permanent():
    new = make_id("931156", "19800101", "001")  # 9 + province 31 + nationality 156
    assert validate_id_number(new.lower(), id_type="foreign_permanent", today=TODAY) == new
    raises(validate_id_number, wrong_check(new), id_type="foreign_permanent", field="id_number")
    assert validate_id_number("usa310080101201", id_type="foreign_permanent") == "USA310080101201"
    for bad in ("US3100801012011", "USA31008010120", KNOWN_GOOD, "A" * 18, "ABC"):
        raises(validate_id_number, bad, id_type="foreign_permanent", field="id_number")


@pytest.mark.parametrize(
    "id_type, value, expected",
    [
        ("passport", "E12345678", "E12345678"),
        ("passport", "g12345678", "G12345678"),
        ("passport", "EA1234567", "EA1234567"),
        ("passport", "EB 123 4567", "EB1234567"),
        ("passport", "５３３３８０００６", "533380006"),
        ("passport", "C03005988", "C03005988"),
        ("passport", "AB123", "AB123"),
        ("passport", "X" * 17, "X" * 17),
        ("hk_macau_permit", "H12345678", "H12345678"),
        ("hk_macau_permit", "m1234567801", "M1234567801"),
        ("hk_macau_permit", "CA1234567", "CA1234567"),
        ("hk_macau_permit", "C12345678", "C12345678"),
        ("taiwan_permit", "12345678", "12345678"),
        ("taiwan_permit", "1234567801", "1234567801"),
        ("taiwan_permit", "12345678ab", "12345678AB"),
        ("taiwan_permit", "12345678(01)", "1234567801"),
        ("other", "军官证 12345", "军官证12345"),
        ("other", "A1", "A1"),
    ],
)
def test_other_id_types_ok(id_type, value, expected):
    assert validate_id_number(value, id_type=id_type) == expected


@pytest.mark.parametrize(
    "id_type, value",
    [
        ("passport", "E123"),
        ("passport", "X" * 18),
        ("passport", "E1234-5678"),
        ("passport", "护照12345"),
        ("hk_macau_permit", "H1234567"),
        ("hk_macau_permit", "H123456789"),
        ("hk_macau_permit", "A12345678"),
        ("hk_macau_permit", "CI1234567"),
        ("hk_macau_permit", "HA2345678"),
        ("taiwan_permit", "1234567"),
        ("taiwan_permit", "123456789"),
        ("taiwan_permit", "A1234567"),
        ("other", "A"),
        ("other", "A" * 31),
        ("other", ""),
    ],
)
def test_other_id_types_bad(id_type, value):
    raises(validate_id_number, value, id_type=id_type, field="doc")


def test_id_type_labels(language):
    assert len(ID_TYPES) == 7
    labels = {t: id_type_label(t) for t in ID_TYPES}
    assert len(set(labels.values())) == 7
    if language == "zh":
        assert labels["resident_id"] == "居民身份证"
        assert labels["passport"] == "护照"
        assert labels["hk_macau_permit"] == "港澳居民来往内地通行证 (回乡证)"
        assert labels["taiwan_permit"] == "台湾居民来往大陆通行证 (台胞证)"
        assert labels["residence_permit"] == "港澳台居民居住证"
        assert labels["foreign_permanent"] == "外国人永久居留身份证"
        assert labels["other"] == "其他"
    else:
        assert labels["passport"] == "Passport"
    assert id_type_label("unknown") == "unknown"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("11010519491231002X", "110105********002X"),
        ("USA310080101201", "USA310*****1201"),
        ("E12345678", "E1*****78"),
        ("AB123", "AB*23"),
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_id_number(value, expected):
    assert mask_id_number(value) == expected


# --------------------------------------------------------------------------- plates


@pytest.mark.parametrize(
    "raw, expected, kind",
    [
        ("京A12345", "京A12345", "ordinary"),
        ("京a12345", "京A12345", "ordinary"),
        ("京A·12345", "京A12345", "ordinary"),
        ("京A 12345", "京A12345", "ordinary"),
        ("京A-12345", "京A12345", "ordinary"),
        ("京Ａ・１２３４５", "京A12345", "ordinary"),
        ("粤b•ab123", "粤BAB123", "ordinary"),
        ("琼Z99999", "琼Z99999", "ordinary"),
        ("沪AD12345", "沪AD12345", "new_energy"),
        ("沪ADA1234", "沪ADA1234", "new_energy"),
        ("苏EF12345", "苏EF12345", "new_energy"),
        ("粤B12345D", "粤B12345D", "new_energy"),
        ("粤B12345F", "粤B12345F", "new_energy"),
        ("京A1234警", "京A1234警", "police"),
        ("京O1234警", "京O1234警", "police"),
        ("苏A1234学", "苏A1234学", "coach"),
        ("鲁B1234挂", "鲁B1234挂", "trailer"),
        ("浙A1234试", "浙A1234试", "test"),
        ("浙A1234超", "浙A1234超", "test"),
        ("沪A0012领", "沪A0012领", "consulate"),
        ("使123456", "使123456", "embassy"),
        ("123使456", "123使456", "embassy"),
        ("粤Z1234港", "粤Z1234港", "hk_macau"),
        ("粤ZA123澳", "粤ZA123澳", "hk_macau"),
        ("WJ京12345", "WJ京12345", "armed_police"),
        ("wj 12345", "WJ12345", "armed_police"),
        ("粤A1234应急", "粤A1234应急", "other"),
        ("VA12345", "VA12345", "other"),
    ],
)
def test_plate_ok(raw, expected, kind):
    assert validate_plate(raw) == expected
    assert plate_kind(raw) == kind
    assert kind in PLATE_KINDS


def test_normalise_plate():
    assert normalise_plate(" 京ａ·１２３４５ ") == "京A12345"
    assert normalise_plate("沪A‧D1234・5") == "沪AD12345"
    assert normalise_plate("京\u3000A\u200b12345") == "京A12345"
    assert normalise_plate(None) == ""


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "ｊｉｎｇ",
        "JING",
        "jingA12345",
        "北A12345",
        "A12345",
        "12345",
        "京A1234",
        "京A123456789",
        "京I12345",
        "京O12345",
        "京A1234O",
        "京A12I45",
        "京112345",
        "京A1234X5",
        "粤B1234D5",
        "沪AX12345",
        "京A1234港",
        "使12345",
        "京A12345警",
        "京A!2345",
        "粤Y1234港",
    ],
)
def test_plate_bad(raw):
    raises(validate_plate, raw, field="car")


def test_plate_messages(language):
    unknown = raises(validate_plate, "北A12345", field="plate").message
    length = raises(validate_plate, "京A1234", field="plate").message
    invalid = raises(validate_plate, "京A1234港", field="plate").message
    assert len({unknown, length, invalid}) == 3
    if language == "en":
        assert unknown == "Unknown province abbreviation"
        assert length == "Plate has the wrong length"
        assert invalid == "Not a valid plate number"
    else:
        assert unknown == "未知的省份简称"
    assert plate_kind("garbage") == "other"


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-138-1234-5678", "13812345678"),
        ("0086 13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("(010) 12345678", "010-12345678"),
        ("（0755）8888-9999", "0755-88889999"),
        ("021 1234 5678", "021-12345678"),
        ("0755-1234567", "0755-1234567"),
        ("075512345678", "0755-12345678"),
        ("021-12345678-123", "021-12345678-123"),
        ("021-12345678转123", "021-12345678-123"),
        ("010-6552-1234", "010-65521234"),
        ("+86 10 12345678", "010-12345678"),
        ("０１０－１２３４５６７８", "010-12345678"),
        ("4008123123", "4008123123"),
        ("400-812-3123", "4008123123"),
        ("8008101818", "8008101818"),
        ("+852 9123 4567", "+85291234567"),
    ],
)
def test_phone_ok(raw, expected):
    assert validate_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "12345678901",
        "1381234567",
        "138123456789",
        "10012345678",
        "00-123",
        "12345678",
        "010-123456",
        "010-123456789",
        "0-12345678",
        "abc",
        "138abc45678",
        "+86",
        "021-12345678-1234567",
        "4001234",
        "+0123456789",
    ],
)
def test_phone_bad(raw):
    raises(validate_phone, raw, field="tel")


def test_phone_messages(language):
    short = raises(validate_phone, "1381234567", field="phone").message
    bad = raises(validate_phone, "12345678901", field="phone").message
    no_area = raises(validate_phone, "62345678", field="phone").message
    assert len({short, bad, no_area}) == 3


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


# --------------------------------------------------------------------------- translations


def _message_ids() -> set[str]:
    ids: set[str] = set()
    for name in ("validators.py", "validators_ids.py"):
        tree = ast.parse((ROOT / "wuye_tui" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                assert len(node.args) == 1 and isinstance(node.args[0], ast.Constant), node.lineno
                ids.add(node.args[0].value)
    return ids


def test_every_message_has_a_chinese_entry():
    catalog = json.loads((ROOT / "wuye_tui/locale/zh_CN/validators.json").read_text(encoding="utf-8"))
    ids = _message_ids()
    assert len(ids) > 30
    missing = ids - catalog.keys()
    assert not missing
    for msgid in ids:
        zh = catalog[msgid]
        assert zh and zh != msgid
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), msgid
        assert sorted(re.findall(r"\{\w+\}", zh)) == sorted(re.findall(r"\{\w+\}", msgid)), msgid


def test_messages_differ_by_language():
    cases = [
        lambda: validate_id_number("110105194912310021"),
        lambda: validate_plate("北A12345"),
        lambda: validate_phone("12345678901"),
        lambda: clean_text("", required=True),
        lambda: parse_date("2023-02-29"),
        lambda: validate_pin("1"),
        lambda: validate_name("张3"),
    ]
    for case in cases:
        got = {}
        for lang in ("en", "zh"):
            i18n.set_language(lang)
            with pytest.raises(ValidationError) as info:
                case()
            got[lang] = info.value.message
        assert got["en"] != got["zh"]
        assert got["en"].isascii()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in got["zh"])
