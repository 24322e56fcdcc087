"""Gate devices: the plate cameras and the queue of their plate events.

A camera is known by the id it sends (the 臻识 ``serialno``, or ``camera`` in the plain
format); events of unknown cameras are refused. Each event waits in the queue
(``status`` pending) until a vehicle desk takes it (taken), so a burst of events is held
without loss and every desk sees each plate once.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class PlateCamera(SQLModel, table=True):
    __tablename__ = "device_camera"

    id: int | None = Field(default=None, primary_key=True)
    serial: str = Field(max_length=64, unique=True)  # what the camera sends as its id
    name: str = Field(max_length=40)
    direction: str = Field(max_length=3)  # in / out
    gate: str = Field(default="", max_length=40)
    active: bool = Field(default=True)
    added_at: datetime
    added_by: int | None = Field(default=None, foreign_key="staff.id")


class PlateEvent(SQLModel, table=True):
    __tablename__ = "device_plate_event"
    __table_args__ = (Index("ix_device_plate_event_status_id", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(index=True)
    camera_id: int = Field(foreign_key="device_camera.id")
    plate: str = Field(default="", max_length=12)  # normalised by GA 36; "" when unreadable
    raw_plate: str = Field(default="", max_length=20)  # as the camera read it
    direction: str = Field(max_length=3)
    shot_at: str = Field(default="", max_length=32)  # the camera's own time stamp, as sent
    status: str = Field(default="pending", max_length=10)  # pending / taken
    taken_at: datetime | None = Field(default=None)
    taken_by: int | None = Field(default=None, foreign_key="staff.id")
