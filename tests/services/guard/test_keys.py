"""Key register: add, lend, return, overdue at the boundary, bad input, handover item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from wuye_tui.errors import Conflict, ValidationError
from wuye_tui.models.guard import KeyItem, KeyLoan
from wuye_tui.services.guard import keys

from ..conftest_guard import add_unit, provided


def _loans(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(KeyLoan)).scalar_one()


def test_lend_return_and_overdue_boundary(make_ctx, db, clock):
    ctx = make_ctx("guard")
    code = add_unit(db)
    key = keys.add_key(ctx, "k0102", unit=code)
    assert key.code == "K0102" and code in key.label
    loan = keys.lend_key(ctx, "K0102", "李师傅（维修）", "repair", "王先生", phone="13812345678")
    assert loan.authorised_resident_id is not None and loan.authorised_staff_id is None
    assert loan.due_at == clock.now() + timedelta(hours=keys.overdue_hours())
    assert keys.overdue_hours() == 24
    [row] = keys.keys_out(ctx)
    assert row.unit_code == code and not row.overdue
    clock.advance(hours=24, seconds=-1)
    assert not keys.keys_out(ctx)[0].overdue
    clock.advance(seconds=1)
    [row] = keys.keys_out(ctx)
    assert row.overdue
    [item] = provided(ctx, "key_out")
    assert item.overdue and "K0102" in item.title and "李师傅" in item.title
    with pytest.raises(Conflict):
        keys.lend_key(ctx, "K0102", "别人", "repair", "主管")
    back = keys.return_key(ctx, "K0102", "完好")
    assert back.returned_at == clock.now()
    assert keys.keys_out(ctx) == []
    assert not provided(ctx, "key_out")
    with pytest.raises(Conflict):
        keys.return_key(ctx, "K0102")
    assert len(keys.loan_history(ctx, "K0102")) == 1


def test_list_keys_search_and_out_only(make_ctx, db):
    ctx = make_ctx("guard")
    make_ctx("supervisor", "王主管")
    keys.add_key(ctx, "R-POWER", label="配电房")
    keys.add_key(ctx, "R-PUMP", label="水泵房")
    keys.lend_key(ctx, "R-PUMP", "工程部 小刘", "inspection", "王主管")
    assert [r.key.code for r in keys.list_keys(ctx, "水泵")] == ["R-PUMP"]
    assert [r.key.code for r in keys.list_keys(ctx, out_only=True)] == ["R-PUMP"]
    first = keys.list_keys(ctx, limit=1)
    assert [r.key.code for r in keys.list_keys(ctx, after_id=first[0].key.id)] == ["R-PUMP"]


@pytest.mark.parametrize("field,kwargs", [
    ("code", {"code": "钥匙!"}),
    ("code", {"code": "NOPE"}),
    ("lent_to", {"lent_to": "  "}),
    ("purpose", {"purpose": "party"}),
    ("purpose", {"purpose": ""}),
    ("authorised_by", {"authorised_by": ""}),
    ("phone", {"phone": "12345"}),
    ("note", {"note": "x" * 201}),
])
def test_lend_bad_input(make_ctx, db, field, kwargs):
    ctx = make_ctx("guard")
    make_ctx("supervisor", "王主管")
    keys.add_key(ctx, "R-POWER", label="配电房")
    args = {"code": "R-POWER", "lent_to": "小刘", "purpose": "inspection", "authorised_by": "王主管"}
    args.update(kwargs)
    with pytest.raises(ValidationError) as err:
        keys.lend_key(ctx, **args)
    assert err.value.field == field
    assert _loans(db) == 0


def test_add_key_bad_input(make_ctx, db):
    ctx = make_ctx("guard")
    with pytest.raises(ValidationError) as err:
        keys.add_key(ctx, "K1")
    assert err.value.field == "label"
    with pytest.raises(ValidationError) as err:
        keys.add_key(ctx, "K1", unit="99栋9单元9999")
    assert err.value.field == "unit"
    keys.add_key(ctx, "K1", label="门卫室")
    with pytest.raises(ValidationError) as err:
        keys.add_key(ctx, "k1", label="again")
    assert err.value.field == "code"
    with db.read() as s:
        assert s.execute(select(func.count()).select_from(KeyItem)).scalar_one() == 1


def test_the_approver_is_a_real_person(make_ctx, db):
    from wuye_tui.errors import AuthError
    from wuye_tui.services.core import settings

    ctx = make_ctx("guard", "张保安", "1111")
    sup = make_ctx("supervisor", "王主管", "4321")
    code = add_unit(db, resident="王先生")
    keys.add_key(ctx, "K0102", unit=code)
    keys.add_key(ctx, "R-POWER", label="配电房")
    for who, key in (("随便谁", "K0102"), ("王先生", "R-POWER"), ("张保安", "R-POWER")):
        with pytest.raises(ValidationError) as err:
            keys.lend_key(ctx, key, "李师傅", "repair", who)  # free text, a resident for a room key, oneself
        assert err.value.field == "authorised_by"
    assert _loans(db) == 0
    settings.update(sup, key_approver_pin="yes")
    with pytest.raises(ValidationError) as err:
        keys.lend_key(ctx, "R-POWER", "李师傅", "repair", "王主管")
    assert err.value.field == "approver_pin"
    with pytest.raises(AuthError):
        keys.lend_key(ctx, "R-POWER", "李师傅", "repair", "王主管", approver_pin="0000")
    assert _loans(db) == 0
    loan = keys.lend_key(ctx, "R-POWER", "李师傅", "repair", "王主管", approver_pin="4321")
    assert loan.authorised_staff_id == sup.actor.id
    # a resident of the unit needs no PIN
    assert keys.lend_key(ctx, "K0102", "李师傅", "repair", "王先生").authorised_resident_id is not None
    with pytest.raises(ValidationError):
        settings.update(sup, key_approver_pin="maybe")
