"""Monthly statistics against a hand count."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.errors import PermissionDenied, ValidationError
from wuye_tui.services.complaints import stats as complaint_stats, intake as complaints, return_visits
from wuye_tui.services.complaints import workflow as wf


def test_monthly_hand_count(make_ctx, clock):
    sup = make_ctx("supervisor")
    desk = make_ctx("front_desk")
    seed_roster(sup)  # 5 households
    # February (local): one complaint that must not be counted in March
    clock.set(datetime(2026, 2, 28, 15, 59, tzinfo=timezone.utc))  # 23:59 Shanghai, Feb 28
    complaints.add_complaint(desk, **intake(category="fees", cause="fees", channel="online"))
    clock.set(datetime(2026, 2, 28, 16, 0, tzinfo=timezone.utc))  # 00:00 Shanghai, March 1
    a = complaints.add_complaint(desk, **intake())  # public_facility, phone, equipment -> engineering
    b = complaints.add_complaint(desk, **intake(unit="1栋1单元102", caller="李娜", category="environment",
                                                cause="service", channel="visit"))
    complaints.add_complaint(desk, **intake(unit="2栋1单元301", caller="刘洋", category="repair_request",
                                                cause="equipment", major_type="flooding"))
    # a: replied within the deadline, confirmed satisfied
    clock.advance(hours=2)
    wf.dispatch(desk, a.id); wf.start(desk, a.id); wf.reply(desk, a.id, "ok")  # noqa: E702
    wf.confirm(desk, a.id, "very_satisfied")
    # b: replied late (deadline 24 h), customer dissatisfied then satisfied
    clock.advance(hours=30)
    wf.dispatch(desk, b.id); wf.start(desk, b.id); wf.reply(desk, b.id, "late")  # noqa: E702
    wf.confirm(desk, b.id, "dissatisfied")
    wf.reply(desk, b.id, "again")
    wf.confirm(desk, b.id, "satisfied")
    # c: never answered, now past due -> counts as late
    # invalidate b as a complaint (valid rate); a judged valid
    wf.set_validity(sup, b.id, False, "非物业责任")
    wf.set_validity(sup, a.id, True, "属实")
    # return visits: a's visit reached with an issue (handled), b's unreachable
    clock.advance(days=5)
    due = return_visits.due_list(desk)
    assert len(due) == 2
    va = next(r.visit for r in due if r.visit.complaint_id == a.id)
    vb = next(r.visit for r in due if r.visit.complaint_id == b.id)
    return_visits.record(desk, va.id, "issue", "phone", "门口灯也坏了")
    for _day in range(3):  # unreachable only after three attempts on different days
        return_visits.record(desk, vb.id, "unreachable", "2")
        clock.advance(days=1)
    st = complaint_stats.monthly(sup, 2026, 3)
    assert st.total == 3 and st.major == 1 and st.general == 2
    assert st.by_category["public_facility"] == 1 and st.by_category["environment"] == 1
    assert st.by_category["repair_request"] == 1 and st.by_category["fees"] == 0
    assert st.by_cause["equipment"] == 2 and st.by_cause["service"] == 1
    assert st.by_channel == {"phone": 2, "visit": 1, "written": 0, "online": 0}
    assert st.by_department["engineering"] == 2 and st.by_department["cleaning"] == 1
    assert (st.on_time_replies, st.replies_due) == (1, 3)
    assert (st.satisfied, st.confirmations) == (2, 3)
    assert st.by_satisfaction["dissatisfied"] == 1
    assert st.mean_satisfaction_score == pytest.approx((4 + 1 + 3) / 3)
    assert (st.return_visits_handled, st.return_visits_reached, st.return_visits_unreachable) == (0, 1, 1)
    assert st.return_visit_handling_rate == 0.0
    return_visits.mark_handled(desk, va.id, "已报修门口灯")
    st = complaint_stats.monthly(sup, 2026, 3)
    assert st.return_visit_handling_rate == 1.0
    # valid complaints: a only (b invalid, c is a request); 5 households
    assert (st.valid_complaints, st.households) == (1, 5) and st.valid_complaint_rate == pytest.approx(0.2)
    feb = complaint_stats.monthly(sup, 2026, 2)
    assert feb.total == 1 and feb.by_category["fees"] == 1 and feb.confirmations == 0
    assert feb.return_visit_handling_rate is None
    assert complaint_stats.percent(st.valid_complaint_rate) == "20.0%"


def test_monthly_needs_a_supervisor_and_a_month(make_ctx):
    desk = make_ctx("front_desk")
    sup = make_ctx("supervisor")
    with pytest.raises(PermissionDenied):
        complaint_stats.monthly(desk, 2026, 3)
    with pytest.raises(ValidationError):
        complaint_stats.monthly(sup, 2026, 13)
