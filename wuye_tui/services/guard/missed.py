"""Every missed round gets its reason, whoever handed over and whenever.

A round still walkable at the handover is carried in it as due. One that then passes
unwalked (also after an early handover) is owed by the guard of the shift it was
scheduled in: the outgoing guard of that shift's handover, else the guard on the roster
for that shift (the patrol post first), else the guard logged in when it was due, else
nobody but a supervisor. The guard is asked
at his next login (``owed_by``); a supervisor sees every round still without a reason on
his home screen (``unexplained``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ...clock import as_utc
from ...models import Staff, StaffSession
from ...models.guard import GuardDuty, Handover
from ..core.context import ServiceContext
from .shifts import shift_at
from .patrol import Slot, _schedule

LOOKBACK = timedelta(hours=48)


def _guard_of_shift(ctx: ServiceContext, when: datetime, cache: dict) -> int | None:  # type: ignore[type-arg]
    win = shift_at(ctx, when)
    key = (win.duty_date, win.code)
    if key not in cache:
        with ctx.db.read() as session:
            handed = session.execute(select(Handover.outgoing_id, Handover.post)
                                     .where(Handover.duty_date == win.duty_date).where(Handover.shift == win.code)
                                     .order_by(Handover.id)).all()
            rostered = session.execute(select(GuardDuty.staff_id, GuardDuty.post)
                                       .where(GuardDuty.duty_date == win.duty_date)
                                       .where(GuardDuty.shift == win.code)).all()
        pick = sorted(handed, key=lambda r: r[1] != "patrol") or sorted(rostered, key=lambda r: r[1] != "patrol")
        cache[key] = pick[0][0] if pick else None
    if cache[key] is not None:
        return cache[key]  # type: ignore[no-any-return]
    with ctx.db.read() as session:  # nobody handed over or rostered: who was logged in then
        return session.execute(select(StaffSession.staff_id).join(Staff, Staff.id == StaffSession.staff_id)
                               .where(Staff.role == "guard").where(StaffSession.started_at <= when)
                               .where((StaffSession.ended_at.is_(None)) | (StaffSession.ended_at >= when))
                               .order_by(StaffSession.started_at.desc()).limit(1)).scalar()


def unexplained(ctx: ServiceContext, now: datetime | None = None,
                lookback: timedelta = LOOKBACK) -> list[tuple[Slot, int | None]]:
    """Missed rounds without a reason in the last ``lookback``, with the guard who owes it.
    Rounds scheduled before the first guard ever logged in (a new site) are not counted."""
    now = now or ctx.now()
    with ctx.db.read() as session:
        first = session.execute(select(func.min(StaffSession.started_at)).join(Staff, Staff.id == StaffSession.staff_id)
                                .where(Staff.role == "guard")).scalar()
    if first is None:
        return []
    start = max(now - lookback, as_utc(first))
    cache: dict = {}  # type: ignore[type-arg]
    return [(s, _guard_of_shift(ctx, s.at, cache)) for s in _schedule(ctx, start, now, now)
            if s.status == "missed" and not s.reason]


def owed_by(ctx: ServiceContext, staff_id: int | None, now: datetime | None = None) -> list[Slot]:
    """The missed rounds without a reason that ``staff_id`` owes (asked at his login)."""
    if staff_id is None:
        return []
    return [s for s, who in unexplained(ctx, now) if who == staff_id]
