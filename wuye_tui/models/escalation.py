"""Escalations (重大投诉 / 突发事件) and their timelines, shared by complaints and duty log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
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
    location: str = Field(default="", max_length=200)  # unit or place, shown on every alert
    level: int = Field(default=0)  # 0 raised to supervisors; 1 sent up to the manager (reminder rule)
    resolved_by: int | None = Field(default=None, foreign_key="staff.id")


class EscalationEvent(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    escalation_id: int = Field(foreign_key="escalation.id", index=True)
    at: datetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(max_length=20)  # raised / notified / notify_failed / acknowledged / note / resolved / escalated
    note: str = Field(default="", max_length=2000)


class NotifyOutbox(SQLModel, table=True):
    """One message to one receiver, written in the same transaction as what it reports and
    delivered afterwards by whichever process runs the sender (retries with backoff)."""

    __tablename__ = "notify_outbox"

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(index=True)
    event: str = Field(max_length=20)  # major / escalate / reminder / summary
    channel: str = Field(max_length=20)  # wecom / dingtalk / feishu / webhook / command
    escalation_id: int | None = Field(default=None, foreign_key="escalation.id", index=True)
    title: str = Field(max_length=200)
    body: str = Field(max_length=4000)
    mentions: str = Field(default="", max_length=500)  # mobiles, comma separated
    state: str = Field(default="pending", max_length=10, index=True)  # pending / sending / delivered / failed
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(index=True)
    claimed_until: datetime | None = Field(default=None)
    delivered_at: datetime | None = Field(default=None)
    last_error: str = Field(default="", max_length=300)


class ReminderClaim(SQLModel, table=True):
    """A reminder given once: the unique key is claimed by the first terminal that sees it due."""

    __tablename__ = "reminder_claim"
    __table_args__ = (UniqueConstraint("key", name="uq_reminder_claim_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=200)  # rule:object:when, e.g. "complaint_overdue:12"
    rule: str = Field(max_length=40, index=True)
    at: datetime = Field(index=True)
    terminal: str = Field(default="", max_length=80)
    roles: str = Field(default="", max_length=100)  # who sees it, comma separated
    text: str = Field(default="", max_length=500)
    dismissed_at: datetime | None = Field(default=None)
