"""Shift handover (交接班): "接班人员未上岗，不准下岗；交接清楚，职责明确".

Roles come from the duty roster (``guard_duty``): the outgoing guard is the one on duty
for the ending shift at the post, the incoming guard the one on duty for the next shift
there (with nobody rostered: the guard logged in during the shift, and any other guard).
The software copies in everything open (``open_items.collect``: visitors and vehicles on
site, passes, incidents, patrol rounds done and missed, keys out, escalations, overdue
complaints); the equipment handed over and the notes are items too. Every change is
written at once, so a half-written handover survives the terminal being closed.

Only the incoming guard acknowledges, on his own login; a later change of an item (by the
outgoing guard or because the register changed) undoes its acknowledgement and says so.
At signing the items are gathered again: anything new or changed since the review must be
acknowledged before the signature is accepted. The signed handover is sealed: a sha256 of
its content (``sealed_content``) is kept in ``Handover.content_hash`` and in the audit
row of the signature, so an edit in the database is caught (``verify_seal``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ...clock import as_utc
from ...errors import AuthError, Conflict, NotFound, ValidationError
from ...i18n import N_, _
from ...models import Staff, StaffSession
from ...models.guard import Handover, HandoverEquipment, HandoverItem, HandoverNote
from ...reference import load_reference
from ...validators import clean_text, validate_int, validate_pin
from ..core import audit, open_items
from . import duty as guard_duty
from ..core.context import ServiceContext
from .shifts import ShiftWindow, handover_shift, shift_on
from ..core.permissions import GATE, GUARD, SUPERVISORS, require

NOTES_MAX = 2000
PENDING_WITHIN = timedelta(hours=16)  # an unsigned draft older than this is no longer offered
EQUIPMENT, NOTES = "equipment", "handover_notes"
OWN_KINDS = (EQUIPMENT, NOTES)  # items the outgoing guard writes (not gathered from the registers)
open_items.KIND_LABELS.setdefault(EQUIPMENT, N_("Equipment handed over"))
open_items.KIND_LABELS.setdefault(NOTES, N_("Notes"))


@dataclass(frozen=True)
class HandoverView:
    handover: Handover
    window: ShiftWindow
    outgoing: str
    incoming: str
    items: list[HandoverItem]
    equipment: list[HandoverEquipment]
    corrections: list[tuple[HandoverNote, str]]
    expected_incoming: str = ""  # on the roster for the next shift at the post, if anybody

    @property
    def unacknowledged(self) -> int:
        return sum(1 for i in self.items if not i.acknowledged)

    @property
    def reset(self) -> list[HandoverItem]:
        """Items whose acknowledgement a later change undid."""
        return [i for i in self.items if not i.acknowledged and i.reset_at is not None]

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


def _reset(session, actor, now: datetime, h: Handover, item: HandoverItem) -> None:  # type: ignore[no-untyped-def]
    """An acknowledged item changed: the incoming guard must look again (and is told)."""
    if item.acknowledged:
        item.acknowledged, item.acknowledged_by, item.acknowledged_at = False, None, None
        item.reset_at = now
        audit.record(session, actor, now, "handover.ack_reset", "handover", h.id, after={"ref": item.ref})


def _sync_items(session, h: Handover, rows: list[dict], now: datetime, actor=None) -> int:  # type: ignore[no-untyped-def]
    """Bring the draft's gathered items up to date; an item still open and unchanged keeps
    its acknowledgement. Returns how many items are new or changed."""
    old = {i.ref: i for i in session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
           .where(HandoverItem.kind.not_in(OWN_KINDS))).scalars()}
    fresh = {r["ref"] for r in rows}
    for ref, item in old.items():
        if ref not in fresh:
            session.delete(item)
    changed = 0
    for r in rows:
        item = old.get(r["ref"])
        if item is None:
            session.add(HandoverItem(handover_id=h.id, added_at=now, **r))
            changed += 1
        elif (item.title, item.overdue, item.detail) != (r["title"], r["overdue"], r["detail"]):
            item.title, item.overdue, item.detail = r["title"], r["overdue"], r["detail"]
            _reset(session, actor, now, h, item)
            changed += 1
    session.flush()
    return changed


def _equipment_title(code: str, count: int, note: str) -> str:
    label = load_reference().label("equipment", code)
    title = f"{label} × {count}"
    return (f"{title}：{note}" if note else title)[:300]


def _own_item(session, actor, now: datetime, h: Handover, kind: str, ref: str, title: str,  # type: ignore[no-untyped-def]
              detail: dict) -> None:
    """Create or update one of the outgoing guard's items (equipment line, notes)."""
    d = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    item = session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
                           .where(HandoverItem.ref == ref)).scalar_one_or_none()
    if item is None:
        session.add(HandoverItem(handover_id=h.id, kind=kind, ref=ref, title=title, detail=d, since=now,
                                 added_at=now))
    elif (item.title, item.detail) != (title, d):
        item.title, item.detail, item.since = title, d, now
        _reset(session, actor, now, h, item)


def _notes_item(session, actor, now: datetime, h: Handover) -> None:  # type: ignore[no-untyped-def]
    text = " ".join((h.notes or "").split())
    if not text:
        item = session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
                               .where(HandoverItem.ref == "notes")).scalar_one_or_none()
        if item is not None:
            session.delete(item)
        return
    digest = hashlib.sha256(h.notes.encode("utf-8")).hexdigest()[:16]
    _own_item(session, actor, now, h, NOTES, "notes", text[:300], {"sha": digest})


def _own_draft(session, ctx: ServiceContext, win: ShiftWindow) -> Handover | None:  # type: ignore[no-untyped-def]
    return session.execute(select(Handover).where(Handover.outgoing_id == ctx.actor.id)
                           .where(Handover.duty_date == win.duty_date).where(Handover.shift == win.code)
                           .where(Handover.status == "draft").order_by(Handover.id.desc()).limit(1)
                           ).scalar_one_or_none()


def _default_post(ctx: ServiceContext, win: ShiftWindow) -> str:
    posts = guard_duty.posts_of(ctx, ctx.actor.id, win)
    return posts[0] if posts else "main_gate"


def open_handover(ctx: ServiceContext, post: object = "") -> Handover:
    """The acting guard's handover of the shift they are ending: their draft (items brought
    up to date) or a new one. Refused once that shift's handover is signed, to a guard who
    is not the one on the roster for that post, and while another guard hands it over."""
    require(ctx.actor, GATE, _("hand over a shift"))
    now = ctx.now()
    win = handover_shift(ctx, now)
    post_code = _post(post) if str(post or "").strip() else _default_post(ctx, win)
    rows = _item_rows(ctx, now)
    with ctx.db.write() as session:
        h = _own_draft(session, ctx, win)
        if h is None:
            _check_outgoing(session, ctx, win, post_code)
            h = Handover(shift=win.code, duty_date=win.duty_date, post=post_code, outgoing_id=ctx.actor.id,  # type: ignore[arg-type]
                         opened_at=now, updated_at=now)
            session.add(h)
            session.flush()
            for eq in load_reference().equipment:
                session.add(HandoverEquipment(handover_id=h.id, code=eq.code, count=eq.default_count))  # type: ignore[arg-type]
                _own_item(session, ctx.actor, now, h, EQUIPMENT, f"equipment:{eq.code}",
                          _equipment_title(eq.code, eq.default_count, ""),
                          {"code": eq.code, "count": eq.default_count, "note": ""})
            audit.record(session, ctx.actor, now, "handover.open", "handover", h.id,
                         after={"shift": win.code, "duty_date": win.duty_date.isoformat(), "post": post_code})
        _sync_items(session, h, rows, now, ctx.actor)
        h.updated_at = now
    return h


def _check_outgoing(session, ctx: ServiceContext, win: ShiftWindow, post_code: str) -> None:  # type: ignore[no-untyped-def]
    """May the acting guard hand over ``post_code`` for ``win``? (Conflict if not.)"""
    signed = session.execute(select(Handover.id).where(Handover.duty_date == win.duty_date)
                             .where(Handover.shift == win.code).where(Handover.post == post_code)
                             .where(Handover.status == "signed")
                             .where(Handover.outgoing_id == ctx.actor.id)).first()
    if signed:
        raise Conflict(_("Your handover of this shift is already signed (#{id})").format(id=signed[0]))
    ref = load_reference()
    rostered = session.execute(select(guard_duty.GuardDuty.staff_id, Staff.name)
                               .join(Staff, Staff.id == guard_duty.GuardDuty.staff_id)
                               .where(guard_duty.GuardDuty.duty_date == win.duty_date)
                               .where(guard_duty.GuardDuty.shift == win.code)
                               .where(guard_duty.GuardDuty.post == post_code)).first()
    if rostered and rostered[0] != ctx.actor.id and ctx.actor.role not in SUPERVISORS:
        raise Conflict(_("{name} is on duty at {post} this shift: the handover is theirs").format(
            name=rostered[1], post=ref.label("post", post_code)))
    other = session.execute(select(Handover.id, Staff.name).join(Staff, Staff.id == Handover.outgoing_id)
                            .where(Handover.duty_date == win.duty_date).where(Handover.shift == win.code)
                            .where(Handover.post == post_code).where(Handover.outgoing_id != ctx.actor.id)
                            .where(Handover.status == "draft")).first()
    if other:
        raise Conflict(_("{name} is already handing over {post} (#{id})").format(
            name=other[1], post=ref.label("post", post_code), id=other[0]))


def refresh_items(ctx: ServiceContext, handover_id: int) -> None:
    require(ctx.actor, GATE, _("hand over a shift"))
    rows = _item_rows(ctx, ctx.now())
    with ctx.db.write() as session:
        h = _draft(session, handover_id)
        _sync_items(session, h, rows, ctx.now(), ctx.actor)
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
            _notes_item(session, ctx.actor, ctx.now(), h)
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
            _own_item(session, ctx.actor, ctx.now(), h, EQUIPMENT, f"equipment:{code_s}",
                      _equipment_title(code_s, n, note_s), {"code": code_s, "count": n, "note": note_s})


def expected_incoming(ctx: ServiceContext, h: Handover) -> int | None:
    """The guard on the roster for the next shift at the handover's post, if any."""
    return guard_duty.on_duty(ctx, guard_duty.next_window(ctx, window_of(ctx, h)), h.post)


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
    expected = expected_incoming(ctx, h)
    expected_name = ""
    if expected is not None:
        with ctx.db.read() as session:
            expected_name = session.get(Staff, expected).name  # type: ignore[union-attr]
    return HandoverView(h, window_of(ctx, h), names.get(h.outgoing_id, ""), names.get(h.incoming_id or 0, ""),
                        items, equipment, corrections, expected_name)


def fingerprint(ctx: ServiceContext, handover_id: int) -> str:
    """A short digest of what a terminal shows of a handover (items, acknowledgements,
    equipment, notes, status): another terminal's change makes it differ."""
    with ctx.db.read() as session:
        h = session.get(Handover, handover_id)
        if h is None:
            return ""
        rows = session.execute(select(HandoverItem.id, HandoverItem.title, HandoverItem.acknowledged,
                                      HandoverItem.reset_at).where(HandoverItem.handover_id == handover_id)
                               .order_by(HandoverItem.id)).all()
    text = json.dumps([h.status, h.notes, h.post, h.failed_signatures, [list(r) for r in rows]],
                      ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def pending_to_sign(ctx: ServiceContext) -> list[Handover]:
    """Other guards' recent unsigned drafts the acting guard may receive, newest first
    (a draft whose next shift has somebody else on the roster is theirs)."""
    require(ctx.actor, GATE, _("read handovers"))
    since = ctx.now() - PENDING_WITHIN
    with ctx.db.read() as session:
        drafts = list(session.execute(select(Handover).where(Handover.status == "draft")
                                      .where(Handover.outgoing_id != ctx.actor.id)
                                      .where(Handover.updated_at >= since)
                                      .order_by(Handover.id.desc()).limit(10)).scalars())
    return [h for h in drafts if expected_incoming(ctx, h) in (None, ctx.actor.id)]


def own_draft(ctx: ServiceContext) -> Handover | None:
    require(ctx.actor, GATE, _("read handovers"))
    win = handover_shift(ctx)
    with ctx.db.read() as session:
        return _own_draft(session, ctx, win)


@dataclass(frozen=True)
class Desk:
    """What the handover desk opens for the acting guard."""

    mode: str  # "own" (he hands over), "receive" (he takes over) or "none"
    handover_id: int | None
    message: str = ""


def _logged_in_during(ctx: ServiceContext, win: ShiftWindow) -> bool:
    with ctx.db.read() as session:
        started = session.execute(select(StaffSession.started_at).where(StaffSession.staff_id == ctx.actor.id)
                                  .where(StaffSession.ended_at.is_(None))
                                  .order_by(StaffSession.id.desc()).limit(1)).scalar()
    return started is not None and as_utc(started) < win.end


def desk(ctx: ServiceContext) -> Desk:
    """The handover desk of the acting guard, without creating a stray draft: his own
    draft; else a draft he is to receive; else a new draft only when he is the one on
    duty for the ending shift (on the roster, or with nobody rostered logged in during
    it); else nothing (F6 opens his own handover on purpose)."""
    require(ctx.actor, GATE, _("read handovers"))
    own = own_draft(ctx)
    if own is not None:
        return Desk("own", own.id)
    pending = pending_to_sign(ctx)
    if pending:
        return Desk("receive", pending[0].id)
    win = handover_shift(ctx)
    posts = guard_duty.posts_of(ctx, ctx.actor.id, win)
    incoming_next = guard_duty.posts_of(ctx, ctx.actor.id, guard_duty.next_window(ctx, win))
    if posts or (not incoming_next and not guard_duty.rostered(ctx, win) and _logged_in_during(ctx, win)):
        try:
            return Desk("own", open_handover(ctx, posts[0] if posts else "").id)
        except Conflict as exc:
            return Desk("none", None, exc.message if hasattr(exc, "message") else str(exc))
    if incoming_next:
        return Desk("none", None, _("Nothing to receive yet: the outgoing guard has not opened the handover"))
    return Desk("none", None, _("No handover to fill in or to receive; F6 opens your own handover"))


def left_without_handover(ctx: ServiceContext, staff_id: int, when: datetime,
                          login: datetime | None = None) -> bool:
    """Whether guard ``staff_id`` leaving at ``when`` leaves without a signed handover."""
    win = handover_shift(ctx, when)
    with ctx.db.read() as session:
        if login is None:
            login = session.execute(select(StaffSession.started_at).where(StaffSession.staff_id == staff_id)
                                    .where(StaffSession.ended_at.is_(None))
                                    .order_by(StaffSession.id.desc()).limit(1)).scalar()
        signed = session.execute(select(Handover).where((Handover.outgoing_id == staff_id)
                                                        | (Handover.incoming_id == staff_id))
                                 .where(Handover.status == "signed")
                                 .order_by(Handover.id.desc()).limit(10)).scalars().all()
    for h in signed:
        if (h.duty_date, h.shift) == (win.duty_date, win.code):
            return False  # he handed this shift over, or took it over from its guard
        if (h.outgoing_id == staff_id and login is not None and h.signed_at is not None
                and as_utc(h.signed_at) >= as_utc(login)):
            return False  # handed over during this login
    return True
