"""Site settings, the roster (buildings, units, residents, their vehicles) and staff."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel


class Setting(SQLModel, table=True):
    """Site settings as key/value pairs (values are JSON text)."""

    key: str = Field(primary_key=True, max_length=64)
    value: str = Field(max_length=2000)


class Building(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)  # "3栋"
    zone: str = Field(default="", max_length=40)  # 片区 for return visits by zone


class Unit(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("code", name="uq_unit_code"),)

    id: int | None = Field(default=None, primary_key=True)
    building_id: int = Field(foreign_key="building.id", index=True)
    entrance: str = Field(default="", max_length=20)  # 单元 "2单元"
    room: str = Field(max_length=20)  # "1202"
    code: str = Field(max_length=80)  # "3栋2单元1202", the key the desks type


class Resident(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    name: str = Field(max_length=40, index=True)
    phone: str = Field(default="", max_length=20, index=True)
    initials: str = Field(default="", max_length=20, index=True)  # pinyin initials "zs"
    active: bool = Field(default=True)


class ResidentVehicle(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    plate: str = Field(max_length=12, unique=True)


class Staff(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40, unique=True)
    role: str = Field(max_length=16)  # guard / front_desk / supervisor / manager
    active: bool = Field(default=True)
    pin_hash: str = Field(max_length=200)
    failed_attempts: int = Field(default=0)
    locked_until: datetime | None = Field(default=None)
    created_at: datetime


class StaffSession(SQLModel, table=True):
    """One login on one terminal: when it began and how it ended."""

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    terminal: str = Field(default="", max_length=60)
    started_at: datetime
    ended_at: datetime | None = Field(default=None)
    end_reason: str = Field(default="", max_length=30)  # logout / idle_lock / without_handover
    last_seen: datetime | None = Field(default=None, index=True)  # the terminal's heartbeat
