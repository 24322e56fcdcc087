"""Vehicles, renovation permits and passes (hour boundaries), release slips (single use),
watch list, ID reveal and purge, open items; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from tests.services.conftest_gate import ID1, ID2, visitor
from wuye_tui.errors import Conflict, PermissionDenied, ValidationError
from wuye_tui.models import AuditEntry
from wuye_tui.models.gate import PassCheck, SlipUse, VehicleMove, Visit
from wuye_tui.services.gate import passes as gp, slips as gs, vehicles as gveh, visits as gv
from wuye_tui.services.gate import watch as gw
from wuye_tui.services.gate.common import WatchListHit

SH = timezone(timedelta(hours=8))


def at(clock, hh: int, mm: int, day: int = 2) -> None:  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 3, day, hh, mm, tzinfo=SH))


def audits(db, action: str) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)).scalar_one()


def test_resident_vehicle_one_key_in_and_out(gate_site):
    g = gate_site.guard
    info = gveh.plate_info(g, "京a 12345")
    assert info.resident and info.unit_code == "3栋2单元1202" and info.inside_id is None
    move = gveh.resident_in(g, "京A12345")
    assert move.resident and move.driver == "李四"
    with pytest.raises(ValidationError):
        gveh.resident_in(g, "京A12345")  # already inside
    gveh.vehicle_out(g, "京A12345")
    with pytest.raises(ValidationError):
        gveh.vehicle_out(g, "京A12345")
    with pytest.raises(ValidationError) as exc:
        gveh.resident_in(g, "粤B54321")
    assert exc.value.field == "plate"


def test_strange_vehicle_and_truck_inspection(gate_site):
    g = gate_site.guard
    gveh.strange_in(g, "粤B54321", "王师傅", "13600001111", "3栋2单元1202", purpose="2")
    assert [v.plate for v in gveh.vehicles_on_site(g)] == ["粤B54321"]
    with pytest.raises(ValidationError) as exc:
        gveh.strange_in(g, "粤B54322", "刘师傅", "13600001111", "3栋2单元1202", kind="truck")
    assert exc.value.field == "inspection"
    with pytest.raises(ValidationError) as exc:
        gveh.strange_in(g, "粤B54322", "刘师傅", "13600001111", "3栋2单元1202", kind="3", inspection="空车",
                        driver_confirm="别人")
    assert exc.value.field == "confirm"
    m = gveh.strange_in(g, "粤B54322", "刘师傅", "13600001111", "3栋2单元1202", kind="moving_van",
                        inspection="家具 12 件", driver_confirm="刘师傅")
    assert m.kind == "moving_van" and m.driver_confirm == "刘师傅"
    for field, kwargs in (("plate", {"plate": "X"}), ("driver", {"driver": ""}), ("phone", {"phone": "1"}),
                          ("unit", {"unit": "火星"}), ("purpose", {"purpose": "99"}), ("kind", {"kind": "飞机"})):
        args = dict(plate="粤B54323", driver="赵师傅", phone="13600001111", unit="3栋2单元1202") | kwargs
        with pytest.raises(ValidationError) as exc:
            gveh.strange_in(g, **args)
        assert exc.value.field == field
    gveh.vehicle_out(g, "粤B54321")
    assert [v.plate for v in gveh.vehicles_on_site(g)] == ["粤B54322"]
    assert [m.plate for m in gveh.plate_history(g, "粤B5432")] != []


def test_watch_list_blocks_vehicle(gate_site):
    gw.add_watch(gate_site.sup, "逃费", plate="粤B54321")
    with pytest.raises(WatchListHit):
        gveh.strange_in(gate_site.guard, "粤B54321", "王师傅", "13600001111", "3栋2单元1202")
    m = gveh.strange_in(gate_site.guard, "粤B54321", "王师傅", "13600001111", "3栋2单元1202",
                        override=gate_site.sup.actor)
    assert m.override_by == gate_site.sup.actor.id and audits(gate_site.guard.db, "gate.watch_override") == 1


def _permit(site, start="2026-03-02", end="2026-03-05"):  # type: ignore[no-untyped-def]
    return gp.issue_permit(site.desk, "3栋2单元1202", "好家装饰", "孙工", "13800001111", start, end, "3",
                           ["甲一", "乙二"])


@pytest.mark.parametrize("hh,mm,ok", [
    (7, 59, False), (8, 0, True), (11, 59, True), (12, 0, False), (13, 59, False), (14, 0, True),
    (16, 59, True), (17, 0, False), (22, 0, False),
])
def test_pass_renovation_hour_boundaries(gate_site, hh, mm, ok):
    _permit_row, numbers = _permit(gate_site)
    at(gate_site.clock, hh, mm)
    r = gp.check_pass(gate_site.guard, numbers[0])
    assert r.ok is ok and r.result == ("ok" if ok else "hours")


def test_pass_refusals_are_recorded(gate_site):
    permit, numbers = _permit(gate_site, "2026-03-03", "2026-03-04")
    assert numbers == [f"P{permit.id:04d}-01", f"P{permit.id:04d}-02", f"P{permit.id:04d}-03"]
    at(gate_site.clock, 9, 0, day=2)
    assert gp.check_pass(gate_site.guard, numbers[0]).result == "dates"
    at(gate_site.clock, 9, 0, day=3)
    assert gp.check_pass(gate_site.guard, f"p{permit.id}-1").result == "ok"
    assert gp.check_pass(gate_site.guard, "P9999-01").result == "unknown"
    at(gate_site.clock, 9, 0, day=5)
    assert gp.check_pass(gate_site.guard, numbers[1]).result == "dates"
    at(gate_site.clock, 9, 0, day=4)
    gp.revoke_permit(gate_site.desk, permit.id, "业主投诉噪音")
    r = gp.check_pass(gate_site.guard, numbers[2])
    assert r.result == "revoked" and "噪音" in r.message
    with gate_site.guard.db.read() as s:
        assert s.execute(select(func.count()).select_from(PassCheck)).scalar_one() == 5
    with pytest.raises(Conflict):
        gp.revoke_permit(gate_site.desk, permit.id, "again")


def test_permit_bad_input(gate_site):
    base = dict(unit="3栋2单元1202", company="好家装饰", foreman="孙工", phone="13800001111", start="2026-03-02",
                end="2026-03-05", workers="2")
    for field, value in (("unit", ""), ("company", ""), ("foreman", "1"), ("phone", "x"), ("start", "2026-02-30"),
                         ("end", "2026-03-01"), ("workers", "0"), ("workers", "99"), ("end", "2027-03-01")):
        args = dict(base) | {field: value}
        with pytest.raises(ValidationError) as exc:
            gp.issue_permit(gate_site.desk, **args)
        assert exc.value.field == field, (field, value)
    with pytest.raises(PermissionDenied):
        gp.issue_permit(gate_site.guard, **base)
    assert gp.active_permits(gate_site.guard) == []


def test_release_slip_single_use(gate_site):
    slip = gs.issue_slip(gate_site.desk, "3栋2单元1202", "冰箱x1，旧沙发 2、纸箱*5", reason="搬家")
    view = gs.show_slip(gate_site.guard, slip.id)
    assert view.items == [("冰箱", 1), ("旧沙发", 2), ("纸箱", 5)] and not view.problem
    first = gs.use_slip(gate_site.guard, gs.slip_number(slip.id))
    assert first.result == "ok"
    second = gs.use_slip(gate_site.guard2, slip.id)
    assert second.result == "used" and second.problem
    assert gs.use_slip(gate_site.guard, "999999").result == "unknown"
    gs.refuse_without_slip(gate_site.guard, "电视机 1", note="无放行条")
    with gate_site.guard.db.read() as s:
        uses = s.execute(select(SlipUse.result).order_by(SlipUse.id)).scalars().all()
    assert uses == ["ok", "used", "unknown", "no_slip"]


def test_release_slip_dates_and_bad_input(gate_site):
    slip = gs.issue_slip(gate_site.desk, "3栋2单元1202", "床 1", valid_on="2026-03-03")
    assert gs.use_slip(gate_site.guard, slip.id).result == "not_yet"
    at(gate_site.clock, 9, 0, day=4)
    assert gs.use_slip(gate_site.guard, slip.id).result == "expired"
    for field, kwargs in (("unit", {"unit": ""}), ("items", {"items": ""}), ("items", {"items": "床 0"}),
                          ("valid_on", {"valid_on": "2026-03-01"}), ("valid_on", {"valid_on": "soon"}),
                          ("approved_by", {"approved_by": "没这人"})):
        args = dict(unit="3栋2单元1202", items="床 1") | kwargs
        with pytest.raises(ValidationError) as exc:
            gs.issue_slip(gate_site.desk, **args)
        assert exc.value.field == field
    with pytest.raises(ValidationError):
        gs.use_slip(gate_site.guard, "abc")


def test_watch_list_rules(gate_site):
    with pytest.raises(PermissionDenied):
        gw.add_watch(gate_site.guard, "x", name="王五")
    with pytest.raises(ValidationError) as exc:
        gw.add_watch(gate_site.sup, "原因")
    assert exc.value.field == "name"
    with pytest.raises(ValidationError) as exc:
        gw.add_watch(gate_site.sup, "", name="王五")
    assert exc.value.field == "reason"
    e = gw.add_watch(gate_site.sup, "闹事", name="王五", id_number=ID2)
    assert [w.id for w in gw.list_watch(gate_site.sup)] == [e.id]
    assert gv.check_watch(gate_site.guard, id_number=ID2)
    gw.deactivate_watch(gate_site.sup, e.id, "已核实不再限制")
    assert gw.list_watch(gate_site.sup) == [] and not gv.check_watch(gate_site.guard, id_number=ID2)
    gv.check_in(gate_site.guard, visitor(name="王五", id_number=ID2))


def test_reveal_is_supervisor_only_and_audited(gate_site):
    v = gv.check_in(gate_site.guard, visitor())
    assert gv.on_site(gate_site.guard)[0].id_masked == "110105********002X"
    with pytest.raises(PermissionDenied):
        gw.reveal_id_number(gate_site.guard, v.id)
    assert gw.reveal_id_number(gate_site.guard, v.id, supervisor=gate_site.sup.actor) == ID1
    assert gw.reveal_id_number(gate_site.sup, v.id) == ID1
    assert audits(gate_site.guard.db, "gate.id_reveal") == 2


def test_purge_keeps_counts(gate_site):
    g = gate_site.guard
    old = gv.check_in(g, visitor(headcount="3", plate="粤B11111"))
    gv.check_out(g, old.id)
    gate_site.clock.advance(days=100)
    new = gv.check_in(g, visitor(name="王五", id_number=ID2))
    with pytest.raises(PermissionDenied):
        gw.purge_visitors(g, gate_site.clock.now() - timedelta(days=90))
    n = gw.purge_visitors(gate_site.sup, gate_site.clock.now() - timedelta(days=90))
    assert n == 1
    with g.db.read() as s:
        a, b = s.get(Visit, old.id), s.get(Visit, new.id)
        move = s.execute(select(VehicleMove)).scalar_one()
    assert (a.name, a.id_number, a.phone, a.purged) == ("", "", "", True)
    assert a.headcount == 3 and a.host_unit_id and a.purpose == "visit_friends" and a.checked_out_at
    assert b.name == "王五" and move.driver == ""
    assert gv.find_visitors(g, "zs") == [] and gv.find_visitors(g, "ww")
    assert audits(g.db, "gate.purge") == 1
    with pytest.raises(ValidationError):
        gw.purge_visitors(gate_site.sup, gate_site.clock.now() + timedelta(days=1))


def test_open_items_providers(gate_site):
    from wuye_tui.services.core.open_items import collect

    gv.check_in(gate_site.guard, visitor())
    gveh.strange_in(gate_site.guard, "粤B54321", "王师傅", "13600001111", "3栋2单元1202")
    _permit(gate_site)
    kinds = [i.kind for i in collect(gate_site.guard)]
    for kind in ("visitor_on_site", "vehicle_on_site", "contractor_pass"):
        assert kind in kinds


def test_a_plate_at_the_barrier_goes_in_out_or_asks(gate_site):
    """``plate_at_gate``: the rule the vehicle desk runs on Enter, in the service."""
    from wuye_tui.services.gate import vehicles as gveh

    g = gate_site.guard
    first = gveh.plate_at_gate(g, "京A12345")  # a resident's car (seed_roster)
    assert first.action == "in" and first.info.resident
    assert gveh.plate_at_gate(g, "京A12345").action == "out"
    stranger = gveh.plate_at_gate(g, "粤B54321")
    assert stranger.action == "strange" and gveh.vehicles_on_site(g) == []
