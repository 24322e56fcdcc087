"""Resident ID numbers (GB 11643) and the other ID types, masking."""

from __future__ import annotations

from pathlib import Path

import pytest

from wuye_tui.validators import (
    ID_TYPES,
    id_check_digit,
    id_type_label,
    mask_id_number,
    normalise_text_width,
    validate_id_number,
)

from tests.unit.validators.helpers import TODAY, check_char, make_id, raises, wrong_check

ROOT = Path(__file__).resolve().parents[3]


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


