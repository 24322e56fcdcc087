"""Plates (GA 36) and phone numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from wuye_tui.validators import PLATE_KINDS, normalise_plate, plate_kind, validate_phone, validate_plate

from tests.unit.validators.helpers import raises

ROOT = Path(__file__).resolve().parents[3]


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


