"""The incoming guard's side of a handover: acknowledging items, signing, the seal.

Only the incoming guard acknowledges, on his own login (``_check_receiver``). At signing
(``sign``, with his PIN) the items are gathered again: anything new or changed since his
review must be acknowledged before the signature is accepted, and every missed round needs
a reason. The signed handover is sealed: a sha256 of its content (``sealed_content``) is
kept in ``Handover.content_hash`` and in the audit row of the signature, so an edit in the
database is caught (``verify_seal``). A signed handover changes only by a correction note
(``add_correction``).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select

from ...clock import as_utc
from ...errors import AuthError, Conflict, NotFound, ValidationError
from ...i18n import _
from ...models import Staff
from ...models.guard import Handover, HandoverEquipment, HandoverItem, HandoverNote
from ...reference import load_reference
from ...validators import clean_text, validate_pin
from ..core import audit
from ..core.context import ServiceContext
from ..core.permissions import GATE, GUARD, require
from .handover_items import _draft, _item_rows, _load, _reset, _sync_items
from .handover_views import expected_incoming, get_view


def _check_receiver(ctx: ServiceContext, h: Handover) -> None:
    """Only the incoming guard, on his own login, reviews and signs."""
    if h.outgoing_id == ctx.actor.id:
        raise Conflict(_("Only the incoming guard acknowledges, on his own login"))
    if ctx.actor.role != GUARD:
        raise Conflict(_("{name} is not a guard and cannot take over the post").format(name=ctx.actor.name))
    expected = expected_incoming(ctx, h)
    if expected is not None and expected != ctx.actor.id:
        with ctx.db.read() as session:
            name = session.get(Staff, expected).name  # type: ignore[union-attr]
        raise Conflict(_("{name} is on duty next at {post}: only they receive this handover").format(
            name=name, post=load_reference().label("post", h.post)))


def _ack(session, ctx: ServiceContext, h: Handover, items: list[HandoverItem], acknowledged: bool) -> int:  # type: ignore[no-untyped-def]
    now, n = ctx.now(), 0
    for item in items:
        if item.acknowledged != acknowledged:
            item.acknowledged = acknowledged
            item.acknowledged_by = ctx.actor.id if acknowledged else None
            item.acknowledged_at = now if acknowledged else None
            if acknowledged:
                item.reset_at = None
            n += 1
    if n:
        h.updated_at = now
    return n


def acknowledge_item(ctx: ServiceContext, handover_id: int, item_id: int, acknowledged: bool = True) -> None:
    """The incoming guard ticks an item as seen, on his own login (signed with the PIN)."""
    require(ctx.actor, GATE, _("hand over a shift"))
    with ctx.db.read() as session:
        _check_receiver(ctx, _load(session, handover_id))
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        item = session.get(HandoverItem, item_id)
        if item is None or item.handover_id != h.id:
            raise NotFound(_("No such item in handover #{id}").format(id=handover_id))
        if _ack(session, ctx, h, [item], acknowledged):
            audit.record(session, ctx.actor, ctx.now(), "handover.ack", "handover", h.id,
                         after={"ref": item.ref, "acknowledged": acknowledged})


def acknowledge_group(ctx: ServiceContext, handover_id: int, kind: str) -> int:
    """The incoming guard acknowledges every unacknowledged item of one kind; returns how many."""
    require(ctx.actor, GATE, _("hand over a shift"))
    with ctx.db.read() as session:
        _check_receiver(ctx, _load(session, handover_id))
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        items = list(session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
                                     .where(HandoverItem.kind == kind)
                                     .where(HandoverItem.acknowledged.is_(False))
                                     .order_by(HandoverItem.id)).scalars())
        n = _ack(session, ctx, h, items, True)
        if n:
            audit.record(session, ctx.actor, ctx.now(), "handover.ack", "handover", h.id,
                         after={"refs": [i.ref for i in items], "acknowledged": True})
    return n


def _needs_reason(item: HandoverItem) -> bool:
    if item.kind != "patrol_missed":
        return False
    try:
        detail = json.loads(item.detail or "{}")
    except ValueError:
        return False
    return not detail.get("due") and not detail.get("reason")


def sealed_content(session, h: Handover) -> dict:  # type: ignore[no-untyped-def]
    """What a signature covers, in a fixed order (the same on SQLite and PostgreSQL)."""
    def stamp(value: datetime | None) -> str:
        return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value else ""

    items = session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)).scalars().all()
    equipment = session.execute(select(HandoverEquipment).where(HandoverEquipment.handover_id == h.id)).scalars().all()
    return {
        "handover": h.id, "shift": h.shift, "duty_date": h.duty_date.isoformat(), "post": h.post,
        "outgoing_id": h.outgoing_id, "incoming_id": h.incoming_id, "signed_at": stamp(h.signed_at),
        "notes": h.notes,
        "items": sorted([i.kind, i.ref, i.title, bool(i.overdue), i.detail, stamp(i.since), i.acknowledged_by]
                        for i in items),
        "equipment": sorted([e.code, e.count, e.note] for e in equipment),
    }


def content_hash(content: dict) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def verify_seal(ctx: ServiceContext, handover_id: int) -> bool:
    """Whether a signed handover's content still hashes to the hash sealed at signing."""
    with ctx.db.read() as session:
        h = _load(session, handover_id)
        if h.status != "signed":
            return True
        return bool(h.content_hash) and content_hash(sealed_content(session, h)) == h.content_hash


def broken_seal(session) -> int | None:  # type: ignore[no-untyped-def]
    """The first signed handover whose content no longer hashes to its seal, or whose seal
    is not the one the (keyed) audit chain recorded at its signature; None when all hold.
    ``audit verify`` runs it: an edited item, note, equipment count or seal is caught."""
    from ...models import AuditEntry

    sealed: dict[str, str] = {}
    for eid, after in session.execute(select(AuditEntry.entity_id, AuditEntry.after).where(
            AuditEntry.entity == "handover", AuditEntry.action == "handover.sign").order_by(AuditEntry.id)):
        try:
            sealed[str(eid)] = json.loads(after or "{}").get("content_hash", "")
        except ValueError:
            sealed[str(eid)] = ""
    for h in session.execute(select(Handover).where(Handover.status == "signed").order_by(Handover.id)).scalars():
        recorded = sealed.get(str(h.id))
        if recorded is None:  # signed before seals were recorded (or by the demo): nothing to hold it to
            continue
        if h.content_hash != recorded or content_hash(sealed_content(session, h)) != recorded:
            return int(h.id)  # type: ignore[arg-type]
    return None


def sign(ctx: ServiceContext, handover_id: int, incoming_name: object, pin: object) -> Handover:
    """The incoming guard signs on his own login with his PIN. A wrong PIN is refused and
    counted (on the staff account, as at login, and on the handover). The items are
    gathered again: anything new or changed since his review is refused until he has
    acknowledged it. Then the handover is sealed."""
    require(ctx.actor, GATE, _("hand over a shift"))
    name = clean_text(incoming_name, field="incoming", max_len=40, required=True)
    pin_s = validate_pin(pin, field="pin")
    view = get_view(ctx, handover_id)
    h = view.handover
    if view.locked:
        raise Conflict(_("Handover #{id} is signed and locked; add a correction instead").format(id=handover_id))
    if name == view.outgoing or ctx.actor.id == h.outgoing_id:
        raise Conflict(_("The outgoing guard cannot sign their own handover"))
    if name != ctx.actor.name:
        raise Conflict(_("{name} signs on his own login").format(name=name))
    _check_receiver(ctx, h)
    left = view.unacknowledged
    if left:
        raise ValidationError("items", _("Acknowledge every item first ({n} left)").format(n=left))
    if any(_needs_reason(i) for i in view.items):
        raise ValidationError("items", _("Every missed round needs a reason before the handover"))
    from ..core.staff import authenticate

    try:
        incoming = authenticate(ctx, name, pin_s)
    except AuthError:
        with ctx.db.write() as session:
            row = session.get(Handover, handover_id)
            row.failed_signatures += 1  # type: ignore[union-attr]
            audit.record(session, ctx.actor, ctx.now(), "handover.sign_failed", "handover", handover_id,
                         after={"incoming": name})
        raise
    if incoming.id == h.outgoing_id:
        raise Conflict(_("The outgoing guard cannot sign their own handover"))
    now = ctx.now()
    rows = _item_rows(ctx, now)  # the post as it is now, not as it was at the review
    refused = ""
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        _sync_items(session, h, rows, now, ctx.actor)
        items = session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
                                .order_by(HandoverItem.id)).scalars().all()
        fresh = [i for i in items if not i.acknowledged or i.acknowledged_by != incoming.id]
        if fresh:
            for i in fresh:
                _reset(session, ctx.actor, now, h, i)
            h.updated_at = now
            refused = _("{n} items are new or changed since your review: acknowledge them, then sign").format(
                n=len(fresh))
        elif any(_needs_reason(i) for i in items):
            refused = _("Every missed round needs a reason before the handover")
        else:
            h.status = "signed"
            h.incoming_id = incoming.id
            h.signed_at = now
            h.updated_at = now
            session.flush()
            content = sealed_content(session, h)
            h.content_hash = content_hash(content)
            equipment = session.execute(select(HandoverEquipment).where(HandoverEquipment.handover_id == h.id)
                                        .order_by(HandoverEquipment.id)).scalars().all()
            audit.record(session, incoming, now, "handover.sign", "handover", h.id, after={
                "shift": h.shift, "duty_date": h.duty_date.isoformat(), "post": h.post,
                "outgoing": view.outgoing, "incoming": incoming.name, "notes": h.notes,
                "items": [[i.kind, i.ref, i.title] for i in items],
                "equipment": [[e.code, e.count, e.note] for e in equipment],
                "content_hash": h.content_hash,
            })
    if refused:  # the new items are saved (committed above) for the incoming guard to see
        raise ValidationError("items", refused)
    return h


def add_correction(ctx: ServiceContext, handover_id: int, text: object) -> HandoverNote:
    """A correction to a signed handover: a new note, the signed content stays as it was."""
    require(ctx.actor, GATE, _("hand over a shift"))
    body = clean_text(text, field="correction", max_len=2000, required=True, multiline=True)
    with ctx.db.write() as session:
        _load(session, handover_id)  # NotFound for an unknown handover
        note = HandoverNote(handover_id=handover_id, at=ctx.now(), staff_id=ctx.actor.id, text=body)  # type: ignore[arg-type]
        session.add(note)
        session.flush()
        audit.record(session, ctx.actor, ctx.now(), "handover.correction", "handover", handover_id,
                     after={"text": body})
    return note
