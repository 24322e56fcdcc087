"""The gate register (门岗): visitors, refusals, pre-registrations, vehicle movements,
renovation permits and contractor passes, item-release slips and the watch list.

Lookups that the kiosk does on every keystroke have their own indexes: visitors by name,
pinyin initials, phone and ID number prefix; open visits and vehicles on site by their
(NULL) out time; passes and slips by number.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel


class GateVisitor(SQLModel, table=True):
    """One person who has visited: the look-up for returning visitors (latest visit)."""

    __tablename__ = "gate_visitor"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=30, index=True)
    initials: str = Field(default="", max_length=20, index=True)
    id_type: str = Field(default="resident_id", max_length=20)
    id_number: str = Field(default="", max_length=30, index=True)
    phone: str = Field(default="", max_length=20, index=True)
    last_visit_id: int | None = Field(default=None)
    last_seen_at: datetime
    visits: int = Field(default=0)


class Visit(SQLModel, table=True):
    __tablename__ = "gate_visit"

    id: int | None = Field(default=None, primary_key=True)
    visitor_id: int | None = Field(default=None, foreign_key="gate_visitor.id", index=True)
    name: str = Field(max_length=30)
    id_type: str = Field(default="resident_id", max_length=20)
    id_number: str = Field(default="", max_length=30)
    phone: str = Field(default="", max_length=20)
    headcount: int = Field(default=1)
    host_unit_id: int = Field(foreign_key="unit.id", index=True)
    approval: str = Field(max_length=20)  # code from data/gate.toml [[approval_method]]
    purpose: str = Field(max_length=30)  # code from [[visit_purpose]]
    plate: str = Field(default="", max_length=12)
    prereg_id: int | None = Field(default=None)
    group_ref: str = Field(default="", max_length=20)
    checked_in_at: datetime = Field(index=True)
    expected_out_at: datetime
    checked_out_at: datetime | None = Field(default=None, index=True)  # NULL = on site
    guard_id: int | None = Field(default=None, foreign_key="staff.id")
    out_guard_id: int | None = Field(default=None, foreign_key="staff.id")
    override_by: int | None = Field(default=None, foreign_key="staff.id")  # watch-list override
    purged: bool = Field(default=False)
    id_checked: bool = Field(default=False)  # an ID was seen (all that is kept under id_storage=checked)


class VisitRefusal(SQLModel, table=True):
    __tablename__ = "gate_refusal"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    reason: str = Field(max_length=30)  # code from [[refusal_reason]]
    note: str = Field(default="", max_length=200)
    name: str = Field(default="", max_length=30)
    id_type: str = Field(default="", max_length=20)
    id_number: str = Field(default="", max_length=30)
    phone: str = Field(default="", max_length=20)
    plate: str = Field(default="", max_length=12)
    host_unit_id: int | None = Field(default=None, foreign_key="unit.id")
    guard_id: int | None = Field(default=None, foreign_key="staff.id")


class PreRegistration(SQLModel, table=True):
    __tablename__ = "gate_prereg"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=6, index=True)
    unit_id: int = Field(foreign_key="unit.id")
    name: str = Field(max_length=30)
    phone: str = Field(default="", max_length=20)
    id_type: str = Field(default="", max_length=20)
    id_number: str = Field(default="", max_length=30)
    headcount: int = Field(default=1)
    purpose: str = Field(default="visit_friends", max_length=30)
    plate: str = Field(default="", max_length=12)
    created_at: datetime
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    valid_until: datetime
    used_at: datetime | None = Field(default=None)
    visit_id: int | None = Field(default=None)


class VehicleMove(SQLModel, table=True):
    """One stay of a vehicle: entry, and exit when it leaves (NULL = inside)."""

    __tablename__ = "gate_vehicle"

    id: int | None = Field(default=None, primary_key=True)
    plate: str = Field(max_length=12, index=True)
    resident: bool = Field(default=False)  # a resident's registered vehicle
    kind: str = Field(default="car", max_length=20)  # [[vehicle_kind]] code
    unit_id: int | None = Field(default=None, foreign_key="unit.id")  # owner's or host unit
    driver: str = Field(default="", max_length=30)
    phone: str = Field(default="", max_length=20)
    purpose: str = Field(default="", max_length=30)
    inspection: str = Field(default="", max_length=200)
    driver_confirm: str = Field(default="", max_length=30)  # the driver's typed name
    visit_id: int | None = Field(default=None)
    in_at: datetime = Field(index=True)
    out_at: datetime | None = Field(default=None, index=True)
    guard_id: int | None = Field(default=None, foreign_key="staff.id")
    out_guard_id: int | None = Field(default=None, foreign_key="staff.id")
    override_by: int | None = Field(default=None, foreign_key="staff.id")


class RenovationPermit(SQLModel, table=True):
    __tablename__ = "gate_permit"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    company: str = Field(max_length=60)
    foreman: str = Field(max_length=30)
    phone: str = Field(max_length=20)
    start_date: date
    end_date: date
    workers: int
    issued_at: datetime
    issued_by: int | None = Field(default=None, foreign_key="staff.id")
    revoked_at: datetime | None = Field(default=None)
    revoked_by: int | None = Field(default=None, foreign_key="staff.id")
    revoke_reason: str = Field(default="", max_length=200)


class ContractorPass(SQLModel, table=True):
    __tablename__ = "gate_pass"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=16, unique=True)  # "P0012-03"
    permit_id: int = Field(foreign_key="gate_permit.id", index=True)
    seq: int
    worker: str = Field(default="", max_length=30)
    revoked_at: datetime | None = Field(default=None)


class PassCheck(SQLModel, table=True):
    """Every pass typed at the gate, accepted or not."""

    __tablename__ = "gate_pass_check"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    number: str = Field(max_length=16)
    pass_id: int | None = Field(default=None, foreign_key="gate_pass.id", index=True)
    result: str = Field(max_length=16)  # ok / unknown / revoked / dates / hours
    guard_id: int | None = Field(default=None, foreign_key="staff.id")


class ReleaseSlip(SQLModel, table=True):
    __tablename__ = "gate_slip"

    id: int | None = Field(default=None, primary_key=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    items: str = Field(max_length=2000)  # JSON [[item, qty], ...]
    reason: str = Field(default="", max_length=200)
    valid_on: date
    approved_by: int | None = Field(default=None, foreign_key="staff.id")
    issued_at: datetime
    issued_by: int | None = Field(default=None, foreign_key="staff.id")
    used_at: datetime | None = Field(default=None)
    used_by: int | None = Field(default=None, foreign_key="staff.id")


class SlipUse(SQLModel, table=True):
    """Every slip presented (or items going out without one), accepted or refused."""

    __tablename__ = "gate_slip_use"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    number: str = Field(default="", max_length=16)
    slip_id: int | None = Field(default=None, foreign_key="gate_slip.id", index=True)
    result: str = Field(max_length=16)  # ok / used / unknown / expired / not_yet / no_slip
    note: str = Field(default="", max_length=200)
    guard_id: int | None = Field(default=None, foreign_key="staff.id")


class WatchEntry(SQLModel, table=True):
    __tablename__ = "gate_watch"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=30, index=True)
    id_number: str = Field(default="", max_length=30, index=True)
    plate: str = Field(default="", max_length=12, index=True)
    reason: str = Field(max_length=200)
    added_at: datetime
    added_by: int | None = Field(default=None, foreign_key="staff.id")
    active: bool = Field(default=True)
    removed_at: datetime | None = Field(default=None)
    removed_by: int | None = Field(default=None, foreign_key="staff.id")
    valid_from: datetime | None = Field(default=None)  # NULL: from when it was added
    valid_until: datetime | None = Field(default=None)  # NULL: until removed
