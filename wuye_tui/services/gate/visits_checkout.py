"""Visitor check-out: one visit, a group leaving, and undoing a check-out made by mistake.

Check-out is a conditional UPDATE (``WHERE checked_out_at IS NULL``) in one short write
transaction with its audit row: of two guards checking out the same visitor at once exactly
one succeeds, the other gets ``Conflict``. The vehicle that came with the visit leaves with
it when asked. A check-out can be undone by the guard who made it within ``UNDO_MINUTES``;
both stay in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from ...clock import as_utc
from ...errors import Conflict, NotFound, PermissionDenied, ValidationError
from ...i18n import _
from ...models import Staff, Unit
from ...models.gate import VehicleMove, Visit
from ..core import audit
from ..core.context import ServiceContext
from ..core.permissions import GATE, require


UNDO_MINUTES = 5  # a check-out can be undone this long, by the guard who did it


@dataclass(frozen=True)
class CheckOutPreview:
    """What the guard confirms before a check-out: who, and the vehicle that came with them."""

    visit_id: int
    name: str
    unit: str
    headcount: int
    plate: str  # the visit's vehicle still inside ("" when none)


def check_out_preview(ctx: ServiceContext, visit_id: int) -> CheckOutPreview:
    require(ctx.actor, GATE, _("check visitors out"))
    with ctx.db.read() as session:
        row = session.execute(select(Visit.id, Visit.name, Unit.code, Visit.headcount, Visit.checked_out_at)
                              .join(Unit, Unit.id == Visit.host_unit_id).where(Visit.id == visit_id)).first()
        if row is None:
            raise NotFound(_("No such visit"))
        plate = session.execute(select(VehicleMove.plate).where(VehicleMove.visit_id == visit_id,
                                                                VehicleMove.out_at.is_(None)).limit(1)).scalar()
    return CheckOutPreview(row[0], row[1], row[2], row[3], plate or "")


def _close_visit(session: Session, ctx: ServiceContext, visit_id: int, now: datetime, with_vehicle: bool = False,
                 reason: str = "", group: list[int] | None = None) -> list[str]:
    """Inside a write transaction: check one visit out (Conflict if it is not open) and,
    when asked, its vehicle; returns the plates that left with it. One audit row per visit
    (it covers that visit's row); ``group``: the visits that left together."""
    done = session.execute(
        update(Visit).where(Visit.id == visit_id, Visit.checked_out_at.is_(None))
        .values(checked_out_at=now, out_guard_id=ctx.actor.id)
    ).rowcount
    if done != 1:
        row = session.execute(select(Visit.checked_out_at, Staff.name)
                              .join(Staff, Staff.id == Visit.out_guard_id, isouter=True)
                              .where(Visit.id == visit_id)).first()
        if row is None:
            raise NotFound(_("No such visit"))
        raise Conflict(_("This visitor was already checked out at {time} by {guard}").format(
            time=f"{ctx.local(row[0]):%H:%M}", guard=row[1] or "?"))
    plates: list[str] = []
    if with_vehicle:
        moves = session.execute(select(VehicleMove.id, VehicleMove.plate).where(
            VehicleMove.visit_id == visit_id, VehicleMove.out_at.is_(None))).all()
        for move_id, plate in moves:
            session.execute(update(VehicleMove).where(VehicleMove.id == move_id, VehicleMove.out_at.is_(None))
                            .values(out_at=now, out_guard_id=ctx.actor.id))
            audit.record(session, ctx.actor, now, "gate.vehicle_out", "gate_vehicle", move_id,
                         after={"plate": plate, "with_visit": visit_id})
            plates.append(plate)
    after: dict[str, Any] = {"vehicles": plates} if plates else {}
    if reason:
        after["reason"] = reason
    if group:
        after["group"] = group
    audit.record(session, ctx.actor, now, "gate.check_out", "gate_visit", visit_id, after=after or None)
    return plates


def check_out(ctx: ServiceContext, visit_id: int, with_vehicle: bool = False) -> datetime:
    """Check one visit out (and its vehicle when ``with_vehicle``). Raises Conflict if
    someone else already did."""
    require(ctx.actor, GATE, _("check visitors out"))
    now = ctx.now()
    with ctx.db.write() as session:
        _close_visit(session, ctx, visit_id, now, with_vehicle=with_vehicle)
    return now


def undo_check_out(ctx: ServiceContext, visit_ids: list[int]) -> int:
    """Put visits checked out by mistake back on site, with the vehicles that left with them.

    Only the guard who checked them out, within ``UNDO_MINUTES``; the check-out and its
    undoing both stay in the audit trail (``gate.check_out`` then ``gate.check_out_undone``
    with the time that was undone): an event, never a deletion. Returns how many came back."""
    require(ctx.actor, GATE, _("check visitors out"))
    ids = sorted({int(i) for i in visit_ids})
    if not ids:
        raise ValidationError("visits", _("Nothing to undo"))
    now = ctx.now()
    with ctx.db.write() as session:
        rows = session.execute(select(Visit.id, Visit.checked_out_at, Visit.out_guard_id)
                               .where(Visit.id.in_(ids))).all()
        if len(rows) != len(ids):
            raise NotFound(_("No such visit"))
        for vid, out_at, guard in rows:
            if out_at is None:
                raise Conflict(_("Visit No. {id} is on site: nothing to undo").format(id=vid))
            if guard != ctx.actor.id:
                raise PermissionDenied(_("Only the guard who checked the visitor out can undo it"))
            if (now - as_utc(out_at)).total_seconds() > UNDO_MINUTES * 60:
                raise Conflict(_("A check-out can be undone for {n} minutes only").format(n=UNDO_MINUTES))
        for vid, out_at, _guard in rows:
            session.execute(update(Visit).where(Visit.id == vid, Visit.checked_out_at == out_at)
                            .values(checked_out_at=None, out_guard_id=None))
            moves = session.execute(select(VehicleMove.id, VehicleMove.plate).where(
                VehicleMove.visit_id == vid, VehicleMove.out_at == out_at,
                VehicleMove.out_guard_id == ctx.actor.id)).all()
            for move_id, plate in moves:
                session.execute(update(VehicleMove).where(VehicleMove.id == move_id)
                                .values(out_at=None, out_guard_id=None))
                audit.record(session, ctx.actor, now, "gate.vehicle_out_undone", "gate_vehicle", move_id,
                             after={"plate": plate, "undone_out_at": as_utc(out_at).isoformat()})
            audit.record(session, ctx.actor, now, "gate.check_out_undone", "gate_visit", vid,
                         after={"undone_out_at": as_utc(out_at).isoformat()})
    return len(ids)


def check_out_group(ctx: ServiceContext, visit_ids: list[int], with_vehicle: bool = False) -> int:
    """Check several visits out together (a group leaving), with their vehicles when
    ``with_vehicle``; returns how many were still on site. Raises Conflict if none was."""
    require(ctx.actor, GATE, _("check visitors out"))
    ids = sorted({int(i) for i in visit_ids})
    if not ids:
        raise ValidationError("visits", _("Mark the visitors who are leaving"))
    now = ctx.now()
    with ctx.db.write() as session:
        open_ids = session.execute(select(Visit.id).where(Visit.id.in_(ids), Visit.checked_out_at.is_(None))
                                   ).scalars().all()
        if not open_ids:
            raise Conflict(_("These visitors were already checked out"))
        for vid in open_ids:
            _close_visit(session, ctx, vid, now, with_vehicle=with_vehicle, group=list(open_ids))
    return len(open_ids)
