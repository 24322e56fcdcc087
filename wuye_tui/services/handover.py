"""Shift handover (交接班): "接班人员未上岗，不准下岗；交接清楚，职责明确".

The outgoing guard opens the handover of the shift they are ending; the software copies
in everything open (``open_items.collect``: visitors and vehicles on site, passes,
incidents, patrol rounds done and missed, keys out, escalations, overdue complaints).
The guard adds the equipment handed over and notes. Every change is written at once,
so a half-written handover survives the terminal being closed. The incoming guard
acknowledges each item and signs with their own PIN; the handover is then locked (a
later correction is a new note) and its full content goes into the audit hash chain.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ..clock import as_utc
from ..errors import AuthError, Conflict, NotFound, ValidationError
from ..i18n import _
from ..models import Staff, StaffSession
from ..models.guard import Handover, HandoverEquipment, HandoverItem, HandoverNote
from ..reference import load_reference
from ..validators import clean_text, validate_int, validate_pin
from . import audit, open_items
from .context import ServiceContext
from .guard_shifts import ShiftWindow, handover_shift, shift_on
from .permissions import GATE, SUPERVISORS, require

NOTES_MAX = 2000
PENDING_WITHIN = timedelta(hours=16)  # an unsigned draft older than this is no longer offered


@dataclass(frozen=True)
class HandoverView:
    handover: Handover
    window: ShiftWindow
    outgoing: str
    incoming: str
    items: list[HandoverItem]
    equipment: list[HandoverEquipment]
    corrections: list[tuple[HandoverNote, str]]

    @property
    def unacknowledged(self) -> int:
        return sum(1 for i in self.items if not i.acknowledged)

    @property
    def locked(self) -> bool:
        return self.handover.status == "signed"


def window_of(ctx: ServiceContext, h: Handover) -> ShiftWindow:
    return shift_on(ctx, h.duty_date, h.shift)


def _post(value: object) -> str:
    code = str(value or "").strip() or "main_gate"
    try:
        load_reference().post(code)
    except LookupError:
        raise ValidationError("post", _("Unknown post")) from None
    return code


def _item_rows(ctx: ServiceContext, now: datetime) -> list[dict]:
    rows = []
    for it in open_items.collect(ctx, now):
        rows.append({"kind": it.kind[:40], "ref": it.ref[:80], "title": it.title[:300], "since": it.since,
                     "overdue": bool(it.overdue),
                     "detail": json.dumps(it.detail, ensure_ascii=False, default=str)[:2000]})
    return rows


def _sync_items(session, handover_id: int, rows: list[dict]) -> None:  # type: ignore[no-untyped-def]
    """Bring the draft's items up to date; an item still open keeps its acknowledgement."""
    old = {i.ref: i for i in session.execute(select(HandoverItem).where(HandoverItem.handover_id == handover_id))
           .scalars()}
    fresh = {r["ref"] for r in rows}
    for ref, item in old.items():
        if ref not in fresh:
            session.delete(item)
    for r in rows:
        item = old.get(r["ref"])
        if item is None:
            session.add(HandoverItem(handover_id=handover_id, **r))
        elif (item.title, item.overdue, item.detail) != (r["title"], r["overdue"], r["detail"]):
            item.title, item.overdue, item.detail = r["title"], r["overdue"], r["detail"]
            item.acknowledged = False  # it changed: the incoming guard must look again


def _own_draft(session, ctx: ServiceContext, win: ShiftWindow) -> Handover | None:  # type: ignore[no-untyped-def]
    return session.execute(select(Handover).where(Handover.outgoing_id == ctx.actor.id)
                           .where(Handover.duty_date == win.duty_date).where(Handover.shift == win.code)
                           .where(Handover.status == "draft").order_by(Handover.id.desc()).limit(1)
                           ).scalar_one_or_none()


def open_handover(ctx: ServiceContext, post: object = "") -> Handover:
    """The acting guard's handover of the shift they are ending: their draft (items brought
    up to date) or a new one. Refused once that shift's handover is signed."""
    require(ctx.actor, GATE, _("hand over a shift"))
    post_code = _post(post)
    now = ctx.now()
    win = handover_shift(ctx, now)
    rows = _item_rows(ctx, now)
    with ctx.db.write() as session:
        h = _own_draft(session, ctx, win)
        if h is None:
            signed = session.execute(select(Handover.id).where(Handover.outgoing_id == ctx.actor.id)
                                     .where(Handover.duty_date == win.duty_date).where(Handover.shift == win.code)
                                     .where(Handover.post == post_code)
                                     .where(Handover.status == "signed")).first()
            if signed:
                raise Conflict(_("Your handover of this shift is already signed (#{id})").format(id=signed[0]))
            h = Handover(shift=win.code, duty_date=win.duty_date, post=post_code, outgoing_id=ctx.actor.id,  # type: ignore[arg-type]
                         opened_at=now, updated_at=now)
            session.add(h)
            session.flush()
            for eq in load_reference().equipment:
                session.add(HandoverEquipment(handover_id=h.id, code=eq.code, count=eq.default_count))  # type: ignore[arg-type]
            audit.record(session, ctx.actor, now, "handover.open", "handover", h.id,
                         after={"shift": win.code, "duty_date": win.duty_date.isoformat(), "post": post_code})
        _sync_items(session, h.id, rows)  # type: ignore[arg-type]
        h.updated_at = now
    return h


def refresh_items(ctx: ServiceContext, handover_id: int) -> None:
    require(ctx.actor, GATE, _("hand over a shift"))
    rows = _item_rows(ctx, ctx.now())
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        _sync_items(session, h.id, rows)  # type: ignore[arg-type]
        h.updated_at = ctx.now()


def _load(session, handover_id: int) -> Handover:  # type: ignore[no-untyped-def]
    h = session.get(Handover, handover_id)
    if h is None:
        raise NotFound(_("No handover #{id}").format(id=handover_id))
    return h


def _draft(session, handover_id: int) -> Handover:  # type: ignore[no-untyped-def]
    h = _load(session, handover_id)
    if h.status != "draft":
        raise Conflict(_("Handover #{id} is signed and locked; add a correction instead").format(id=handover_id))
    return h


def _own(ctx: ServiceContext, h: Handover) -> None:
    if h.outgoing_id != ctx.actor.id and ctx.actor.role not in SUPERVISORS:
        raise Conflict(_("Only the outgoing guard fills in handover #{id}").format(id=h.id))


def set_notes(ctx: ServiceContext, handover_id: int, notes: object) -> Handover:
    require(ctx.actor, GATE, _("hand over a shift"))
    text = clean_text(notes, field="notes", max_len=NOTES_MAX, multiline=True)
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        _own(ctx, h)
        if h.notes != text:
            h.notes = text
            h.updated_at = ctx.now()
            audit.record(session, ctx.actor, ctx.now(), "handover.notes", "handover", h.id, after={"notes": text})
    return h


def set_post(ctx: ServiceContext, handover_id: int, post: object) -> Handover:
    """The outgoing guard (or a supervisor) changes the post of a draft."""
    require(ctx.actor, GATE, _("hand over a shift"))
    if not str(post or "").strip():
        raise ValidationError("post", _("This field is required"))
    code = _post(post)
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        _own(ctx, h)
        if h.post != code:
            signed = session.execute(
                select(Handover.id).where(Handover.outgoing_id == h.outgoing_id)
                .where(Handover.duty_date == h.duty_date).where(Handover.shift == h.shift)
                .where(Handover.post == code).where(Handover.status == "signed")).first()
            if signed:
                raise Conflict(_("Your handover of this shift is already signed (#{id})").format(id=signed[0]))
            before = {"post": h.post}
            h.post, h.updated_at = code, ctx.now()
            audit.record(session, ctx.actor, ctx.now(), "handover.post", "handover", h.id,
                         before=before, after={"post": code})
    return h


def set_equipment(ctx: ServiceContext, handover_id: int, code: object, count: object, note: object = "") -> None:
    require(ctx.actor, GATE, _("hand over a shift"))
    code_s = str(code or "").strip()
    try:
        load_reference().equipment_item(code_s)
    except LookupError:
        raise ValidationError("equipment", _("Unknown equipment")) from None
    n = validate_int(count, field=f"equipment_{code_s}", min_value=0, max_value=999)
    note_s = clean_text(note, field=f"equipment_note_{code_s}", max_len=200)
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        _own(ctx, h)
        row = session.execute(select(HandoverEquipment).where(HandoverEquipment.handover_id == h.id)
                              .where(HandoverEquipment.code == code_s)).scalar_one_or_none()
        if row is None:
            row = HandoverEquipment(handover_id=h.id, code=code_s)  # type: ignore[arg-type]
            session.add(row)
        if (row.count, row.note) != (n, note_s):
            row.count, row.note = n, note_s
            h.updated_at = ctx.now()
            audit.record(session, ctx.actor, ctx.now(), "handover.equipment", "handover", h.id,
                         after={"code": code_s, "count": n, "note": note_s})


def acknowledge_item(ctx: ServiceContext, handover_id: int, item_id: int, acknowledged: bool = True) -> None:
    """The incoming guard ticks an item as seen (recorded in the draft, signed with the PIN)."""
    require(ctx.actor, GATE, _("hand over a shift"))
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        item = session.get(HandoverItem, item_id)
        if item is None or item.handover_id != h.id:
            raise NotFound(_("No such item in handover #{id}").format(id=handover_id))
        if item.acknowledged != acknowledged:
            item.acknowledged = acknowledged
            h.updated_at = ctx.now()
            audit.record(session, ctx.actor, ctx.now(), "handover.ack", "handover", h.id,
                         after={"ref": item.ref, "acknowledged": acknowledged})


def _needs_reason(item: HandoverItem) -> bool:
    if item.kind != "patrol_missed":
        return False
    try:
        detail = json.loads(item.detail or "{}")
    except ValueError:
        return False
    return not detail.get("due") and not detail.get("reason")


def sign(ctx: ServiceContext, handover_id: int, incoming_name: object, pin: object) -> Handover:
    """The incoming guard signs with their own PIN. A wrong PIN is refused and counted
    (on the staff account, as at login, and on the handover)."""
    require(ctx.actor, GATE, _("hand over a shift"))
    name = clean_text(incoming_name, field="incoming", max_len=40, required=True)
    pin_s = validate_pin(pin, field="pin")
    view = get_view(ctx, handover_id)
    h = view.handover
    if view.locked:
        raise Conflict(_("Handover #{id} is signed and locked; add a correction instead").format(id=handover_id))
    if name == view.outgoing:
        raise Conflict(_("The outgoing guard cannot sign their own handover"))
    left = view.unacknowledged
    if left:
        raise ValidationError("items", _("Acknowledge every item first ({n} left)").format(n=left))
    if any(_needs_reason(i) for i in view.items):
        raise ValidationError("items", _("Every missed round needs a reason before the handover"))
    from .staff import authenticate

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
    if incoming.role not in GATE:
        raise Conflict(_("{name} is not a guard and cannot take over the post").format(name=incoming.name))
    now = ctx.now()
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        items = session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
                                .order_by(HandoverItem.id)).scalars().all()
        if any(not i.acknowledged for i in items):
            raise Conflict(_("Handover #{id} changed meanwhile; review it again").format(id=handover_id))
        equipment = session.execute(select(HandoverEquipment).where(HandoverEquipment.handover_id == h.id)
                                    .order_by(HandoverEquipment.id)).scalars().all()
        h.status = "signed"
        h.incoming_id = incoming.id
        h.signed_at = now
        h.updated_at = now
        audit.record(session, incoming, now, "handover.sign", "handover", h.id, after={
            "shift": h.shift, "duty_date": h.duty_date.isoformat(), "post": h.post,
            "outgoing": view.outgoing, "incoming": incoming.name, "notes": h.notes,
            "items": [[i.kind, i.ref, i.title] for i in items],
            "equipment": [[e.code, e.count, e.note] for e in equipment],
        })
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


def get_view(ctx: ServiceContext, handover_id: int) -> HandoverView:
    require(ctx.actor, GATE, _("read handovers"))
    with ctx.db.read() as session:
        h = _load(session, handover_id)
        names = {s.id: s.name for s in session.execute(
            select(Staff).where(Staff.id.in_([x for x in (h.outgoing_id, h.incoming_id) if x]))).scalars()}
        items = list(session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
                                     .order_by(HandoverItem.kind, HandoverItem.id)).scalars())
        equipment = list(session.execute(select(HandoverEquipment).where(HandoverEquipment.handover_id == h.id)
                                         .order_by(HandoverEquipment.id)).scalars())
        corrections = [(r[0], r[1]) for r in session.execute(
            select(HandoverNote, Staff.name).join(Staff, Staff.id == HandoverNote.staff_id)
            .where(HandoverNote.handover_id == h.id).order_by(HandoverNote.id)).all()]
    return HandoverView(h, window_of(ctx, h), names.get(h.outgoing_id, ""), names.get(h.incoming_id or 0, ""),
                        items, equipment, corrections)


def pending_to_sign(ctx: ServiceContext) -> list[Handover]:
    """Other guards' recent unsigned drafts, newest first: what an incoming guard may sign."""
    require(ctx.actor, GATE, _("read handovers"))
    since = ctx.now() - PENDING_WITHIN
    with ctx.db.read() as session:
        return list(session.execute(select(Handover).where(Handover.status == "draft")
                                    .where(Handover.outgoing_id != ctx.actor.id)
                                    .where(Handover.updated_at >= since)
                                    .order_by(Handover.id.desc()).limit(10)).scalars())


def own_draft(ctx: ServiceContext) -> Handover | None:
    require(ctx.actor, GATE, _("read handovers"))
    win = handover_shift(ctx)
    with ctx.db.read() as session:
        return _own_draft(session, ctx, win)


def logout_reason(ctx: ServiceContext) -> str:
    """Called by the app when a guard logs out: "without_handover" unless the guard's
    current shift (or this login) ended with a handover signed by an incoming guard.
    A departure without handover is also written to the audit chain."""
    if ctx.actor.role != "guard" or ctx.actor.id is None:
        return "logout"
    now = ctx.now()
    win = handover_shift(ctx, now)
    with ctx.db.read() as session:
        login = session.execute(select(StaffSession.started_at).where(StaffSession.staff_id == ctx.actor.id)
                                .where(StaffSession.ended_at.is_(None))
                                .order_by(StaffSession.id.desc()).limit(1)).scalar()
        signed = session.execute(select(Handover).where(Handover.outgoing_id == ctx.actor.id)
                                 .where(Handover.status == "signed")
                                 .order_by(Handover.id.desc()).limit(5)).scalars().all()
    for h in signed:
        if (h.duty_date, h.shift) == (win.duty_date, win.code):
            return "logout"
        if login is not None and h.signed_at is not None and as_utc(h.signed_at) >= as_utc(login):
            return "logout"
    with ctx.db.write() as session:
        audit.record(session, ctx.actor, now, "handover.left_without", "staff", ctx.actor.id,
                     after={"shift": win.code, "duty_date": win.duty_date.isoformat()})
    return "without_handover"
