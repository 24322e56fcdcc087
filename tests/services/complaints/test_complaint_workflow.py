"""The complaint workflow: every transition, every refusal, corrections as events."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.errors import Conflict, NotFound, PermissionDenied, ValidationError
from wuye_tui.models import AuditEntry
from wuye_tui.models.complaints import Complaint, ComplaintEvent, ReturnVisit
from wuye_tui.services.complaints import workflow as wf
from wuye_tui.services.complaints import intake as complaints


@pytest.fixture
def desk(make_ctx):  # type: ignore[no-untyped-def]
    ctx = make_ctx("front_desk")
    seed_roster(make_ctx("supervisor", "赵主任"))
    return ctx


def kinds(ctx, cid):  # type: ignore[no-untyped-def]
    return [ev.kind for ev, _who in complaints.detail(ctx, cid).events]


def test_add_records_received_event_and_deadline(desk, clock):
    c = complaints.add_complaint(desk, **intake())
    assert c.status == "received" and c.department == "engineering"
    assert c.deadline_at == clock.now().replace() + (c.deadline_at - c.received_at)
    assert (c.deadline_at - c.received_at).total_seconds() == 24 * 3600
    assert c.initials == "zw" and c.unit_id is not None
    d = complaints.detail(desk, c.id)
    assert [ev.kind for ev, _ in d.events] == ["received"]
    assert d.events[0][1] == "陈客服"
    assert d.next_steps[:2] == ["dispatch", "defer"]


def test_digits_and_labels_choose_codes(desk):
    c = complaints.add_complaint(desk, **intake(channel="2", category="环境卫生及绿化", cause="4"))
    assert (c.channel, c.category, c.cause, c.department) == ("visit", "environment", "service", "cleaning")


def test_promised_reply_moves_due(desk, clock):
    c = complaints.add_complaint(desk, **intake(promised_reply="2026-03-02 15:00"))
    assert c.due_at.hour == 7  # 15:00 Shanghai = 07:00 UTC, before the 24 h deadline


def test_full_path_to_archive(desk, make_ctx, clock):
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id, "", "请工程部处理")
    clock.advance(minutes=30)
    wf.start(desk, c.id, "电工已到场")
    clock.advance(hours=1)
    wf.reply(desk, c.id, "已更换灯泡")
    wf.confirm(desk, c.id, "satisfied", "住户确认")
    done = wf.archive(desk, c.id)
    assert done.status == "archived"
    assert kinds(desk, c.id) == ["received", "dispatched", "started", "replied", "confirmed", "archived"]
    with desk.db.read() as s:
        rv = s.execute(select(ReturnVisit).where(ReturnVisit.complaint_id == c.id)).scalar_one()
        assert str(rv.due_date) == "2026-03-05"  # confirmed 2026-03-02 local + 3 days
        audits = s.execute(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.entity == "complaint")).scalar_one()
    assert audits == 6
    assert complaints.detail(desk, c.id).next_steps == ["note", "correct"]


@pytest.mark.parametrize("step", ["start", "reply", "confirm", "contact_failed", "archive"])
def test_refused_from_received(desk, step):
    c = complaints.add_complaint(desk, **intake())
    call = {"start": lambda: wf.start(desk, c.id), "reply": lambda: wf.reply(desk, c.id, "x"),
            "confirm": lambda: wf.confirm(desk, c.id, "satisfied"),
            "contact_failed": lambda: wf.contact_failed(desk, c.id),
            "archive": lambda: wf.archive(desk, c.id)}[step]
    with pytest.raises(Conflict):
        call()
    assert kinds(desk, c.id) == ["received"]


def test_refusals_later_in_the_path(desk):
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id)
    with pytest.raises(Conflict):
        wf.dispatch(desk, c.id)
    with pytest.raises(Conflict):
        wf.reply(desk, c.id, "too early")
    wf.start(desk, c.id)
    with pytest.raises(Conflict):
        wf.start(desk, c.id)
    wf.reply(desk, c.id, "done")
    with pytest.raises(Conflict, match="确认"):
        wf.archive(desk, c.id)
    with pytest.raises(Conflict):
        wf.defer(desk, c.id, "x", "2026-03-03 10:00")
    wf.confirm(desk, c.id, "1")  # very satisfied by number
    with pytest.raises(Conflict):
        wf.reply(desk, c.id, "again")
    wf.archive(desk, c.id)
    with pytest.raises(Conflict, match="已归档|already"):
        wf.archive(desk, c.id)


def test_archive_open_complaint_refused_message(desk):
    c = complaints.add_complaint(desk, **intake())
    with pytest.raises(Conflict, match="回复"):
        wf.archive(desk, c.id)


def test_unsatisfied_reopens(desk, clock):
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    wf.reply(desk, c.id, "处理完毕")
    clock.advance(hours=2)
    back = wf.confirm(desk, c.id, "dissatisfied", "灯还是闪")
    assert back.status == "in_progress" and back.reopened == 1
    assert (back.due_at - clock.now()).total_seconds() == 24 * 3600
    assert complaints.detail(desk, c.id).next_steps[0] == "reply"
    with desk.db.read() as s:
        assert s.execute(select(func.count()).select_from(ReturnVisit)).scalar_one() == 0
    wf.reply(desk, c.id, "换了整流器")
    assert wf.confirm(desk, c.id, "satisfied").status == "confirmed"


def test_defer_records_explanation_and_next_reply(desk, clock):
    c = complaints.add_complaint(desk, **intake())
    wf.defer(desk, c.id, "需要厂家配件，约三天", "2026-03-05 10:00")
    d = complaints.detail(desk, c.id)
    ev = d.events[-1][0]
    assert ev.kind == "deferred" and ev.note.startswith("需要厂家")
    assert d.complaint.due_at.isoformat().startswith("2026-03-05T02:00")
    assert d.complaint.first_response_at is not None and d.complaint.status == "received"
    for bad, field in [("", "explanation")]:
        with pytest.raises(ValidationError) as e:
            wf.defer(desk, c.id, bad, "2026-03-05 10:00")
        assert e.value.field == field
    with pytest.raises(ValidationError) as e:
        wf.defer(desk, c.id, "x", "2026-03-01 10:00")
    assert e.value.field == "next_reply"
    with pytest.raises(ValidationError) as e:
        wf.defer(desk, c.id, "x", "明天")
    assert e.value.field == "next_reply"


def test_archive_without_confirmation_needs_supervisor_and_attempts(desk, make_ctx, clock):
    sup = make_ctx("supervisor")
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    wf.reply(desk, c.id, "已处理")
    with pytest.raises(PermissionDenied):
        wf.archive_unconfirmed(desk, c.id, "联系不上")
    for n in range(2):
        wf.contact_failed(desk, c.id, "无人接听")
        with pytest.raises(Conflict, match="3"):
            wf.archive_unconfirmed(sup, c.id, "联系不上")
        with pytest.raises(Conflict, match="今天"):  # a second attempt the same day does not count
            wf.contact_failed(desk, c.id, "再打一次")
        clock.advance(days=1)
    wf.contact_failed(desk, c.id)
    assert "archive_unconfirmed" in complaints.detail(sup, c.id).next_steps
    assert "archive_unconfirmed" not in complaints.detail(desk, c.id).next_steps
    with pytest.raises(ValidationError):
        wf.archive_unconfirmed(sup, c.id, "  ")
    done = wf.archive_unconfirmed(sup, c.id, "三次电话无人接听，住户已搬离")
    assert done.status == "archived"
    assert kinds(desk, c.id)[-1] == "archived_unconfirmed"


def test_reply_resets_failed_contacts(desk):
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    wf.reply(desk, c.id, "a")
    wf.contact_failed(desk, c.id)
    wf.confirm(desk, c.id, "dissatisfied")  # not satisfied: reopened
    wf.reply(desk, c.id, "b")
    assert complaints.get(desk, c.id).contact_failures == 0


def test_corrections_are_new_events(desk):
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id, note="派给保洁")
    first = complaints.detail(desk, c.id).events[1][0]
    wf.correct(desk, c.id, first.id, "应为派给工程部，上条备注有误")
    evs = complaints.detail(desk, c.id).events
    assert evs[1][0].note == "派给保洁"
    assert evs[-1][0].kind == "correction" and evs[-1][0].corrects_event_id == first.id
    with pytest.raises(NotFound):
        wf.correct(desk, c.id, 99999, "x")
    with pytest.raises(ValidationError):
        wf.correct(desk, c.id, first.id, "")
    wf.add_note(desk, c.id, "住户再次来电催办")
    assert kinds(desk, c.id)[-1] == "note"


def test_guard_may_not_log_or_step(make_ctx, desk):
    guard = make_ctx("guard")
    with pytest.raises(PermissionDenied):
        complaints.add_complaint(guard, **intake())
    c = complaints.add_complaint(desk, **intake())
    with pytest.raises(PermissionDenied):
        wf.dispatch(guard, c.id)


def test_validity_by_supervisor(desk, make_ctx):
    sup = make_ctx("supervisor")
    c = complaints.add_complaint(desk, **intake())
    with pytest.raises(PermissionDenied):
        wf.set_validity(desk, c.id, False, "x")
    assert wf.set_validity(sup, c.id, False, "非物业责任").valid is False


BAD_FIELDS = [
    ("caller", "", "caller"), ("caller", "12345", "caller"),
    ("unit", "99栋", "unit"), ("phone", "12345", "phone"),
    ("channel", "fax", "channel"), ("channel", "9", "channel"), ("channel", "", "channel"),
    ("category", "nope", "category"), ("category", "", "category"),
    ("cause", "0", "cause"), ("cause", "", "cause"),
    ("department", "marketing", "department"),
    ("description", "", "description"), ("description", "长" * 2001, "description"),
    ("location", "地" * 201, "location"),
    ("promised_reply", "2026-03-01 08:00", "promised_reply"), ("promised_reply", "2026-13-01 08:00", "promised_reply"),
    ("promised_reply", "soon", "promised_reply"),
    ("major_type", "meteor", "major_type"),
]


@pytest.mark.parametrize(("key", "value", "field"), BAD_FIELDS)
def test_bad_input_names_the_field_and_saves_nothing(desk, key, value, field):
    with pytest.raises(ValidationError) as e:
        complaints.add_complaint(desk, **intake(**{key: value}))
    assert e.value.field == field and e.value.message
    with desk.db.read() as s:
        assert s.execute(select(func.count()).select_from(Complaint)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(ComplaintEvent)).scalar_one() == 0


def test_list_filters_search_and_keyset(desk, clock, make_ctx):
    ids = []
    for i, (unit, name, cat) in enumerate([("1栋1单元101", "张伟", "environment"), ("1栋1单元102", "李娜", "parking"),
                                           ("2栋1单元301", "刘洋", "environment"), ("2栋1单元302", "陈静", "fees")]):
        ids.append(complaints.add_complaint(desk, **intake(unit=unit, caller=name, category=cat, phone="")).id)
        clock.advance(minutes=5)
    wf.dispatch(desk, ids[0])
    F = complaints.Filters
    assert [r.id for r in complaints.list_complaints(desk)] == ids[::-1]
    page1 = complaints.list_complaints(desk, limit=2)
    page2 = complaints.list_complaints(desk, before_id=page1[-1].id, limit=2)
    assert [r.id for r in page1 + page2] == ids[::-1]
    assert [r.id for r in complaints.list_complaints(desk, F(category="environment"))] == [ids[2], ids[0]]
    assert [r.id for r in complaints.list_complaints(desk, F(status="dispatched"))] == [ids[0]]
    assert [r.id for r in complaints.list_complaints(desk, F(department="finance"))] == [ids[3]]
    assert [r.id for r in complaints.list_complaints(desk, F(text="ly"))] == [ids[2]]
    assert [r.id for r in complaints.list_complaints(desk, F(text="李娜"))] == [ids[1]]
    assert [r.id for r in complaints.list_complaints(desk, F(text="2栋"))] == [ids[3], ids[2]]
    assert complaints.list_complaints(desk, F(overdue=True)) == []
    clock.advance(hours=30)
    over = complaints.list_complaints(desk, F(overdue=True))
    assert {r.id for r in over} == {ids[0], ids[1], ids[2]} and all(r.overdue for r in over)
    assert complaints.list_complaints(desk, F(major=True)) == []
    with pytest.raises(ValidationError):
        complaints.list_complaints(desk, F(status="bogus"))


def test_open_items_provider_lists_overdue(desk, clock):
    from wuye_tui.services.core import open_items

    c = complaints.add_complaint(desk, **intake())
    assert not [i for i in open_items.collect(desk) if i.kind == "complaint_overdue"]
    clock.advance(hours=25)
    items = [i for i in open_items.collect(desk) if i.kind == "complaint_overdue"]
    assert [i.ref for i in items] == [f"complaint:{c.id}"] and items[0].overdue
