"""How a guard's login ends, and the flags a supervisor sees the next morning.

A terminal sends a heartbeat (``StaffSession.last_seen``) every ``HEARTBEAT`` while
someone is logged in. A login whose heartbeat stopped for ``STALE_AFTER`` (the terminal
was killed, the network cable pulled) is closed by whichever terminal notices first, as
ended at its last heartbeat. A guard's login that ends without a signed handover (by
logout, idle lock or a stopped heartbeat) is recorded with end reason
``without_handover`` (the handover report reads that) and an audit row saying how it
ended and why, if the guard gave a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from ...clock import as_utc
from ...i18n import _
from ...models import AuditEntry, Staff, StaffSession
from ..core import audit
from ..core.context import Actor, ServiceContext
from .shifts import handover_shift
from ..core.permissions import SUPERVISORS, require

HEARTBEAT = timedelta(seconds=60)
STALE_AFTER = timedelta(minutes=3)
WITHOUT = "without_handover"


def heartbeat(ctx: ServiceContext, session_id: int) -> bool:
    """This terminal is alive; False when the login was closed meanwhile (as stale)."""
    with ctx.db.write() as session:
        n = session.execute(update(StaffSession).where(StaffSession.id == session_id)
                            .where(StaffSession.ended_at.is_(None))
                            .values(last_seen=ctx.now())).rowcount
    return bool(n)


def _flag(session, actor: Actor, staff_id: int, at: datetime, how: str, reason: str, ctx: ServiceContext) -> None:  # type: ignore[no-untyped-def]
    win = handover_shift(ctx, at)
    audit.record(session, actor, ctx.now(), "handover.left_without", "staff", staff_id,
                 after={"shift": win.code, "duty_date": win.duty_date.isoformat(), "how": how, "reason": reason})


def end_reason(ctx: ServiceContext, how: str = "logout", reason: str = "") -> str:
    """The end reason for the acting guard's login ending now by ``how`` (logout,
    idle_lock): ``without_handover`` (recorded in the audit chain) when nobody signed his
    handover, else ``how``."""
    from .handover import left_without_handover

    if ctx.actor.role != "guard" or ctx.actor.id is None:
        return how
    now = ctx.now()
    if not left_without_handover(ctx, ctx.actor.id, now):
        return how
    with ctx.db.write() as session:
        _flag(session, ctx.actor, ctx.actor.id, now, how, reason[:200], ctx)
    return WITHOUT


def close_stale(ctx: ServiceContext) -> int:
    """Close every login whose heartbeat stopped; returns how many were closed."""
    from .handover import left_without_handover

    now = ctx.now()
    cutoff = now - STALE_AFTER
    with ctx.db.read() as session:
        rows = session.execute(
            select(StaffSession, Staff).join(Staff, Staff.id == StaffSession.staff_id)
            .where(StaffSession.ended_at.is_(None))
            .where(func.coalesce(StaffSession.last_seen, StaffSession.started_at) < cutoff)).all()
    closed = 0
    for row, person in rows:
        last = as_utc(row.last_seen or row.started_at)
        flagged = person.role == "guard" and left_without_handover(ctx, person.id, last, as_utc(row.started_at))
        with ctx.db.write() as session:
            live = session.get(StaffSession, row.id)
            if live is None or live.ended_at is not None:
                continue
            if live.last_seen is not None and as_utc(live.last_seen) >= cutoff:
                continue  # it came back meanwhile
            live.ended_at = last
            live.end_reason = WITHOUT if flagged else "stale"
            who = Actor(person.id, person.name, person.role)
            audit.record(session, None, now, "auth.stale", "staff_session", live.id,
                         after={"staff": person.name, "last_seen": last.isoformat()})
            if flagged:
                _flag(session, who, person.id, last, "stale", "", ctx)
            closed += 1
    return closed


@dataclass(frozen=True)
class Departure:
    staff: str
    logged_in: datetime
    left: datetime
    how: str  # logout / idle_lock / stale
    reason: str


def departures_without_handover(ctx: ServiceContext, since: datetime) -> list[Departure]:
    """Guards' logins that ended without a signed handover since ``since``, newest first."""
    require(ctx.actor, SUPERVISORS, _("read login sessions"))
    import json

    with ctx.db.read() as session:
        rows = session.execute(
            select(StaffSession, Staff.name).join(Staff, Staff.id == StaffSession.staff_id)
            .where(StaffSession.end_reason == WITHOUT).where(StaffSession.ended_at >= since)
            .order_by(StaffSession.ended_at.desc())).all()
        flags = session.execute(select(AuditEntry.entity_id, AuditEntry.after, AuditEntry.at)
                                .where(AuditEntry.action == "handover.left_without")
                                .where(AuditEntry.at >= since - STALE_AFTER * 2)
                                .order_by(AuditEntry.id)).all()
    out = []
    for s, name in rows:
        how, reason = "logout", ""
        for entity_id, after, at in flags:
            if entity_id == str(s.staff_id) and as_utc(at) >= as_utc(s.started_at):
                try:
                    d = json.loads(after or "{}")
                except ValueError:
                    d = {}
                how, reason = str(d.get("how") or how), str(d.get("reason") or "")
                break
        out.append(Departure(name, as_utc(s.started_at), as_utc(s.ended_at), how, reason))  # type: ignore[arg-type]
    return out
