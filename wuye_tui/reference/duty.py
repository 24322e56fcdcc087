"""Reference objects of the guard post: shifts, posts, equipment, duty types, patrol
routes and checkpoints, and the site defaults (``shifts.toml``, ``patrol.toml``,
``site.toml``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


from .base import MINUTES_PER_DAY, Named, _Labelled, minute_of_day, time_of_minute


# --- shifts.toml -----------------------------------------------------------------------


@dataclass(frozen=True)
class Shift(Named):
    """A shift from ``start`` (included) to ``end`` (excluded), local time.

    ``end <= start`` means the shift crosses midnight (夜班 23:00-07:00).
    """

    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    @property
    def duration(self) -> timedelta:
        minutes = (minute_of_day(self.end) - minute_of_day(self.start)) % MINUTES_PER_DAY
        return timedelta(minutes=minutes or MINUTES_PER_DAY)

    def contains(self, t: time | datetime) -> bool:
        if isinstance(t, datetime):
            t = t.time()
        t = t.replace(tzinfo=None)
        if self.start == self.end:
            return True
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def window(self, local: datetime) -> tuple[datetime, datetime]:
        """Start and end of this shift's occurrence that contains ``local``.

        The start's date is the shift's duty date (the night shift of the 5th runs from
        the 5th 23:00 to the 6th 07:00). Keeps ``local``'s tzinfo. ``local`` must lie in
        the shift (see :meth:`contains`); otherwise the next occurrence is returned.
        """
        start = datetime.combine(local.date(), self.start, local.tzinfo)
        if start > local:
            start -= timedelta(days=1)
        end = start + self.duration
        if end <= local:  # not inside: the next occurrence
            start += timedelta(days=1)
            end += timedelta(days=1)
        return start, end


@dataclass(frozen=True)
class Post(Named):
    pass


@dataclass(frozen=True)
class Equipment(Named):
    default_count: int


@dataclass(frozen=True)
class DutyType(Named):
    pass


@dataclass(frozen=True)
class Severity(Named):
    rank: int  # higher is more severe


@dataclass(frozen=True)
class MissedRoundReason(Named):
    pass


# --- patrol.toml -----------------------------------------------------------------------


@dataclass(frozen=True)
class PatrolItem(Named):
    severity: str = "warning"  # severity code (shifts.toml) of the incident an anomaly opens
    major_type: str = ""  # major type (complaints.toml) an anomaly escalates as, e.g. "fire"


@dataclass(frozen=True)
class Checkpoint(Named):
    tag: str  # short code printed on the tag on site, e.g. "P01"
    items: tuple[str, ...]  # PatrolItem codes, in checking order
    route: str  # code of the route it belongs to


@dataclass(frozen=True)
class Route(Named):
    interval_minutes: int
    min_seconds_per_checkpoint: int
    checkpoints: tuple[Checkpoint, ...]
    first_round: time = time(0, 0)
    last_round: time | None = None

    def round_times(self) -> tuple[time, ...]:
        """Scheduled start times over one day, from ``first_round`` every
        ``interval_minutes``, up to ``last_round`` (included) if set, else 24 hours."""
        first = minute_of_day(self.first_round)
        limit = MINUTES_PER_DAY - 1
        if self.last_round is not None:
            limit = (minute_of_day(self.last_round) - first) % MINUTES_PER_DAY
        offsets = range(0, limit + 1, self.interval_minutes)
        return tuple(time_of_minute(first + off) for off in offsets)

    def checkpoint(self, code: str) -> Checkpoint:
        for cp in self.checkpoints:
            if cp.code == code:
                return cp
        raise LookupError(code)


# --- site.toml -------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyPurpose(Named):
    pass


@dataclass(frozen=True)
class SiteDefaults(_Labelled):
    zh: str  # site name
    en: str
    time_zone: str  # IANA name, validated on load
    idle_lock_minutes: int
    lockout_attempts: int
    lockout_minutes: int
    retention_days: int
    key_overdue_hours: int
    fee_due_day: int  # property fees due by this day of the month (article 6)

    @property
    def name(self) -> str:
        return self.label

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


