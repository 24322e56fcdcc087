"""The visitor book the gate can trust (#10): one visitor one visit, check-out with the
vehicle, undo by the same guard within minutes; on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from tests.services.conftest_gate import ID1, ID2, gate_site, visitor  # noqa: F401,F811
from wuye_tui.errors import Conflict, PermissionDenied, ValidationError
from wuye_tui.models import AuditEntry
from wuye_tui.models.gate import VisitRefusal, VehicleMove, Visit
from wuye_tui.services.gate import vehicles as gate_vehicles, visits as gv


def audits(db, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars())


def open_visits(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(Visit).where(Visit.checked_out_at.is_(None))).scalar_one()


def test_same_id_number_on_site_twice_is_refused(gate_site):  # noqa: F811
    g = gate_site.guard
    first = gv.check_in(g, visitor())
    with pytest.raises(gv.AlreadyOnSite) as err:
        gv.check_in(g, visitor(name="张叁", unit="5栋1单元0801"))  # another name, same ID number
    assert err.value.visit_id == first.id and "张三" in err.value.message
    assert open_visits(g.db) == 1


def test_same_name_same_unit_without_id_match_is_refused(gate_site):  # noqa: F811
    g = gate_site.guard
    gv.check_in(g, visitor())
    with pytest.raises(gv.AlreadyOnSite):
        gv.check_in(g, visitor(id_type="2", id_number="E12345678"))
    gv.check_in(g, visitor(id_number=ID2, unit="5栋1单元0801"))  # same name, other unit, other ID: fine
    assert open_visits(g.db) == 2


def test_replace_checks_the_earlier_visit_out_in_the_same_write(gate_site):  # noqa: F811
    g = gate_site.guard
    first = gv.check_in(g, visitor())
    second = gv.check_in(g, visitor(), replace=first.id)
    with g.db.read() as s:
        assert s.get(Visit, first.id).checked_out_at is not None
        assert s.get(Visit, second.id).checked_out_at is None
    assert json.loads(audits(g.db, "gate.check_out")[-1].after)["reason"] == "replaced"


def test_supervisor_override_of_a_second_visit_is_recorded(gate_site):  # noqa: F811
    g = gate_site.guard
    first = gv.check_in(g, visitor())
    with pytest.raises(ValidationError):
        gv.check_in(g, visitor(), allow_duplicate=gate_site.guard2.actor)  # a guard may not
    second = gv.check_in(g, visitor(), allow_duplicate=gate_site.sup.actor)
    rows = audits(g.db, "gate.duplicate_override")
    assert len(rows) == 1 and rows[0].staff_id == gate_site.sup.actor.id
    assert rows[0].entity_id == str(second.id) and json.loads(rows[0].after)["earlier_visit"] == first.id


def test_vehicle_leaves_with_the_visitor_when_asked(gate_site):  # noqa: F811
    g = gate_site.guard
    a = gv.check_in(g, visitor(plate="粤B12345"))
    b = gv.check_in(g, visitor(name="王五", id_number=ID2, plate="粤B54321"))
    assert gv.check_out_preview(g, a.id).plate == "粤B12345"
    gv.check_out(g, a.id, with_vehicle=True)
    gv.check_out(g, b.id)  # the vehicle stays: flagged on the board
    inside = {v.plate: v for v in gate_vehicles.vehicles_on_site(g)}
    assert "粤B12345" not in inside
    assert inside["粤B54321"].driver_left
    assert [v.plate for v in gate_vehicles.vehicles_on_site(g, find="粤B5")] == ["粤B54321"]
    assert gate_vehicles.vehicles_on_site(g, find="张") == []


def test_undo_by_the_same_guard_within_minutes_is_an_event(gate_site):  # noqa: F811
    g, other = gate_site.guard, gate_site.guard2
    a = gv.check_in(g, visitor(plate="粤B12345"))
    gv.check_out(g, a.id, with_vehicle=True)
    with pytest.raises(PermissionDenied):
        gv.undo_check_out(other, [a.id])
    gate_site.clock.advance(minutes=2)
    assert gv.undo_check_out(g, [a.id]) == 1
    with g.db.read() as s:
        assert s.get(Visit, a.id).checked_out_at is None
        assert s.execute(select(VehicleMove.out_at).where(VehicleMove.visit_id == a.id)).scalar() is None
    assert len(audits(g.db, "gate.check_out")) == 1 and len(audits(g.db, "gate.check_out_undone")) == 1
    with pytest.raises(Conflict):
        gv.undo_check_out(g, [a.id])  # on site again: nothing to undo
    gv.check_out(g, a.id)
    gate_site.clock.advance(minutes=gv.UNDO_MINUTES + 1)
    with pytest.raises(Conflict):
        gv.undo_check_out(g, [a.id])


def test_watch_hit_is_recorded_whatever_follows_and_validity_period(gate_site):  # noqa: F811
    from wuye_tui.services.gate import watch as gate_watch
    from wuye_tui.services.gate.common import WatchListHit
    from wuye_tui.services.core.roster import add_resident

    g, sup = gate_site.guard, gate_site.sup
    add_resident(gate_site.desk, "7", "1", "0101", "周八", "13500001111", plates=["粤B88888"])
    gate_watch.add_watch_entry(sup, "曾多次推销", id_number=ID1)
    gate_watch.add_watch_entry(sup, "冒充快递", name="张三")
    gate_watch.add_watch_entry(sup, "欠费车辆", plate="粤B88888", valid_until="2026-03-03")
    gate_watch.add_watch_entry(sup, "明年才生效", name="张三", valid_from="2027-01-01")
    with pytest.raises(WatchListHit) as hit:
        gv.check_in(g, visitor())  # the guard walks away (Esc): still recorded
    assert len(hit.value.hits) == 2  # both current entries, not the future one
    with pytest.raises(WatchListHit):
        gate_vehicles.resident_in(g, "粤B88888")  # a resident's car gets the same check
    rows = gv.recent_watch_hits(sup)
    assert [r.who for r in rows] == ["粤B88888", "张三"]
    assert rows[1].guard == g.actor.name and len(rows[1].hits) == 2
    gate_vehicles.resident_in(g, "粤B88888", override=sup.actor)
    assert len(audits(g.db, "gate.watch_override")) == 1
    with pytest.raises(PermissionDenied):
        gv.recent_watch_hits(g)
    gate_site.clock.advance(days=3)  # the plate's entry has lapsed
    assert gate_vehicles.plate_info(g, "粤B88888").watch == []


@pytest.mark.parametrize("policy, stored", [("full", ID1), ("partial", "110105********002X"), ("checked", "")])
def test_id_storage_setting_decides_what_is_kept(gate_site, policy, stored):  # noqa: F811
    from wuye_tui.services.gate import watch as gate_watch
    from wuye_tui.services.core import settings
    from wuye_tui.services.gate.common import WatchListHit

    settings.update(gate_site.sup, id_storage=policy)
    g = gate_site.guard
    v = gv.check_in(g, visitor())
    with g.db.read() as s:
        row = s.get(Visit, v.id)
        assert row.id_number == stored and row.id_checked
    gv.check_out(g, v.id)
    gate_watch.add_watch_entry(gate_site.sup, "曾多次推销", id_number=ID1)
    with pytest.raises(WatchListHit):  # the watch list still sees the full number
        gv.check_in(g, visitor())
    # a guard finds a returning visitor by name (an ID number only whole: the security rule)
    assert gv.find_visitors(g, "张三")[0].name == "张三"
    # a refused entry keeps the ID number the same way
    refused = gv.refuse(g, "host_refused", name="张三", id_type="1", id_number=ID1)
    with g.db.read() as s:
        assert s.get(VisitRefusal, refused.id).id_number == stored


def test_id_storage_setting_is_checked(gate_site):  # noqa: F811
    from wuye_tui.services.core import settings

    with pytest.raises(ValidationError):
        settings.update(gate_site.sup, id_storage="half")


def test_truck_leaving_shows_its_release_slip_when_the_office_requires_it(gate_site):  # noqa: F811
    from wuye_tui.models.gate import SlipUse
    from wuye_tui.services.gate import slips as gate_slips
    from wuye_tui.services.core import settings

    g = gate_site.guard
    gate_vehicles.strange_in(g, "粤B77777", "李师傅", "13600001111", "3栋2单元1202", kind="truck",
                             inspection="空车", driver_confirm="李师傅")
    gate_vehicles.vehicle_out(g, "粤B77777")  # no setting: leaves
    gate_vehicles.strange_in(g, "粤B77777", "李师傅", "13600001111", "3栋2单元1202", kind="truck",
                             inspection="空车", driver_confirm="李师傅")
    settings.update(gate_site.sup, truck_exit_needs_slip="true")
    with pytest.raises(ValidationError) as err:
        gate_vehicles.vehicle_out(g, "粤B77777")
    assert err.value.field == "slip"
    slip = gate_slips.issue_slip(gate_site.desk, "3栋2单元1202", "冰箱x1")
    number = gate_slips.slip_number(slip.id)
    gate_vehicles.vehicle_out(g, "粤B77777", slip=number)
    gate_vehicles.strange_in(g, "粤B77777", "李师傅", "13600001111", "3栋2单元1202", kind="truck",
                             inspection="空车", driver_confirm="李师傅")
    with pytest.raises(ValidationError, match="放行条"):
        gate_vehicles.vehicle_out(g, "粤B77777", slip=number)  # a slip is used once: the reuse is recorded
    with g.db.read() as s:
        assert [u.result for u in s.execute(select(SlipUse).order_by(SlipUse.id)).scalars()] == ["ok", "used"]
    with pytest.raises(ValidationError):
        settings.update(gate_site.sup, truck_exit_needs_slip="maybe")
