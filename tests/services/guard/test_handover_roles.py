"""The handover a next guard can sign with confidence: the items gathered again at signing,
the seal, roles from the duty roster, acknowledgement only by the incoming guard, resets."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from wuye_tui.errors import Conflict, ValidationError
from wuye_tui.models import AuditEntry
from wuye_tui.models.guard import Handover, HandoverItem
from wuye_tui.services.guard import duty as guard_duty, handover
from wuye_tui.services.core import open_items, staff
from wuye_tui.services.guard import sessions as guard_sessions
from wuye_tui.services.core.open_items import OpenItem

from tests.open_items_stub import GUARD_KINDS

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def on_site(monkeypatch):  # type: ignore[no-untyped-def]
    """Visitors on site the test adds to while the handover is open."""
    visitors: list[tuple[str, str]] = [("visit:1", "访客 刘某 3栋2单元1202")]
    kept = {k: v for k, v in open_items.providers().items() if k in GUARD_KINDS and k != "patrol_missed"}
    kept["visitor_on_site"] = lambda ctx, now: [OpenItem("visitor_on_site", r, t, now) for r, t in visitors]
    monkeypatch.setattr(open_items, "_providers", kept)
    return visitors


def at(clock, h, mi=0, day=2):  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 3, day, h, mi, tzinfo=SH))


def ack_all(ctx, hid):  # type: ignore[no-untyped-def]
    for i in handover.get_view(ctx, hid).items:
        if not i.acknowledged:
            handover.acknowledge_item(ctx, hid, i.id)


def test_items_gathered_again_at_signing_and_the_seal(make_ctx, clock, db, on_site):
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    at(clock, 14, 40)
    h = handover.open_handover(a)
    ack_all(b, h.id)
    # a visitor checks in while the incoming guard reads: not yet in his review
    on_site.append(("visit:2", "访客 王某 5栋1单元0301"))
    with pytest.raises(ValidationError) as err:
        handover.sign(b, h.id, "赵保安", "2222")
    assert err.value.field == "items" and "1" in err.value.message
    view = handover.get_view(b, h.id)
    assert view.handover.status == "draft"
    [new] = [i for i in view.items if not i.acknowledged]
    assert new.ref == "visit:2" and new.added_at is not None
    handover.acknowledge_item(b, h.id, new.id)
    signed = handover.sign(b, h.id, "赵保安", "2222")
    assert signed.status == "signed" and len(signed.content_hash) == 64
    with db.read() as s:
        audit_row = s.execute(select(AuditEntry).where(AuditEntry.action == "handover.sign")).scalar_one()
        titles = [i.title for i in s.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)).scalars()]
    assert signed.content_hash in audit_row.after and "王某" in audit_row.after
    assert any("王某" in t for t in titles)
    assert handover.verify_seal(a, h.id)
    # an edit in the database is caught
    with db.write() as s:
        s.execute(update(HandoverItem).where(HandoverItem.ref == "visit:2").values(title="访客 无"))
    assert not handover.verify_seal(a, h.id)


def test_the_seal_is_the_same_content_hashed_again(make_ctx, clock, db, on_site):
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    at(clock, 14, 40)
    h = handover.open_handover(a)
    handover.set_notes(a, h.id, "道闸卡顿")
    ack_all(b, h.id)
    handover.sign(b, h.id, "赵保安", "2222")
    with db.read() as s:
        row = s.get(Handover, h.id)
        once = handover.content_hash(handover.sealed_content(s, row))
        twice = handover.content_hash(handover.sealed_content(s, row))
    assert once == twice == row.content_hash


def test_only_the_incoming_guard_acknowledges_and_changes_reset(make_ctx, clock, db, on_site):
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    sup = make_ctx("supervisor", "王主管", "1234")
    at(clock, 14, 40)
    h = handover.open_handover(a)
    item = handover.get_view(a, h.id).items[0]
    with pytest.raises(Conflict):
        handover.acknowledge_item(a, h.id, item.id)  # the outgoing guard on his own terminal
    with pytest.raises(Conflict):
        handover.acknowledge_item(sup, h.id, item.id)  # not a guard
    assert handover.acknowledge_group(b, h.id, "equipment") == len(
        [i for i in handover.get_view(b, h.id).items if i.kind == "equipment"])
    radio = next(i for i in handover.get_view(b, h.id).items if i.ref == "equipment:radio")
    assert radio.acknowledged and radio.acknowledged_by == b.actor.id
    # the outgoing guard changes the note after it was acknowledged: reset, and said so
    handover.set_equipment(a, h.id, "radio", "1", "一台送修")
    view = handover.get_view(b, h.id)
    radio = next(i for i in view.items if i.ref == "equipment:radio")
    assert not radio.acknowledged and radio.reset_at is not None and radio in view.reset
    assert "一台送修" in radio.title
    with db.read() as s:
        assert s.execute(select(AuditEntry).where(AuditEntry.action == "handover.ack_reset")).first()
    handover.set_notes(a, h.id, "正门道闸偶有卡顿")
    assert any(i.kind == "handover_notes" and "道闸" in i.title for i in handover.get_view(b, h.id).items)
    # signing on the outgoing guard's login with the incoming guard's name: refused
    ack_all(b, h.id)
    with pytest.raises(Conflict):
        handover.sign(a, h.id, "赵保安", "2222")
    assert handover.sign(b, h.id, "赵保安", "2222").status == "signed"


def test_roles_from_the_roster(make_ctx, clock, db, on_site):
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    c = make_ctx("guard", "钱保安", "3333")
    sup = make_ctx("supervisor", "王主管", "1234")
    day = datetime(2026, 3, 2).date()
    guard_duty.assign(sup, day, "morning", "main_gate", "张保安")
    guard_duty.assign(sup, day, "middle", "main_gate", "赵保安")
    with pytest.raises(ValidationError) as err:
        guard_duty.assign(sup, day, "middle", "main_gate", "王主管")
    assert err.value.field == "guard"
    at(clock, 14, 45)
    # the incoming guard arrives first: opening the desk creates nothing
    d = handover.desk(b)
    assert d.mode == "none" and d.handover_id is None and d.message
    with pytest.raises(Conflict):
        handover.open_handover(b, "main_gate")  # not his shift to hand over
    with db.read() as s:
        assert s.execute(select(Handover)).first() is None
    d = handover.desk(a)
    assert d.mode == "own"
    assert handover.desk(b) == handover.Desk("receive", d.handover_id)
    assert handover.desk(c).mode == "none"  # 钱 is not on the roster for the next shift
    item = handover.get_view(b, d.handover_id).items[0]
    with pytest.raises(Conflict):
        handover.acknowledge_item(c, d.handover_id, item.id)
    view = handover.get_view(b, d.handover_id)
    assert view.outgoing == "张保安" and view.expected_incoming == "赵保安"
    ack_all(b, d.handover_id)
    handover.sign(b, d.handover_id, "赵保安", "2222")


def test_incoming_guard_who_signed_is_not_flagged(make_ctx, clock, db, on_site):
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    at(clock, 14, 40)
    sb = staff.start_session(b)
    h = handover.open_handover(a)
    ack_all(b, h.id)
    handover.sign(b, h.id, "赵保安", "2222")
    at(clock, 15, 10)
    assert guard_sessions.end_reason(b) == "logout"
    assert guard_sessions.end_reason(a) == "logout"
    staff.end_session(b, sb, "logout")


def _reseal(session, hid):  # type: ignore[no-untyped-def]
    """Edit the notes and recompute the seal to match, as someone with the file could."""
    from sqlalchemy import text

    from wuye_tui.services.guard.handover_sign import content_hash, sealed_content

    session.execute(text("UPDATE handover SET notes = '一切正常' WHERE id = :i"), {"i": hid})
    signed = session.get(Handover, hid)
    session.refresh(signed)
    session.execute(text("UPDATE handover SET content_hash = :h WHERE id = :i"),
                    {"h": content_hash(sealed_content(session, signed)), "i": hid})


@pytest.mark.parametrize("edit", [
    "UPDATE handover_item SET title = '访客 无' WHERE ref = 'visit:1'",  # an item rewritten
    "UPDATE handover SET notes = '一切正常' WHERE status = 'signed'",  # the notes
    _reseal,  # the notes, and the seal recomputed to match
])
def test_audit_verify_catches_an_edited_signed_handover(make_ctx, clock, db, on_site, edit):
    """``audit verify`` holds every signed handover to the seal the keyed audit chain recorded
    at its signature: editing its items or notes, or recomputing its seal to match, is caught."""
    from sqlalchemy import text

    from wuye_tui.services.core import audit

    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    at(clock, 14, 40)
    h = handover.open_handover(a)
    handover.set_notes(a, h.id, "道闸卡顿")
    ack_all(b, h.id)
    handover.sign(b, h.id, "赵保安", "2222")
    assert audit.verify_database(db).ok
    with db.write() as s:
        edit(s, h.id) if callable(edit) else s.execute(text(edit))
    result = audit.verify_database(db)
    assert not result.ok and result.reason == "seal:handover" and result.broken_id == h.id
