"""Gate registers: visitors (with refusals listed separately in the same sheet order by
time), vehicles, contractor passes, release slips and the watch list. ID numbers and
phones are masked unless revealed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...clock import as_utc
from ...i18n import N_
from ...models import Unit
from ...models.gate import ContractorPass, ReleaseSlip, RenovationPermit, VehicleMove, Visit, WatchEntry
from ...reference import load_reference
from ...services.core.context import ServiceContext
from ...services.core.permissions import GATE, OFFICE, SUPERVISORS
from ...validators import mask_id_number
from ..registry import Column, Register, keyset_rows, register, staff_names


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _phone(phone: str, reveal: bool) -> str:
    if reveal or len(phone) < 7:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def _idn(value: str, reveal: bool) -> str:
    return value if reveal or not value else mask_id_number(value)


VISIT_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("checked_in_at", N_("Time in"), "datetime", 18),
    Column("checked_out_at", N_("Time out"), "datetime", 18),
    Column("name", N_("Name"), "text", 10),
    Column("id_type", N_("ID type"), "text", 12),
    Column("id_number", N_("ID number"), "text", 20),
    Column("phone", N_("Phone"), "text", 14),
    Column("headcount", N_("Headcount"), "int", 6),
    Column("unit", N_("Host unit"), "text", 16),
    Column("approval", N_("Approval"), "text", 12),
    Column("purpose", N_("Purpose"), "text", 12),
    Column("plate", N_("Plate"), "text", 10),
    Column("guard", N_("Guard"), "text", 10),
    Column("out_guard", N_("Checked out by"), "text", 10),
)


def visit_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    from ...validators import id_type_label

    ref, names = load_reference(), staff_names(ctx)
    stmt = (select(Visit.id, Visit.checked_in_at, Visit.checked_out_at, Visit.name, Visit.id_type, Visit.id_number,
                   Visit.phone, Visit.headcount, Unit.code, Visit.approval, Visit.purpose, Visit.plate, Visit.guard_id,
                   Visit.out_guard_id)
            .join(Unit, Unit.id == Visit.host_unit_id, isouter=True)
            .where(Visit.checked_in_at >= start, Visit.checked_in_at < end))
    for r in keyset_rows(ctx, stmt, Visit.id):
        yield (r[0], as_utc(r[1]), _utc(r[2]), r[3], id_type_label(r[4]), _idn(r[5], reveal), _phone(r[6], reveal),
               r[7], r[8] or "", ref.label("approval_method", r[9]), ref.label("visit_purpose", r[10]), r[11],
               names.get(r[12], "") if r[12] else "", names.get(r[13], "") if r[13] else "")


VEHICLE_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("in_at", N_("Time in"), "datetime", 18),
    Column("out_at", N_("Time out"), "datetime", 18),
    Column("plate", N_("Plate"), "text", 10),
    Column("resident", N_("Resident vehicle"), "bool", 8),
    Column("kind", N_("Kind"), "text", 10),
    Column("unit", N_("Host unit"), "text", 16),
    Column("driver", N_("Driver"), "text", 10),
    Column("phone", N_("Phone"), "text", 14),
    Column("inspection", N_("Inspection"), "text", 20),
    Column("driver_confirm", N_("Driver confirms"), "text", 10),
    Column("guard", N_("Guard"), "text", 10),
)


def vehicle_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    ref, names = load_reference(), staff_names(ctx)
    stmt = (select(VehicleMove.id, VehicleMove.in_at, VehicleMove.out_at, VehicleMove.plate, VehicleMove.resident,
                   VehicleMove.kind, Unit.code, VehicleMove.driver, VehicleMove.phone, VehicleMove.inspection,
                   VehicleMove.driver_confirm, VehicleMove.guard_id)
            .join(Unit, Unit.id == VehicleMove.unit_id, isouter=True)
            .where(VehicleMove.in_at >= start, VehicleMove.in_at < end))
    for r in keyset_rows(ctx, stmt, VehicleMove.id):
        yield (r[0], as_utc(r[1]), _utc(r[2]), r[3], bool(r[4]), ref.label("vehicle_kind", r[5]), r[6] or "", r[7],
               _phone(r[8], reveal), r[9], r[10], names.get(r[11], "") if r[11] else "")


PASS_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("number", N_("Pass No."), "text", 12),
    Column("worker", N_("Worker"), "text", 10),
    Column("unit", N_("Unit"), "text", 16),
    Column("company", N_("Company"), "text", 16),
    Column("foreman", N_("Foreman"), "text", 10),
    Column("phone", N_("Phone"), "text", 14),
    Column("start_date", N_("From date"), "date", 12),
    Column("end_date", N_("To date"), "date", 12),
    Column("issued_at", N_("Issued at"), "datetime", 18),
    Column("revoked_at", N_("Revoked at"), "datetime", 18),
    Column("revoke_reason", N_("Reason"), "text", 20),
)


def pass_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    stmt = (select(ContractorPass.id, ContractorPass.number, ContractorPass.worker, Unit.code, RenovationPermit.company,
                   RenovationPermit.foreman, RenovationPermit.phone, RenovationPermit.start_date,
                   RenovationPermit.end_date, RenovationPermit.issued_at, RenovationPermit.revoked_at,
                   RenovationPermit.revoke_reason)
            .join(RenovationPermit, RenovationPermit.id == ContractorPass.permit_id)
            .join(Unit, Unit.id == RenovationPermit.unit_id, isouter=True)
            .where(RenovationPermit.issued_at >= start, RenovationPermit.issued_at < end))
    for r in keyset_rows(ctx, stmt, ContractorPass.id):
        yield (r[0], r[1], r[2], r[3] or "", r[4], r[5], _phone(r[6], reveal), r[7], r[8], as_utc(r[9]), _utc(r[10]),
               r[11])


SLIP_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("issued_at", N_("Issued at"), "datetime", 18),
    Column("unit", N_("Unit"), "text", 16),
    Column("items", N_("Items"), "text", 30),
    Column("reason", N_("Reason"), "text", 16),
    Column("valid_on", N_("Valid on"), "date", 12),
    Column("approved_by", N_("Approved by"), "text", 10),
    Column("used_at", N_("Used at"), "datetime", 18),
    Column("used_by", N_("Guard"), "text", 10),
)


def slip_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    names = staff_names(ctx)
    stmt = (select(ReleaseSlip.id, ReleaseSlip.issued_at, Unit.code, ReleaseSlip.items, ReleaseSlip.reason,
                   ReleaseSlip.valid_on, ReleaseSlip.approved_by, ReleaseSlip.used_at, ReleaseSlip.used_by)
            .join(Unit, Unit.id == ReleaseSlip.unit_id, isouter=True)
            .where(ReleaseSlip.issued_at >= start, ReleaseSlip.issued_at < end))
    for r in keyset_rows(ctx, stmt, ReleaseSlip.id):
        items = "，".join(f"{n}x{q}" for n, q in json.loads(r[3] or "[]"))
        yield (r[0], as_utc(r[1]), r[2] or "", items, r[4], r[5], names.get(r[6], "") if r[6] else "", _utc(r[7]),
               names.get(r[8], "") if r[8] else "")


WATCH_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("added_at", N_("Added at"), "datetime", 18),
    Column("name", N_("Name"), "text", 10),
    Column("id_number", N_("ID number"), "text", 20),
    Column("plate", N_("Plate"), "text", 10),
    Column("reason", N_("Reason"), "text", 30),
    Column("active", N_("Active"), "bool", 6),
    Column("added_by", N_("Added by"), "text", 10),
)


def watch_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    names = staff_names(ctx)
    stmt = (select(WatchEntry.id, WatchEntry.added_at, WatchEntry.name, WatchEntry.id_number, WatchEntry.plate,
                   WatchEntry.reason, WatchEntry.active, WatchEntry.added_by)
            .where(WatchEntry.added_at >= start, WatchEntry.added_at < end))
    for r in keyset_rows(ctx, stmt, WatchEntry.id):
        yield (r[0], as_utc(r[1]), r[2], _idn(r[3], reveal), r[4], r[5], bool(r[6]), names.get(r[7], "") if r[7] else "")


register(Register("visitors", N_("Visitor register"), VISIT_COLUMNS, visit_rows, SUPERVISORS, sensitive=True))
register(Register("vehicles", N_("Vehicle register"), VEHICLE_COLUMNS, vehicle_rows, SUPERVISORS, sensitive=True))
register(Register("passes", N_("Contractor passes"), PASS_COLUMNS, pass_rows, SUPERVISORS, sensitive=True))
register(Register("release-slips", N_("Release slips"), SLIP_COLUMNS, slip_rows, GATE | OFFICE))
register(Register("watch-list", N_("Watch list"), WATCH_COLUMNS, watch_rows, SUPERVISORS, sensitive=True))
