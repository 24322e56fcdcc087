"""Shift windows in UTC for the guard post, from the local shifts in data/shifts.toml.

The night shift of the 5th runs from the 5th 23:00 to the 6th 07:00 local time: its duty
date is the 5th. A guard hands over at the end of a shift, so during the first
``HANDOVER_GRACE`` of a shift the shift being handed over is the one that just ended.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ...reference import load_reference
from ...reference.models import Shift
from ..core.context import ServiceContext

HANDOVER_GRACE = timedelta(minutes=60)


@dataclass(frozen=True)
class ShiftWindow:
    shift: Shift
    duty_date: date
    start: datetime  # aware UTC
    end: datetime  # aware UTC

    @property
    def code(self) -> str:
        return self.shift.code

    def contains(self, when: datetime) -> bool:
        return self.start <= when < self.end


def shift_at(ctx: ServiceContext, when: datetime) -> ShiftWindow:
    """The shift occurrence that contains ``when``."""
    local = ctx.local(when)
    shift = load_reference().shift_for(local)
    start, end = shift.window(local)
    return ShiftWindow(shift, start.date(), start.astimezone(UTC), end.astimezone(UTC))


def handover_shift(ctx: ServiceContext, now: datetime | None = None) -> ShiftWindow:
    """The shift a guard hands over at ``now``: the current one, or the one that ended
    less than HANDOVER_GRACE ago."""
    now = now or ctx.now()
    current = shift_at(ctx, now)
    if now - current.start < HANDOVER_GRACE:
        return shift_at(ctx, current.start - timedelta(seconds=1))
    return current


def shift_on(ctx: ServiceContext, day: date, code: str) -> ShiftWindow:
    """The occurrence of shift ``code`` whose duty date is ``day`` (LookupError if unknown)."""
    shift = load_reference().shift(code)
    start = datetime.combine(day, shift.start, ctx.tz)
    end = start + shift.duration
    return ShiftWindow(shift, day, start.astimezone(UTC), end.astimezone(UTC))


def shifts_of_day(ctx: ServiceContext, day: date) -> list[ShiftWindow]:
    """Every shift whose duty date is ``day``, in start order."""
    wins = [shift_on(ctx, day, s.code) for s in load_reference().shifts]
    return sorted(wins, key=lambda w: w.start)


def day_bounds(ctx: ServiceContext, day: date) -> tuple[datetime, datetime]:
    """Local midnight to midnight of ``day`` in UTC."""
    start = datetime.combine(day, datetime.min.time(), ctx.tz)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), ctx.tz)
    return start.astimezone(UTC), end.astimezone(UTC)
