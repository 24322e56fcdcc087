"""The outgoing guard's side of a handover: opening the draft of the shift he is ending,
bringing its gathered items up to date, and filling in the post, the equipment handed over
and the notes.

A draft is opened only by the guard on the roster for that post (or a supervisor), not
once his handover of the shift is signed, and not while another guard hands the post over
(``_check_outgoing``). Every change is written at once, with its audit row, so a
half-written handover survives the terminal being closed.
"""

from __future__ import annotations

from sqlalchemy import select

from ...errors import Conflict, ValidationError
from ...i18n import _
from ...models import Staff
from ...models.guard import Handover, HandoverEquipment
from ...reference import load_reference
from ...validators import clean_text, validate_int
from ..core import audit
from ..core.context import ServiceContext
from ..core.permissions import GATE, SUPERVISORS, require
from . import duty as guard_duty
from .handover_items import EQUIPMENT, _draft, _equipment_title, _item_rows, _notes_item, _own_item, _sync_items
from .shifts import ShiftWindow, handover_shift

NOTES_MAX = 2000


def _post(value: object) -> str:
    code = str(value or "").strip() or "main_gate"
    try:
        load_reference().post(code)
    except LookupError:
        raise ValidationError("post", _("Unknown post")) from None
    return code


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
