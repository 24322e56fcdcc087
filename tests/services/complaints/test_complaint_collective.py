"""Collective complaints: three or more distinct households, same category and place, in
the window -> ONE escalation linking them all; later ones are linked; boundaries; major types."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.errors import ValidationError
from wuye_tui.models import Escalation, EscalationEvent
from wuye_tui.models.complaints import Complaint
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.core import escalation

U = ["1栋1单元101", "1栋1单元102", "1栋2单元201", "2栋1单元301", "2栋1单元302"]


@pytest.fixture
def desk(make_ctx):  # type: ignore[no-untyped-def]
    ctx = make_ctx("front_desk")
    seed_roster(make_ctx("supervisor", "赵主任"))
    return ctx


def log(ctx, unit, category="environment", **kw):  # type: ignore[no-untyped-def]
    return complaints.add_complaint(ctx, **intake(unit=unit, category=category, phone="", **kw))


def escalations(ctx):  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        return s.execute(select(Escalation).order_by(Escalation.id)).scalars().all()


def test_three_households_raise_one_escalation_linking_all(desk, clock):
    a = log(desk, U[0])
    clock.advance(hours=3)
    b = log(desk, U[1])
    assert escalations(desk) == []
    clock.advance(hours=3)
    c = log(desk, U[2])
    [esc] = escalations(desk)
    assert esc.major_type == "collective_complaint" and esc.source == "collective"
    assert esc.source_id == f"{a.id},{b.id},{c.id}"
    assert "3" in esc.title
    for cid in (a.id, b.id, c.id):
        row = complaints.get(desk, cid)
        assert row.escalation_id == esc.id and row.is_major
        assert "collective" in [ev.kind for ev, _ in complaints.detail(desk, cid).events]
    assert [e.id for e in escalation.unacknowledged(desk)] == [esc.id]


def test_fourth_complaint_is_linked_not_escalated_again(desk, clock):
    ids = [log(desk, u).id for u in U[:3]]
    clock.advance(hours=1)
    d = log(desk, U[3])
    clock.advance(hours=1)
    e = log(desk, U[3])  # same household again: still linked
    [esc] = escalations(desk)
    assert complaints.get(desk, d.id).escalation_id == esc.id
    assert complaints.get(desk, e.id).escalation_id == esc.id
    assert esc.source_id == ",".join(str(i) for i in ids + [d.id, e.id])
    with desk.db.read() as s:
        notes = s.execute(select(EscalationEvent.note).where(EscalationEvent.kind == "note")).scalars().all()
    assert any(f"#{d.id}" in n for n in notes)


def test_same_household_twice_does_not_count(desk, clock):
    log(desk, U[0])
    log(desk, U[0])
    log(desk, U[1])
    assert escalations(desk) == []
    log(desk, U[1])
    assert escalations(desk) == []
    log(desk, U[2])
    assert len(escalations(desk)) == 1


def test_other_categories_and_no_unit_do_not_count(desk):
    log(desk, U[0], "environment")
    log(desk, U[1], "parking")
    log(desk, "", "environment")
    log(desk, "", "environment")
    assert escalations(desk) == []


def test_window_boundary_included(desk, clock):
    log(desk, U[0])
    clock.advance(hours=12)
    log(desk, U[1])
    clock.advance(hours=12)  # exactly 24 h after the first
    log(desk, U[2])
    assert len(escalations(desk)) == 1


def test_window_boundary_one_second_late(desk, clock):
    log(desk, U[0])
    clock.advance(hours=12)
    log(desk, U[1])
    clock.advance(hours=12, seconds=1)
    log(desk, U[2])
    assert escalations(desk) == []
    log(desk, U[3])  # now three households inside the window again
    [esc] = escalations(desk)
    assert len(esc.source_id.split(",")) == 3


def test_after_the_window_a_running_collective_still_takes_the_same_problem(desk, clock):
    for u in U[:3]:
        log(desk, u)
    clock.advance(hours=25)
    log(desk, U[3])
    log(desk, U[4])
    [esc] = escalations(desk)  # unresolved: the same problem grows, no second alert
    assert esc.title.endswith("5户")


def test_after_a_resolved_collective_a_new_cluster_gets_a_new_escalation(desk, make_ctx, clock):
    for u in U[:3]:
        log(desk, u)
    [esc] = escalations(desk)
    sup = make_ctx("supervisor", "钱主管")
    escalation.acknowledge(sup, esc.id)  # resolved only once a supervisor has acknowledged it
    escalation.resolve(sup, esc.id, "已清运")
    clock.advance(hours=25)
    for u in U[2:5]:
        log(desk, u)
    assert len(escalations(desk)) == 2


def test_major_type_escalates_in_the_same_transaction(desk):
    c = log(desk, U[0], "public_facility", major_type="elevator_entrapment", description="3号电梯困人")
    [esc] = escalations(desk)
    assert esc.major_type == "elevator_entrapment" and esc.source == "complaint" and esc.source_id == str(c.id)
    assert complaints.get(desk, c.id).escalation_id == esc.id and c.is_major
    kinds = [ev.kind for ev, _ in complaints.detail(desk, c.id).events]
    assert kinds == ["received", "escalated"]
    assert complaints.list_complaints(desk, complaints.Filters(major=True))[0].id == c.id


def test_major_type_by_number_and_name(desk):
    assert log(desk, U[0], major_type="2").major_type == "elevator_entrapment"
    assert log(desk, U[1], major_type="火灾").major_type == "fire"


def test_failure_inside_escalation_rolls_back_the_complaint(desk, monkeypatch):
    def broken(*a, **k):  # type: ignore[no-untyped-def]
        raise ValidationError("title", "boom")

    monkeypatch.setattr(escalation, "raise_in", broken)
    with pytest.raises(ValidationError):
        log(desk, U[0], major_type="fire")
    with desk.db.read() as s:
        assert s.execute(select(func.count()).select_from(Complaint)).scalar_one() == 0
