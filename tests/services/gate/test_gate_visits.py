"""Visitor check-in, refusal, check-out (also concurrently), on-site board, look-up,
pre-registration; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.services.conftest_gate import ID1, ID2, visitor
from wuye_tui.errors import Conflict, PermissionDenied, ValidationError
from wuye_tui.models import AuditEntry
from wuye_tui.models.gate import GateVisitor, PreRegistration, VehicleMove, Visit, VisitRefusal
from wuye_tui.services.gate import prereg as gate_prereg, visits as gv
from wuye_tui.services.gate.common import WatchListHit
from wuye_tui.services.gate.watch import add_watch


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def audits(db, action: str) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)).scalar_one()


def test_check_in_saves_visit_visitor_and_audit(gate_site):
    g = gate_site.guard
    v = gv.check_in(g, visitor(name="阿依古丽·买买提", headcount="3", purpose="2"))
    assert v.id and v.headcount == 3 and v.purpose == "delivery" and v.guard_id == g.actor.id
    assert v.expected_out_at - v.checked_in_at == timedelta(minutes=60)
    assert count(g.db, GateVisitor) == 1 and audits(g.db, "gate.check_in") == 1
    with g.db.read() as s:
        entry = s.execute(select(AuditEntry).where(AuditEntry.action == "gate.check_in")).scalar_one()
    assert ID1 not in entry.after and "110105********002X" in entry.after


def test_plate_logs_vehicle_entry(gate_site):
    v = gv.check_in(gate_site.guard, visitor(plate="粤b·12345", stay="2"))
    assert v.plate == "粤B12345"
    assert v.expected_out_at - v.checked_in_at == timedelta(hours=2)
    with gate_site.guard.db.read() as s:
        move = s.execute(select(VehicleMove)).scalar_one()
    assert move.plate == "粤B12345" and move.visit_id == v.id and move.out_at is None


@pytest.mark.parametrize("field,value", [
    ("name", ""), ("name", "张3"), ("id_type", "99"), ("id_number", ""), ("id_number", "110105194912310021"),
    ("id_number", "12345"), ("phone", "12345"), ("headcount", "0"), ("headcount", "abc"), ("headcount", "51"),
    ("unit", ""), ("unit", "99栋9999"), ("approval", "9"), ("purpose", "x"), ("plate", "ABC"),
    ("stay", "0"), ("stay", "abc"), ("stay", "100"),
])
def test_bad_input_names_the_field_and_saves_nothing(gate_site, field, value):
    with pytest.raises(ValidationError) as exc:
        gv.check_in(gate_site.guard, visitor(**{field: value}))
    assert exc.value.field == field and exc.value.message
    assert count(gate_site.guard.db, Visit) == 0 and count(gate_site.guard.db, GateVisitor) == 0


def test_vehicle_already_inside_rolls_back_whole_check_in(gate_site):
    gv.check_in(gate_site.guard, visitor(plate="粤B12345"))
    with pytest.raises(ValidationError) as exc:
        gv.check_in(gate_site.guard, visitor(name="王五", id_number=ID2, plate="粤B12345"))
    assert exc.value.field == "plate"
    assert count(gate_site.guard.db, Visit) == 1 and count(gate_site.guard.db, VehicleMove) == 1


def test_front_desk_may_not_check_in(gate_site):
    with pytest.raises(PermissionDenied):
        gv.check_in(gate_site.desk, visitor())


def test_refusals_are_records(gate_site):
    g = gate_site.guard
    for reason in ("1", "host_refused", "推销/小商贩/收旧", "canvasser"):
        gv.refuse(g, reason, name="赵六", unit="3栋2单元1202")
    with pytest.raises(ValidationError) as exc:
        gv.refuse(g, "other")
    assert exc.value.field == "note"
    with pytest.raises(ValidationError) as exc:
        gv.refuse(g, "nonsense")
    assert exc.value.field == "reason"
    with g.db.read() as s:
        rows = s.execute(select(VisitRefusal).order_by(VisitRefusal.id)).scalars().all()
    assert [r.reason for r in rows] == ["no_id", "host_refused", "peddler", "canvasser"]
    assert all(r.guard_id == g.actor.id and r.at for r in rows)
    assert audits(g.db, "gate.refuse") == 4


def test_check_out_and_second_check_out_conflicts(gate_site):
    v = gv.check_in(gate_site.guard, visitor())
    gv.check_out(gate_site.guard, v.id)
    with pytest.raises(Conflict) as exc:
        gv.check_out(gate_site.guard2, v.id)
    assert "09:00" in exc.value.message
    assert audits(gate_site.guard.db, "gate.check_out") == 1


def test_two_sessions_check_out_at_once_exactly_one_wins(gate_site):
    v = gv.check_in(gate_site.guard, visitor())
    results: list[str] = []
    barrier = threading.Barrier(2)

    def run(ctx):  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            gv.check_out(ctx, v.id)
            results.append("ok")
        except Conflict:
            results.append("conflict")

    threads = [threading.Thread(target=run, args=(c,)) for c in (gate_site.guard, gate_site.guard2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "ok"]
    assert audits(gate_site.guard.db, "gate.check_out") == 1


def test_group_check_out(gate_site):
    ids = [gv.check_in(gate_site.guard, visitor(name=n, id_number="", approval="1", id_type="2")).id
           for n in ()] or []
    a = gv.check_in(gate_site.guard, visitor()).id
    b = gv.check_in(gate_site.guard, visitor(name="王五", id_number=ID2)).id
    ids = [a, b]
    gv.check_out(gate_site.guard, a)
    assert gv.check_out_group(gate_site.guard, ids) == 1
    with pytest.raises(Conflict):
        gv.check_out_group(gate_site.guard, ids)
    assert gv.on_site(gate_site.guard) == []


def test_on_site_board_and_overstay(gate_site):
    g, clock = gate_site.guard, gate_site.clock
    v1 = gv.check_in(g, visitor(purpose="3"))  # takeaway: 30 minutes
    clock.advance(minutes=10)
    gv.check_in(g, visitor(name="王五", id_number=ID2, purpose="1"))
    clock.advance(minutes=25)
    rows = gv.on_site(g)
    assert [r.name for r in rows] == ["王五", "张三"]
    assert rows[1].overstay and not rows[0].overstay and rows[1].id_masked == "110105********002X"
    clock.advance(hours=14)  # 23:35 local: past the night hour
    assert all(r.overstay for r in gv.on_site(g))
    assert [r.visit_id for r in gv.find_on_site(g, "张")] == [v1.id]


def test_returning_visitor_lookup_and_fill(gate_site):
    g = gate_site.guard
    first = gv.check_in(g, visitor(purpose="2", headcount="2"))
    gate_site.clock.advance(hours=1)
    gv.check_out(g, first.id)  # one visitor, one visit: the first has ended
    last = gv.check_in(g, visitor(purpose="5", unit="5栋1单元0801"))
    gv.check_in(g, visitor(name="张伟", id_number=ID2, phone="13900000000"))
    for text in ("张三", "zs", "13800138000", ID1, ID1.lower()):
        hits = gv.find_visitors(g, text)
        assert hits and hits[0].name == "张三", text
    # a guard cannot read a masked number digit by digit: no prefix matches on numbers
    for text in ("138001", "110105", ID1[:-1]):
        assert gv.find_visitors(g, text) == [], text
    assert gv.find_visitors(g, "13800138000")[0].phone_masked == "138****8000"
    assert {h.name for h in gv.find_visitors(g, "张")} == {"张三", "张伟"}
    hit = gv.find_visitors(g, "zs")[0]
    assert hit.visits == 2 and hit.last_visit_id == last.id and hit.id_masked == "110105********002X"
    form = gv.form_from_visit(g, hit.last_visit_id)
    assert form["unit"] == "5栋1单元0801" and form["purpose"] == "housekeeping" and form["id_number"] == ID1
    assert gv.find_visitors(g, "") == [] and gv.find_visitors(g, "%") == []


def test_prereg_code_fills_and_is_used_once(gate_site):
    pre = gate_prereg.create_prereg(gate_site.desk, "3栋2单元1202", "刘备", "13511112222", valid_hours="2")
    assert len(pre.code) == 6 and pre.code.isdigit()
    form = gate_prereg.form_from_prereg(gate_site.guard, pre.code)
    assert form["name"] == "刘备" and form["approval"] == "prereg"
    v = gv.check_in(gate_site.guard, form)
    assert v.approval == "prereg" and v.prereg_id == pre.id and v.id_number == ""
    with pytest.raises(ValidationError) as exc:
        gate_prereg.form_from_prereg(gate_site.guard, pre.code)
    assert exc.value.field == "lookup"
    with pytest.raises(ValidationError):
        gv.check_in(gate_site.guard, form)
    assert count(gate_site.guard.db, Visit) == 1
    with gate_site.guard.db.read() as s:
        assert s.get(PreRegistration, pre.id).visit_id == v.id


def test_prereg_expiry_and_bad_input(gate_site):
    pre = gate_prereg.create_prereg(gate_site.desk, "3栋2单元1202", "刘备", valid_hours=1)
    gate_site.clock.advance(minutes=61)
    with pytest.raises(ValidationError, match="过期"):
        gate_prereg.form_from_prereg(gate_site.guard, pre.code)
    for kwargs, field in (({"valid_hours": "0"}, "valid_hours"), ({"valid_hours": "x"}, "valid_hours"),
                          ({"name": "1"}, "name"), ({"unit": "nowhere"}, "unit"), ({"phone": "1"}, "phone")):
        args = {"unit": "3栋2单元1202", "name": "刘备"} | kwargs
        with pytest.raises(ValidationError) as exc:
            gate_prereg.create_prereg(gate_site.desk, **args)
        assert exc.value.field == field
    with pytest.raises(ValidationError):
        gate_prereg.form_from_prereg(gate_site.guard, "12ab")
    with pytest.raises(ValidationError):
        gv.check_in(gate_site.guard, visitor(approval="prereg"))


def test_watch_list_blocks_and_supervisor_override_is_audited(gate_site):
    add_watch(gate_site.sup, "曾多次推销", id_number=ID1)
    with pytest.raises(WatchListHit) as exc:
        gv.check_in(gate_site.guard, visitor())
    assert exc.value.hits and "推销" in exc.value.message
    assert count(gate_site.guard.db, Visit) == 0
    with pytest.raises(ValidationError):
        gv.check_in(gate_site.guard, visitor(), override=gate_site.guard2.actor)
    v = gv.check_in(gate_site.guard, visitor(), override=gate_site.sup.actor)
    assert v.override_by == gate_site.sup.actor.id
    assert audits(gate_site.guard.db, "gate.watch_override") == 1
    add_watch(gate_site.sup, "闹事", name="王五")
    with pytest.raises(WatchListHit):
        gv.check_in(gate_site.guard, visitor(name="王五", id_number=ID2))
