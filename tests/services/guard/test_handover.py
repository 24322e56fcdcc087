"""Shift handover: assembly of open items, draft persistence, signing rules (wrong PIN,
own handover, unacknowledged items, missed rounds without reason), lock, corrections,
logout without handover."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from wuye_tui.errors import AuthError, Conflict, ValidationError
from wuye_tui.models import AuditEntry, StaffSession
from wuye_tui.models.guard import Handover
from wuye_tui.services.guard import dutylog, handover, keys, patrol
from wuye_tui.services.core import staff
from wuye_tui.services.guard import sessions as guard_sessions
from wuye_tui.services.core.context import ServiceContext

from tests.open_items_stub import keep_guard_providers, visitor

from ..conftest_guard import add_unit

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def only_known_providers(monkeypatch):  # type: ignore[no-untyped-def]
    keep_guard_providers(monkeypatch, visitor("visit:7", "访客 刘某 3栋2单元1202，09:10 进入"))


def at(clock, h, mi=0, day=2):  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 3, day, h, mi, tzinfo=SH))


def prepare(make_ctx, clock, db):  # type: ignore[no-untyped-def]
    """Morning shift of 03-02: an anomaly on a round, a major incident, a key out, missed rounds."""
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    at(clock, 8, 0)
    rnd = patrol.start_round(a, "garage")
    from wuye_tui.reference import load_reference
    from wuye_tui.services.guard.patrol import ItemResult

    for cp in load_reference().route("garage").checkpoints:
        clock.advance(seconds=60)
        res = [ItemResult(i, not (cp.code == "garage_zone_a" and i == "no_leaks"),
                          "A区消防管滴水" if cp.code == "garage_zone_a" and i == "no_leaks" else "") for i in cp.items]
        patrol.record_checkpoint(a, rnd.id, cp.code, res)
    at(clock, 10, 0)
    dutylog.add_entry(a, "main_gate", "equipment", "critical", "1栋2号电梯困人", major_type="elevator_entrapment")
    code = add_unit(db)
    keys.add_key(a, "K0102", unit=code)
    keys.lend_key(a, "K0102", "维修工 李师傅", "repair", "王先生")
    at(clock, 14, 40)
    return a, b


def test_assembly_of_open_items(make_ctx, clock, db, only_known_providers):
    a, _b = prepare(make_ctx, clock, db)
    h = handover.open_handover(a)
    view = handover.get_view(a, h.id)
    assert (view.handover.shift, view.handover.duty_date.isoformat()) == ("morning", "2026-03-02")
    kinds = {i.kind for i in view.items}
    assert kinds == {"visitor_on_site", "incident", "escalation", "key_out", "patrol_round", "patrol_missed",
                     "equipment"}
    titles = "\n".join(i.title for i in view.items)
    assert "A区消防管滴水" in titles and "K0102" in titles and "电梯困人" in titles and "刘某" in titles
    missed = [i for i in view.items if i.kind == "patrol_missed" and i.overdue]
    # perimeter every 2 h: 08:00, 10:00, 12:00 missed by 14:40 (14:00 still due)
    assert sum('"perimeter"' in i.detail for i in missed) == 3
    assert {e.code: e.count for e in view.equipment}["radio"] == 2


def test_draft_survives_and_resumes(make_ctx, clock, db, only_known_providers):
    a, b = prepare(make_ctx, clock, db)
    h = handover.open_handover(a)
    handover.set_notes(a, h.id, "3栋电梯已报维保\n明早跟进")
    handover.set_equipment(a, h.id, "radio", "1", "一台在充电")
    item = next(i for i in handover.get_view(a, h.id).items if i.kind == "key_out")
    handover.acknowledge_item(b, h.id, item.id)
    # the terminal closes; a fresh context (same person) opens the handover again
    again = ServiceContext(db=db, actor=a.actor, clock=clock)
    clock.advance(minutes=5)
    h2 = handover.open_handover(again)
    assert h2.id == h.id
    view = handover.get_view(again, h.id)
    assert view.handover.notes == "3栋电梯已报维保\n明早跟进"
    assert {e.code: (e.count, e.note) for e in view.equipment}["radio"] == (1, "一台在充电")
    assert [i.acknowledged for i in view.items if i.id == item.id] == [True]


@pytest.mark.parametrize("call,field", [
    (lambda c, h: handover.set_equipment(c, h, "radio", "-1"), "equipment_radio"),
    (lambda c, h: handover.set_equipment(c, h, "radio", "两个"), "equipment_radio"),
    (lambda c, h: handover.set_equipment(c, h, "rifle", "1"), "equipment"),
    (lambda c, h: handover.set_notes(c, h, "字" * 2001), "notes"),
    (lambda c, h: handover.sign(c, h, "", "2222"), "incoming"),
    (lambda c, h: handover.sign(c, h, "赵保安", "12"), "pin"),
    (lambda c, h: handover.add_correction(c, h, "  "), "correction"),
])
def test_bad_input(make_ctx, clock, db, only_known_providers, call, field):
    a, _b = prepare(make_ctx, clock, db)
    h = handover.open_handover(a)
    before = handover.get_view(a, h.id)
    with pytest.raises(ValidationError) as err:
        call(a, h.id)
    assert err.value.field == field
    after = handover.get_view(a, h.id)
    assert [(e.code, e.count) for e in after.equipment] == [(e.code, e.count) for e in before.equipment]
    assert after.handover.notes == before.handover.notes and after.handover.status == "draft"
    with pytest.raises(ValidationError) as err:
        handover.open_handover(a, post="roof")
    assert err.value.field == "post"


def _ready(a, h, b=None):  # type: ignore[no-untyped-def]
    """Reasons for the missed rounds (the outgoing guard a), every item acknowledged by the
    incoming guard b (a context for 赵保安 when not given)."""
    view = handover.get_view(a, h.id)
    for i in view.items:
        if i.kind == "patrol_missed" and '"due": true' not in i.detail:
            import json

            d = json.loads(i.detail)
            patrol.explain_missed(a, d["route"], datetime.fromisoformat(d["slot_at"]), "understaffed")
    handover.refresh_items(a, h.id)
    if b is None:
        from wuye_tui.models import Staff
        from wuye_tui.services.core.context import Actor

        with a.db.read() as s:
            row = s.execute(select(Staff).where(Staff.name == "赵保安")).scalar_one()
        b = a.as_actor(Actor(row.id, row.name, row.role))
    for i in handover.get_view(a, h.id).items:
        handover.acknowledge_item(b, h.id, i.id)


def test_signing_rules_and_lock(make_ctx, clock, db, only_known_providers):
    a, b = prepare(make_ctx, clock, db)
    h = handover.open_handover(a)
    with pytest.raises(ValidationError) as err:
        handover.sign(b, h.id, "赵保安", "2222")
    assert err.value.field == "items"  # nothing acknowledged yet
    for i in handover.get_view(a, h.id).items:
        handover.acknowledge_item(b, h.id, i.id)
    with pytest.raises(ValidationError) as err:
        handover.sign(b, h.id, "赵保安", "2222")
    assert err.value.field == "items" and "漏巡" in err.value.message  # missed rounds need a reason
    _ready(a, h)
    # the outgoing guard cannot sign their own handover, right PIN or not
    with pytest.raises(Conflict):
        handover.sign(a, h.id, "张保安", "1111")
    # wrong PIN: refused, counted on the handover and on the account
    with pytest.raises(AuthError):
        handover.sign(b, h.id, "赵保安", "9999")
    view = handover.get_view(a, h.id)
    assert view.handover.status == "draft" and view.handover.failed_signatures == 1
    from wuye_tui.models import Staff

    with db.read() as s:
        assert s.execute(select(Staff.failed_attempts).where(Staff.name == "赵保安")).scalar_one() == 1
    clock.advance(minutes=15)
    signed = handover.sign(b, h.id, "赵保安", "2222")
    assert signed.status == "signed" and signed.incoming_id == b.actor.id
    view = handover.get_view(b, h.id)
    assert view.locked and view.incoming == "赵保安" and view.outgoing == "张保安"
    with pytest.raises(Conflict):
        handover.set_notes(a, h.id, "改")
    with pytest.raises(Conflict):
        handover.sign(b, h.id, "赵保安", "2222")
    handover.add_correction(a, h.id, "补充：K0102 归还时间约定为明早9点")
    assert len(handover.get_view(a, h.id).corrections) == 1
    with db.read() as s:
        row = s.execute(select(AuditEntry).where(AuditEntry.action == "handover.sign")).scalar_one()
    assert row.staff_id == b.actor.id and "K0102" in row.after and "张保安" in row.after
    # a later open in the same shift is refused: this handover is done
    with pytest.raises(Conflict):
        handover.open_handover(a)


def test_logout_reason(make_ctx, clock, db, only_known_providers):
    a, b = prepare(make_ctx, clock, db)
    sup = make_ctx("supervisor")
    assert guard_sessions.end_reason(sup) == "logout"
    sid = staff.start_session(a)
    assert guard_sessions.end_reason(a) == "without_handover"
    with db.read() as s:
        assert s.execute(select(AuditEntry).where(AuditEntry.action == "handover.left_without")).first()
    staff.end_session(a, sid, "without_handover")
    h = handover.open_handover(a)
    _ready(a, h)
    handover.sign(b, h.id, "赵保安", "2222")
    assert guard_sessions.end_reason(a) == "logout"
    at(clock, 15, 30)  # within the first hour of the next shift: still the morning's handover
    assert guard_sessions.end_reason(a) == "logout"
    with db.read() as s:
        ended = s.execute(select(StaffSession.end_reason).where(StaffSession.id == sid)).scalar_one()
    assert ended == "without_handover"


def test_incoming_guard_signs_after_logging_in(make_ctx, clock, db, only_known_providers):
    a, b = prepare(make_ctx, clock, db)
    h = handover.open_handover(a)
    _ready(a, h)
    pending = handover.pending_to_sign(b)
    assert [p.id for p in pending] == [h.id]
    assert handover.pending_to_sign(a) == []
    handover.sign(b, h.id, "赵保安", "2222")
    assert handover.get_view(b, h.id).locked
    assert db.read


def test_new_item_after_acknowledging_blocks_signature(make_ctx, clock, db, only_known_providers):
    a, b = prepare(make_ctx, clock, db)
    h = handover.open_handover(a)
    _ready(a, h)
    dutylog.add_entry(a, "main_gate", "security", "warning", "可疑人员在2栋徘徊", incident=True)
    handover.refresh_items(a, h.id)
    with pytest.raises(ValidationError):
        handover.sign(b, h.id, "赵保安", "2222")
    assert handover.get_view(a, h.id).unacknowledged == 1
    with db.read() as s:
        assert s.get(Handover, h.id).status == "draft"


def test_outgoing_guard_changes_the_post_of_a_draft(make_ctx, clock, db, only_known_providers):
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    at(clock, 14, 30)
    h = handover.open_handover(a)
    assert h.post == "main_gate"
    with pytest.raises(ValidationError) as err:
        handover.set_post(a, h.id, "moon_base")
    assert err.value.field == "post"
    with pytest.raises(ValidationError):
        handover.set_post(a, h.id, " ")
    with pytest.raises(Conflict):
        handover.set_post(b, h.id, "back_gate")  # not theirs
    assert handover.set_post(a, h.id, "back_gate").post == "back_gate"
    with db.read() as session:
        row = session.execute(select(AuditEntry).where(AuditEntry.action == "handover.post")).scalar_one()
    assert '"back_gate"' in row.after and '"main_gate"' in row.before
