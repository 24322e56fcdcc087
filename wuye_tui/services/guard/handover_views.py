"""Who sees which handover, and what it shows.

``get_view`` (a handover with its items, equipment, corrections and the names of the guards),
``fingerprint`` (a terminal polls it to see another terminal's change), the roles on the
roster (``expected_incoming``: the guard on duty next at the post), the drafts a guard may
receive (``pending_to_sign``), the handover desk a guard opens (``desk``) and whether a guard
leaves without a signed handover (``left_without_handover``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from ...clock import as_utc
from ...errors import Conflict
from ...i18n import _
from ...models import Staff, StaffSession
from ...models.guard import Handover, HandoverEquipment, HandoverItem, HandoverNote
from ..core.context import ServiceContext
from ..core.permissions import GATE, require
from . import duty as guard_duty
from .handover_draft import _own_draft, open_handover
from .handover_items import _load
from .shifts import ShiftWindow, handover_shift, shift_on

PENDING_WITHIN = timedelta(hours=16)  # an unsigned draft older than this is no longer offered


@dataclass(frozen=True)
class HandoverView:
    """One handover as a terminal shows it: the row, its shift, the guards' names, the items,
    the equipment lines and the corrections added after signing."""

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


def expected_incoming(ctx: ServiceContext, h: Handover) -> int | None:
    """The guard on the roster for the next shift at the handover's post, if any."""
    return guard_duty.on_duty(ctx, guard_duty.next_window(ctx, window_of(ctx, h)), h.post)


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
