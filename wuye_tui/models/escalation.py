"""Escalations (重大投诉 / 突发事件) and their timelines, shared by complaints and duty log."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel


class Escalation(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    major_type: str = Field(max_length=40)  # code from data/complaints.toml [[major_type]]
    source: str = Field(max_length=20)  # complaint / incident / collective / manual
    source_id: str = Field(default="", max_length=200)  # ids, comma separated for collective
    title: str = Field(max_length=200)
    detail: str = Field(default="", max_length=2000)
    raised_at: datetime = Field(index=True)
    raised_by: int | None = Field(default=None, foreign_key="staff.id")
    reply_due_at: datetime | None = Field(default=None)
    notified: str = Field(default="", max_length=500)  # who was told (names)
    notify_status: str = Field(default="", max_length=200)  # "", ok, failed: ..., timeout
    acknowledged_at: datetime | None = Field(default=None, index=True)
    acknowledged_by: int | None = Field(default=None, foreign_key="staff.id")
    resolved_at: datetime | None = Field(default=None)
    resolution: str = Field(default="", max_length=2000)


class EscalationEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    at: datetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(max_length=20)  # raised / notified / notify_failed / acknowledged / note / resolved
    note: str = Field(default="", max_length=2000)
