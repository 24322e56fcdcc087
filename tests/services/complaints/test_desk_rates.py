"""The four rates of the monthly statistics (SPEC §3.5) computed from a hand-made month:
on-time reply (a deferral is not a reply), valid-complaint rate with an undecided count,
return-visit handled rate (feedback items handled ÷ received, unreachable apart), and
satisfaction where 一般 may close. Each rate has its definition."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.services.complaints import stats as complaint_stats, intake as complaints, return_visits
from wuye_tui.services.complaints import workflow as wf

MARCH = datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc)  # 09:00 Shanghai, March 2


def _walk(desk, cid, reply="已处理"):  # type: ignore[no-untyped-def]
    wf.dispatch(desk, cid)
    wf.start(desk, cid)
    wf.reply(desk, cid, reply)


def test_hand_made_month(make_ctx, clock):
    sup = make_ctx("supervisor")
    desk = make_ctx("front_desk")
    seed_roster(sup)  # 5 households
    clock.set(MARCH)
    c1 = complaints.add_complaint(desk, **intake(category="environment", cause="service", location="",
                                                 description="草坪没修剪"))
    c2 = complaints.add_complaint(desk, **intake(unit="1栋1单元102", caller="李娜", category="fees", cause="fees",
                                                 location="", description="账单有误"))
    promised = (clock.now() + timedelta(hours=4)).astimezone(timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
    c3 = complaints.add_complaint(desk, **intake(unit="1栋2单元201", caller="王芳", category="parking", location="",
                                                 cause="amenities", description="车位被占", promised_reply=promised))
    _c4 = complaints.add_complaint(desk, **intake(unit="2栋1单元301", caller="刘洋", location="",
                                                 description="单元门禁坏了"))
    # c1 replied after 2 h: on time
    clock.advance(hours=2)
    _walk(desk, c1.id)
    # c2 (fees, 72 h): "cannot be solved now" after 1 h, replied at 80 h: late, the deferral does not count
    wf.defer(desk, c2.id, "需财务核对", (clock.now() + timedelta(days=2)).astimezone(
        timezone(timedelta(hours=8))).strftime("%Y-%m-%d %H:%M"))
    # c3 promised in 4 h, replied at 6 h: late
    clock.advance(hours=4)
    _walk(desk, c3.id)
    clock.set(MARCH + timedelta(hours=80))
    _walk(desk, c2.id)
    # c4 never replied, now past its 24 h: late. c5, a request received just now, is not due yet
    c5 = complaints.add_complaint(desk, **intake(unit="2栋1单元302", caller="陈静", category="repair_request",
                                                 location="", description="灯坏了"))
    # confirmations: satisfied, neutral (closes), neutral asking for more (reopens), very satisfied
    wf.confirm(desk, c1.id, "satisfied")
    assert wf.confirm(desk, c2.id, "neutral").status == "confirmed"
    again = wf.confirm(desk, c3.id, "一般", reopen=True)
    assert again.status == "in_progress" and again.reopened == 1
    wf.reply(desk, c3.id, "已联系车主挪车")
    wf.confirm(desk, c3.id, "very_satisfied")
    # validity: c1 valid, c2 invalid, c3 and c4 nobody judged yet (c5 is a request)
    wf.set_validity(sup, c1.id, True, "属实")
    wf.set_validity(sup, c2.id, False, "账单无误")
    # return visits: c1 feedback not handled yet, c2 feedback handled, c3 satisfied (no feedback item)
    visits = {r.visit.complaint_id: r.visit for r in return_visits.due_list(desk, day=MARCH.date() + timedelta(days=30))}
    assert set(visits) == {c1.id, c2.id, c3.id}
    return_visits.record(desk, visits[c1.id].id, "issue", "phone", "路灯也坏了")
    return_visits.record(desk, visits[c2.id].id, "issue", "door", "希望账单写清楚")
    return_visits.mark_handled(desk, visits[c2.id].id, "已改进账单格式")
    return_visits.record(desk, visits[c3.id].id, "satisfied", "phone")

    st = complaint_stats.monthly(sup, 2026, 3)
    assert st.total == 5
    # on time: c1 only, of c1 c2 c3 c4 (c5 not yet due)
    assert (st.on_time_replies, st.replies_due) == (1, 4) and st.on_time_rate == pytest.approx(0.25)
    # valid: 1 of 5 households; 1 invalid; 2 undecided
    assert (st.valid_complaints, st.invalid_complaints, st.validity_undecided) == (1, 1, 2)
    assert st.valid_complaint_rate == pytest.approx(0.2)
    # return visits: 2 feedback items, 1 handled (the satisfied visit is no feedback item)
    assert (st.return_visits_handled, st.return_visits_feedback, st.return_visits_reached) == (1, 2, 3)
    assert st.return_visit_handling_rate == pytest.approx(0.5)
    # satisfaction: satisfied + very satisfied of 4 confirmations
    assert (st.satisfied, st.confirmations) == (2, 4) and st.satisfaction_rate == pytest.approx(0.5)
    assert st.by_satisfaction["neutral"] == 2
    assert set(st.definitions) == {"on_time_rate", "valid_complaint_rate", "return_visit_handling_rate",
                                   "satisfaction_rate"}
    assert all(v and "{" not in v for v in st.definitions.values())
    assert "不算回复" in st.definitions["on_time_rate"] or "不是回复" in st.definitions["on_time_rate"]
    assert c5.kind == "request"


def test_dissatisfied_always_reopens(make_ctx, clock):
    desk = make_ctx("front_desk")
    seed_roster(make_ctx("supervisor"))
    c = complaints.add_complaint(desk, **intake())
    _walk(desk, c.id)
    assert wf.confirm(desk, c.id, "dissatisfied", reopen=False).status == "in_progress"
    wf.reply(desk, c.id, "再次处理")
    assert wf.confirm(desk, c.id, "satisfied", reopen=True).status == "confirmed"


def test_unreachable_needs_attempts_on_different_days(make_ctx, clock):
    from wuye_tui.errors import Conflict

    sup = make_ctx("supervisor")
    desk = make_ctx("front_desk")
    seed_roster(sup)
    clock.set(MARCH)
    c = complaints.add_complaint(desk, **intake())
    _walk(desk, c.id)
    wf.confirm(desk, c.id, "satisfied")
    clock.advance(days=3)
    [row] = return_visits.due_list(desk)
    vid = row.visit.id
    rv = return_visits.record(desk, vid, "unreachable", "phone")
    assert rv.status == "planned" and rv.attempts == 1
    with pytest.raises(Conflict, match="今天"):
        return_visits.record(desk, vid, "unreachable", "phone")
    assert return_visits.due_list(desk) == []  # back on the list tomorrow
    clock.advance(days=1)
    assert return_visits.record(desk, vid, "unreachable", "phone").attempts == 2
    clock.advance(days=2)
    rv = return_visits.record(desk, vid, "unreachable", "phone")
    assert rv.status == "unreachable" and rv.attempts == 3
    st = complaint_stats.monthly(sup, 2026, 3)
    assert (st.return_visits_unreachable, st.return_visits_feedback) == (1, 0)
    assert st.return_visit_handling_rate is None


def test_director_visits_and_forum_are_their_own_kinds(make_ctx, clock):
    from wuye_tui.errors import Conflict, PermissionDenied, ValidationError

    sup = make_ctx("supervisor")
    desk = make_ctx("front_desk")
    seed_roster(sup)
    clock.set(MARCH)
    with pytest.raises(PermissionDenied):
        return_visits.plan_director(desk, "1栋1单元101", "2026-03-10")
    v = return_visits.plan_director(sup, "1栋1单元101", "2026-03-10")
    return_visits.plan_director(sup, "1栋1单元101", "2026-09-10")
    with pytest.raises(Conflict):
        return_visits.plan_director(sup, "1栋1单元101", "2026-11-10")
    assert v.source == "director" and return_visits.source_label(v) == "主任回访 2026"
    f = return_visits.record_forum(desk, "2026h1", "2026-03-01", "希望增加儿童游乐设施")
    assert f.source == "forum" and f.outcome == "issue" and not f.handled
    with pytest.raises(Conflict):
        return_visits.record_forum(desk, "2026H1", "2026-03-02")
    with pytest.raises(ValidationError) as e:
        return_visits.record_forum(desk, "2026H2", "2026-03-01")
    assert e.value.field == "held_on"
    assert [r.id for r in return_visits.unhandled(desk)] == [f.id]
    st = complaint_stats.monthly(sup, 2026, 3)
    assert (st.return_visits_feedback, st.return_visits_handled) == (1, 0)
