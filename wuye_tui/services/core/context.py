"""What every service call takes: the database, the acting staff member and a clock."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from functools import cached_property
from zoneinfo import ZoneInfo

from typing import TYPE_CHECKING

from ...clock import Clock, SystemClock

if TYPE_CHECKING:
    from ...db import Database

ROLES = ("guard", "front_desk", "supervisor", "manager")


@dataclass(frozen=True)
class Actor:
    """A snapshot of the staff member acting (not an ORM object)."""

    id: int | None
    name: str
    role: str

    @property
    def is_supervisor(self) -> bool:
        return self.role in ("supervisor", "manager")


SYSTEM = Actor(id=None, name="system", role="system")


@dataclass
class ServiceContext:
    db: "Database"
    actor: Actor = SYSTEM
    clock: Clock = field(default_factory=SystemClock)
    tz_name: str = "Asia/Shanghai"
    terminal: str = ""

    def now(self) -> datetime:
        return self.clock.now()

    @cached_property
    def tz(self) -> tzinfo:
        return ZoneInfo(self.tz_name)

    def local(self, value: datetime) -> datetime:
        from ...clock import as_utc

        return as_utc(value).astimezone(self.tz)

    def as_actor(self, actor: Actor) -> "ServiceContext":
        return replace(self, actor=actor)
