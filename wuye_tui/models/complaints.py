"""Front desk registers: complaints and requests with their event timeline, return visits
(回访) and suggestions (合理化建议).

The complaint row holds the current state (status, due time, counters) for lists and
statistics; every change of it is also an append-only ``ComplaintEvent`` with who and
when. Nothing is deleted; corrections are new events.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class Complaint(SQLModel, table=True):
    __table_args__ = (
        Index("ix_complaint_category_received_at", "category", "received_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(index=True)
    received_by: int | None = Field(default=None, foreign_key="staff.id")
    channel: str = Field(max_length=20)  # reference channel code
    category: str = Field(max_length=40, index=True)  # reference category code
    kind: str = Field(default="complaint", max_length=20)  # category kind: complaint / request
    cause: str = Field(max_length=40, index=True)  # reference cause code
    department: str = Field(max_length=40, index=True)  # reference department code
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    caller: str = Field(max_length=60, index=True)
    initials: str = Field(default="", max_length=20, index=True)  # pinyin initials of the caller
    phone: str = Field(default="", max_length=20, index=True)
    description: str = Field(max_length=2000)
    location: str = Field(default="", max_length=200)
    promised_reply_at: datetime | None = Field(default=None)  # reply time promised at intake
    deadline_at: datetime  # received + category deadline (SLA)
    due_at: datetime = Field(index=True)  # the reply now owed (moves when "cannot solve now")
    first_response_at: datetime | None = Field(default=None)  # first reply or explanation
    status: str = Field(default="received", max_length=20, index=True)
    major_type: str = Field(default="", max_length=40)  # reference major type code, "" = general
    is_major: bool = Field(default=False, index=True)  # major type or part of a collective
    escalation_id: int | None = Field(default=None, index=True)  # core escalation.id (no FK: core table)
    satisfaction: str = Field(default="", max_length=20)  # last confirmation's code
    contact_failures: int = Field(default=0)  # failed attempts to reach the customer since the reply
    reopened: int = Field(default=0)
    valid: bool = Field(default=True)  # counts as a valid complaint (有效投诉)
    validity_decided_at: datetime | None = Field(default=None)  # None: nobody has judged it yet
    collective_opt_out: bool = Field(default=False)  # a supervisor unlinked it: never linked again automatically
    replied_at: datetime | None = Field(default=None)
    confirmed_at: datetime | None = Field(default=None)
    archived_at: datetime | None = Field(default=None)


class ComplaintEvent(SQLModel, table=True):
    """One step of a complaint's life: never edited, never deleted."""

    id: int | None = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    at: datetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    kind: str = Field(max_length=20)  # received / dispatched / started / deferred / replied / ...
    from_status: str = Field(default="", max_length=20)
    to_status: str = Field(default="", max_length=20)
    department: str = Field(default="", max_length=40)
    satisfaction: str = Field(default="", max_length=20)
    next_reply_at: datetime | None = Field(default=None)
    corrects_event_id: int | None = Field(default=None)
    note: str = Field(default="", max_length=2000)


class ReturnVisit(SQLModel, table=True):
    """A planned or done return visit: from a confirmed complaint or a zone/quarter plan."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=20)  # complaint / zone / director (yearly) / forum (half-yearly)
    complaint_id: int | None = Field(default=None, foreign_key="complaint.id", index=True)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    zone: str = Field(default="", max_length=40)
    quarter: str = Field(default="", max_length=8)  # "2026Q1" for zone plans
    due_date: date = Field(index=True)
    planned_at: datetime
    planned_by: int | None = Field(default=None, foreign_key="staff.id")
    status: str = Field(default="planned", max_length=20, index=True)  # planned / done / unreachable
    outcome: str = Field(default="", max_length=20)  # satisfied / issue / unreachable
    method: str = Field(default="", max_length=20)  # reference return visit method
    feedback: str = Field(default="", max_length=2000)
    done_at: datetime | None = Field(default=None, index=True)
    done_by: int | None = Field(default=None, foreign_key="staff.id")
    handled: bool = Field(default=False)  # the feedback was dealt with (or needed nothing)
    attempts: int = Field(default=0)  # failed attempts to reach the household, on different days
    last_attempt_at: datetime | None = Field(default=None)
    handled_note: str = Field(default="", max_length=2000)
    handled_at: datetime | None = Field(default=None)
    handled_by: int | None = Field(default=None, foreign_key="staff.id")


class Suggestion(SQLModel, table=True):
    """A resident's suggestion (合理化建议): logged, reported to a supervisor, decided."""

    id: int | None = Field(default=None, primary_key=True)
    received_at: datetime = Field(index=True)
    received_by: int | None = Field(default=None, foreign_key="staff.id")
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    name: str = Field(max_length=60)
    phone: str = Field(default="", max_length=20)
    content: str = Field(max_length=2000)
    status: str = Field(default="logged", max_length=20, index=True)  # logged / reported / decided
    reported_at: datetime | None = Field(default=None)
    reported_to: int | None = Field(default=None, foreign_key="staff.id")
    outcome: str = Field(default="", max_length=20)  # adopted / planned / declined
    outcome_note: str = Field(default="", max_length=2000)
    decided_at: datetime | None = Field(default=None)
    decided_by: int | None = Field(default=None, foreign_key="staff.id")
