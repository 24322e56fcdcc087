"""Watch-list entries added with a typed ID number, deactivated with a reason (supervisors
only, audited, the row kept), and paged for the supervisors' desk; SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.services.conftest_gate import ID1, ID2, visitor
from wuye_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wuye_tui.models import AuditEntry
from wuye_tui.models.gate import WatchEntry
from wuye_tui.services.gate import visits as gv
from wuye_tui.services.gate import watch as gw
from wuye_tui.services.gate.common import WatchListHit


def entries(db) -> list[WatchEntry]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(WatchEntry).order_by(WatchEntry.id)).scalars())


def audit_rows(db, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)).scalars())


def test_add_entry_checks_the_id_number_by_its_type(gate_site):
    sup = gate_site.sup
    bad_digit = ID1[:-1] + "3"
    for id_type, number in (("resident_id", bad_digit), ("resident_id", "12345"), ("passport", "E1"),
                            ("hk_macau_permit", "X12345678")):
        with pytest.raises(ValidationError) as exc:
            gw.add_watch_entry(sup, "闹事", name="王五", id_type=id_type, id_number=number)
        assert exc.value.field == "id_number"
    with pytest.raises(ValidationError) as exc:
        gw.add_watch_entry(sup, "闹事", id_type="nonsense", id_number=ID1)
    assert exc.value.field == "id_type"
    assert entries(sup.db) == [] and audit_rows(sup.db, "gate.watch_add") == []
    e = gw.add_watch_entry(sup, "闹事", name="王五", id_type="resident_id", id_number="11010519491231002x")
    p = gw.add_watch_entry(sup, "曾持假证", id_type="passport", id_number="e 1234 5678")
    assert (e.id_number, p.id_number) == (ID1, "E12345678")
    # the checked number matches what check-in stores, so the entry bites
    with pytest.raises(WatchListHit):
        gv.check_in(gate_site.guard, visitor(name="赵六", id_number=ID1))
    after = json.loads(audit_rows(sup.db, "gate.watch_add")[0].after)
    assert after["id"] == "110105********002X" and ID1 not in audit_rows(sup.db, "gate.watch_add")[0].after


def test_add_entry_refuses_bad_fields_and_saves_nothing(gate_site):
    sup = gate_site.sup
    cases = [
        (dict(reason="x"), "name"),  # neither name, ID number nor plate
        (dict(reason="x", name="王" * 31), "name"),
        (dict(reason="x", name="123"), "name"),
        (dict(reason="x", plate="粤B"), "plate"),
        (dict(reason="", name="王五"), "reason"),
        (dict(reason="   ", plate="粤B54321"), "reason"),
        (dict(reason="长" * 201, name="王五"), "reason"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationError) as exc:
            gw.add_watch_entry(sup, **kwargs)
        assert exc.value.field == field, kwargs
    assert entries(sup.db) == []
    with pytest.raises(PermissionDenied):
        gw.add_watch_entry(gate_site.guard, "闹事", name="王五")
    with pytest.raises(PermissionDenied):
        gw.add_watch_entry(gate_site.desk, "闹事", name="王五")
    assert entries(sup.db) == []


def test_deactivate_with_reason_keeps_the_row_and_audits(gate_site):
    sup, guard = gate_site.sup, gate_site.guard
    e = gw.add_watch_entry(sup, "逃费", plate="粤B54321", name="王五", id_number=ID2)
    with pytest.raises(WatchListHit):
        gv.check_in(guard, visitor(name="王五", id_number=ID2))
    gate_site.clock.advance(minutes=5)
    gw.deactivate_watch(sup, e.id, "已补缴费用")
    row = entries(sup.db)[0]
    assert not row.active and row.removed_by == sup.actor.id
    assert row.removed_at is not None and row.reason == "逃费" and row.plate == "粤B54321"
    (a,) = audit_rows(sup.db, "gate.watch_deactivate")
    assert a.entity_id == str(e.id) and a.staff_id == sup.actor.id
    assert json.loads(a.after) == {"active": False, "reason": "已补缴费用"}
    before = json.loads(a.before)
    assert before["reason"] == "逃费" and before["id"] == "440524********0013" and ID2 not in a.before
    assert gv.check_watch(guard, id_number=ID2, plate="粤B54321", name="王五") == []
    gv.check_in(guard, visitor(name="王五", id_number=ID2))  # no longer blocked
    assert gw.watch_page(sup) == []


def test_deactivate_refusals(gate_site):
    sup = gate_site.sup
    e = gw.add_watch_entry(sup, "逃费", plate="粤B54321")
    for reason in ("", "  ", "因" * 201):
        with pytest.raises(ValidationError) as exc:
            gw.deactivate_watch(sup, e.id, reason)
        assert exc.value.field == "reason"
    with pytest.raises(PermissionDenied):
        gw.deactivate_watch(gate_site.guard, e.id, "误登记")
    with pytest.raises(PermissionDenied):
        gw.deactivate_watch(gate_site.desk, e.id, "误登记")
    with pytest.raises(NotFound):
        gw.deactivate_watch(sup, e.id + 100, "误登记")
    assert entries(sup.db)[0].active and audit_rows(sup.db, "gate.watch_deactivate") == []
    gw.deactivate_watch(sup, e.id, "误登记")
    with pytest.raises(Conflict):
        gw.deactivate_watch(sup, e.id, "再来一次")
    assert len(audit_rows(sup.db, "gate.watch_deactivate")) == 1
    with sup.db.read() as s:
        assert s.execute(select(func.count()).select_from(WatchEntry)).scalar_one() == 1


def test_watch_page_is_keyset_paged_and_masked(gate_site):
    sup = gate_site.sup
    ids = [gw.add_watch_entry(sup, f"原因{i}", plate=f"粤B5432{i}").id for i in range(5)]
    masked = gw.add_watch_entry(sup, "闹事", name="王五", id_number=ID1)
    gw.deactivate_watch(sup, ids[2], "误登记")
    first = gw.watch_page(sup, limit=3)
    assert [r.entry_id for r in first] == [masked.id, ids[4], ids[3]]
    assert first[0].id_masked == "110105********002X" and first[0].added_by == sup.actor.name
    assert first[1].id_masked == "" and first[1].plate == "粤B54324"
    assert first[0].added_at.tzinfo is not None
    rest = gw.watch_page(sup, before_id=first[-1].entry_id, limit=3)
    assert [r.entry_id for r in rest] == [ids[1], ids[0]]
    with pytest.raises(PermissionDenied):
        gw.watch_page(gate_site.desk)
    with pytest.raises(PermissionDenied):  # guards see hits at check-in, never the list
        gw.watch_page(gate_site.guard)
