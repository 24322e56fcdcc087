"""Host unit as a guard types it (#10): 3-2-1202, 3栋2单元1202, 1-1-101, a room number,
owner name, phone, pinyin initials; ambiguous asks instead of guessing."""

from __future__ import annotations

import pytest

from wuye_tui.errors import ValidationError
from wuye_tui.services.core import roster


@pytest.fixture
def units(make_ctx):  # type: ignore[no-untyped-def]
    desk = make_ctx("front_desk")
    roster.add_resident(desk, "3", "2", "1202", "李四", "13912345678")
    roster.add_resident(desk, "5", "1", "1202", "王芳", "13700001111")
    roster.add_resident(desk, "1", "1", "101", "赵六", "13600002222")
    roster.add_resident(desk, "1", "1", "1011", "钱七", "13600003333")
    return make_ctx("guard")


@pytest.mark.parametrize("typed", ["3-2-1202", "3栋2单元1202", "3/2/1202", "3 2 1202", "３－２－１２０２", "李四",
                                   "13912345678", "ls"])
def test_one_unit_however_typed(units, typed):
    assert roster.get_unit(units, typed).code == "3栋2单元1202"


def test_1_1_101_is_not_its_longer_neighbour(units):
    assert roster.get_unit(units, "1-1-101").code == "1栋1单元101"
    assert roster.find_units(units, "1-1-101")[0].code == "1栋1单元101"


@pytest.mark.parametrize("typed", ["1202", "120", "13", "1-1"])
def test_ambiguous_or_partial_asks(units, typed):
    with pytest.raises(ValidationError) as err:
        roster.get_unit(units, typed)
    assert err.value.field == "unit"


def test_pick_list_has_owner_and_phone(units):
    hits = roster.find_units(units, "1202")
    assert {h.code for h in hits} == {"3栋2单元1202", "5栋1单元1202"}
    assert {h.resident for h in hits} == {"李四", "王芳"} and all(h.phone for h in hits)
    with pytest.raises(ValidationError, match="roster|名册|没有"):
        roster.get_unit(units, "9-9-999")


def test_a_masked_phone_cannot_be_read_back_digit_by_digit(units):
    """A phone finds its unit by the whole number or by its last four digits (what the mask
    shows), never by a prefix: "1391", "13912", ... would each say whether a digit is right."""
    assert [h.code for h in roster.search_units(units, "13912345678")] == ["3栋2单元1202"]
    assert [h.code for h in roster.search_units(units, "5678")] == ["3栋2单元1202"]
    for prefix in ("139", "1391", "13912", "1391234"):
        assert all(h.resident != "李四" for h in roster.search_units(units, prefix)), prefix
    assert roster.search_units(units, "5678")[0].phone_masked == "139****5678"
