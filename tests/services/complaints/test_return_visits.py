"""Return visits: planned on confirmation and by zone/quarter; outcomes; handling."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

import pytest

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.errors import Conflict, PermissionDenied, ValidationError
from wuye_tui.models import Building
from wuye_tui.services.complaints import intake as complaints, return_visits
from wuye_tui.services.complaints import workflow as wf


@pytest.fixture
def ctxs(make_ctx):  # type: ignore[no-untyped-def]
    sup = make_ctx("supervisor")
    desk = make_ctx("front_desk")
    seed_roster(sup)
    with sup.db.write() as s:
        for b in s.execute(select(Building)).scalars().all():
            b.zone = "一区" if b.name == "1栋" else "二区"
    return sup, desk


def confirmed(desk):  # type: ignore[no-untyped-def]
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id); wf.start(desk, c.id); wf.reply(desk, c.id, "ok")  # noqa: E702
    wf.confirm(desk, c.id, "satisfied")
    return c


def test_planned_after_delay_and_due_list(ctxs, clock):
    sup, desk = ctxs
    confirmed(desk)
    assert return_visits.due_list(desk) == []
    clock.advance(days=3)
    [row] = return_visits.due_list(desk)
    assert row.unit_code == "1栋1单元101" and row.resident == "张伟" and not row.overdue
    clock.advance(days=1)
    assert return_visits.due_list(desk)[0].overdue


def test_outcomes_and_refusals(ctxs, clock):
    sup, desk = ctxs
    confirmed(desk)
    clock.advance(days=3)
    vid = return_visits.due_list(desk)[0].visit.id
    with pytest.raises(ValidationError) as e:
        return_visits.record(desk, vid, "maybe", "phone")
    assert e.value.field == "outcome"
    with pytest.raises(ValidationError) as e:
        return_visits.record(desk, vid, "satisfied", "carrier pigeon")
    assert e.value.field == "method"
    with pytest.raises(ValidationError) as e:
        return_visits.record(desk, vid, "issue", "phone", "")
    assert e.value.field == "feedback"
    with pytest.raises(Conflict):
        return_visits.mark_handled(desk, vid, "x")
    rv = return_visits.record(desk, vid, "satisfied", "1")
    assert rv.method == "door" and rv.handled and rv.status == "done"
    with pytest.raises(Conflict):
        return_visits.record(desk, vid, "satisfied", "1")
    assert return_visits.due_list(desk) == []


def test_zone_quarter_plan(ctxs, clock):
    sup, desk = ctxs
    with pytest.raises(PermissionDenied):
        return_visits.plan_zone(desk, "一区", "2026Q1", "2026-03-20")
    assert return_visits.plan_zone(sup, "一区", "2026q1", "2026-03-20") == 3
    with pytest.raises(Conflict):
        return_visits.plan_zone(sup, "一区", "2026Q1", "2026-03-25")
    for zone, q, due, field in [("九区", "2026Q1", "2026-03-20", "zone"), ("二区", "Q1", "2026-03-20", "quarter"),
                                ("二区", "2026Q2", "2026-02-01", "due"), ("二区", "2026Q2", "someday", "due")]:
        with pytest.raises(ValidationError) as e:
            return_visits.plan_zone(sup, zone, q, due)
        assert e.value.field == field
    assert return_visits.due_list(desk, day=date(2026, 3, 20), limit=2)[-1].visit.zone == "一区"
    page1 = return_visits.due_list(desk, day=date(2026, 3, 20), limit=2)
    page2 = return_visits.due_list(desk, day=date(2026, 3, 20), after_id=page1[-1].visit.id, limit=2)
    assert len(page1) == 2 and len(page2) == 1
    assert return_visits.zones(desk) == ["一区", "二区"]
