"""Guard post registers: duty log (值班记录), patrol rounds (巡逻), shift handover
(交接班) and the key register (钥匙).

Codes (post, duty type, severity, route, checkpoint, item, shift, equipment, key purpose,
missed-round reason) come from ``data/*.toml``; the records store only the code.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


class DutyEntry(SQLModel, table=True):
    """One line of the duty log. An incident has status open/closed; a note has ""."""

    __tablename__ = "duty_entry"
    __table_args__ = (Index("ix_duty_entry_status_id", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    post: str = Field(max_length=40)
    duty_type: str = Field(max_length=40)
    severity: str = Field(max_length=20)
    text: str = Field(max_length=2000)
    is_incident: bool = Field(default=False)
    status: str = Field(default="", max_length=10)  # "" (note) / open / closed
    major_type: str = Field(default="", max_length=40)
    escalation_id: int | None = Field(default=None)
    source: str = Field(default="manual", max_length=20)  # manual / patrol / correction
    source_ref: str = Field(default="", max_length=60)  # e.g. "round:12" or "entry:5"
    closed_at: datetime | None = Field(default=None)
    closed_by: int | None = Field(default=None, foreign_key="staff.id")
    close_note: str = Field(default="", max_length=1000)


class PatrolRound(SQLModel, table=True):
    __tablename__ = "patrol_round"
    __table_args__ = (Index("ix_patrol_round_route_started", "route", "started_at"),)

    id: int | None = Field(default=None, primary_key=True)
    route: str = Field(max_length=40)
    staff_id: int = Field(foreign_key="staff.id", index=True)
    started_at: datetime = Field(index=True)
    ended_at: datetime | None = Field(default=None)
    status: str = Field(default="in_progress", max_length=12)  # in_progress / done / abandoned
    checkpoints_done: int = Field(default=0)
    anomalies: int = Field(default=0)
    too_fast: bool = Field(default=False)
    note: str = Field(default="", max_length=500)


class PatrolCheck(SQLModel, table=True):
    """One checklist item at one checkpoint of a round."""

    __tablename__ = "patrol_check"

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="patrol_round.id", index=True)
    checkpoint: str = Field(max_length=40)
    at: datetime
    tag_confirmed: bool = Field(default=False)
    item: str = Field(max_length=40)
    ok: bool = Field(default=True)
    note: str = Field(default="", max_length=500)
    incident_id: int | None = Field(default=None, foreign_key="duty_entry.id")


class MissedRound(SQLModel, table=True):
    """The reason given for a scheduled round that was not walked."""

    __tablename__ = "patrol_missed"
    __table_args__ = (UniqueConstraint("route", "slot_at", name="uq_patrol_missed_route_slot"),)

    id: int | None = Field(default=None, primary_key=True)
    route: str = Field(max_length=40)
    slot_at: datetime = Field(index=True)
    reason: str = Field(max_length=40)
    note: str = Field(default="", max_length=500)
    staff_id: int = Field(foreign_key="staff.id")
    recorded_at: datetime


class Handover(SQLModel, table=True):
    """A shift handover: a draft while the outgoing guard fills it in, locked when signed."""

    __tablename__ = "handover"
    __table_args__ = (Index("ix_handover_day_shift", "duty_date", "shift"),)

    id: int | None = Field(default=None, primary_key=True)
    shift: str = Field(max_length=40)
    duty_date: date
    post: str = Field(max_length=40)
    outgoing_id: int = Field(foreign_key="staff.id", index=True)
    opened_at: datetime
    updated_at: datetime
    notes: str = Field(default="", max_length=2000)
    status: str = Field(default="draft", max_length=10)  # draft / signed
    incoming_id: int | None = Field(default=None, foreign_key="staff.id")
    signed_at: datetime | None = Field(default=None, index=True)
    failed_signatures: int = Field(default=0)
    content_hash: str = Field(default="", max_length=64)  # sha256 of the sealed content, set at signing


class HandoverItem(SQLModel, table=True):
    """An open item carried by a handover (snapshot of open_items.collect)."""

    __tablename__ = "handover_item"

    id: int | None = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="handover.id", index=True)
    kind: str = Field(max_length=40)
    ref: str = Field(max_length=80)
    title: str = Field(max_length=300)
    since: datetime | None = Field(default=None)
    overdue: bool = Field(default=False)
    detail: str = Field(default="", max_length=2000)  # JSON
    acknowledged: bool = Field(default=False)
    acknowledged_by: int | None = Field(default=None, foreign_key="staff.id")
    acknowledged_at: datetime | None = Field(default=None)
    added_at: datetime | None = Field(default=None)  # when the item came into the handover
    reset_at: datetime | None = Field(default=None)  # an acknowledgement undone by a later change


class GuardDuty(SQLModel, table=True):
    """The duty roster (排班): who is on duty at a post for one shift of one duty date."""

    __tablename__ = "guard_duty"
    __table_args__ = (UniqueConstraint("duty_date", "shift", "post", name="uq_guard_duty_date_shift_post"),)

    id: int | None = Field(default=None, primary_key=True)
    duty_date: date = Field(index=True)
    shift: str = Field(max_length=40)
    post: str = Field(max_length=40)
    staff_id: int = Field(foreign_key="staff.id", index=True)


class HandoverEquipment(SQLModel, table=True):
    __tablename__ = "handover_equipment"
    __table_args__ = (UniqueConstraint("handover_id", "code", name="uq_handover_equipment_handover_code"),)

    id: int | None = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="handover.id", index=True)
    code: str = Field(max_length=40)
    count: int = Field(default=0)
    note: str = Field(default="", max_length=200)


class HandoverNote(SQLModel, table=True):
    """A correction added after signing (the signed handover itself never changes)."""

    __tablename__ = "handover_note"

    id: int | None = Field(default=None, primary_key=True)
    handover_id: int = Field(foreign_key="handover.id", index=True)
    at: datetime
    staff_id: int = Field(foreign_key="staff.id")
    text: str = Field(max_length=2000)


class KeyItem(SQLModel, table=True):
    """A key held by the office: for a unit (业主钥匙) or a room (配电房...)."""

    __tablename__ = "key_item"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, unique=True)  # printed on the tag, e.g. "K0123"
    label: str = Field(max_length=100)
    unit_id: int | None = Field(default=None, foreign_key="unit.id", index=True)
    active: bool = Field(default=True)
    created_at: datetime


class KeyLoan(SQLModel, table=True):
    __tablename__ = "key_loan"
    __table_args__ = (Index("ix_key_loan_key_returned", "key_id", "returned_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key_id: int = Field(foreign_key="key_item.id")
    lent_at: datetime = Field(index=True)
    lent_by: int = Field(foreign_key="staff.id")
    lent_to: str = Field(max_length=60)
    phone: str = Field(default="", max_length=20)
    purpose: str = Field(max_length=40)
    purpose_note: str = Field(default="", max_length=200)
    authorised_by: str = Field(max_length=60)
    authorised_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    authorised_resident_id: int | None = Field(default=None, foreign_key="resident.id")
    due_at: datetime
    returned_at: datetime | None = Field(default=None, index=True)
    returned_by: int | None = Field(default=None, foreign_key="staff.id")
    return_note: str = Field(default="", max_length=200)
