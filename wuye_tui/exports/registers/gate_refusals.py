"""Refusals are part of the record (#10): refused entries, every pass check at the gate
(accepted or refused, with the reason) and every release slip presented (reuses, unknown,
expired, items without a slip). ``wuye export refusals|pass-checks|slip-uses``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...clock import as_utc
from ...i18n import N_, _
from ...models import Unit
from ...models.gate import PassCheck, SlipUse, VisitRefusal
from ...reference import load_reference
from ...services.core.context import ServiceContext
from ...services.core.permissions import GATE, OFFICE, SUPERVISORS
from ..registry import Column, Register, keyset_rows, register, staff_names
from .gate import _idn, _phone

REFUSAL_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("at", N_("Time"), "datetime", 18),
    Column("reason", N_("Reason"), "text", 14),
    Column("note", N_("Note"), "text", 24),
    Column("name", N_("Name"), "text", 10),
    Column("id_number", N_("ID number"), "text", 20),
    Column("phone", N_("Phone"), "text", 14),
    Column("plate", N_("Plate"), "text", 10),
    Column("unit", N_("Host unit"), "text", 16),
    Column("guard", N_("Guard"), "text", 10),
)


def refusal_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    ref, names = load_reference(), staff_names(ctx)
    stmt = (select(VisitRefusal.id, VisitRefusal.at, VisitRefusal.reason, VisitRefusal.note, VisitRefusal.name,
                   VisitRefusal.id_number, VisitRefusal.phone, VisitRefusal.plate, Unit.code, VisitRefusal.guard_id)
            .join(Unit, Unit.id == VisitRefusal.host_unit_id, isouter=True)
            .where(VisitRefusal.at >= start, VisitRefusal.at < end))
    for r in keyset_rows(ctx, stmt, VisitRefusal.id):
        yield (r[0], as_utc(r[1]), ref.label("refusal_reason", r[2]), r[3], r[4], _idn(r[5], reveal),
               _phone(r[6], reveal), r[7], r[8] or "", names.get(r[9], "") if r[9] else "")


PASS_CHECK_RESULTS = {"ok": N_("accepted"), "unknown": N_("unknown pass"), "revoked": N_("revoked"),
                      "dates": N_("outside its dates"), "hours": N_("outside working hours")}
SLIP_USE_RESULTS = {"ok": N_("accepted"), "used": N_("already used"), "unknown": N_("unknown slip"),
                    "expired": N_("expired"), "not_yet": N_("not valid yet"), "no_slip": N_("no slip")}

CHECK_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("at", N_("Time"), "datetime", 18),
    Column("number", N_("Pass or slip number"), "text", 12),
    Column("result", N_("Result"), "text", 14),
    Column("refused", N_("Refused"), "bool", 6),
    Column("note", N_("Note"), "text", 24),
    Column("guard", N_("Guard"), "text", 10),
)


def pass_check_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    names = staff_names(ctx)
    stmt = (select(PassCheck.id, PassCheck.at, PassCheck.number, PassCheck.result, PassCheck.guard_id)
            .where(PassCheck.at >= start, PassCheck.at < end))
    for r in keyset_rows(ctx, stmt, PassCheck.id):
        yield (r[0], as_utc(r[1]), r[2], _(PASS_CHECK_RESULTS.get(r[3], r[3])), r[3] != "ok", "",
               names.get(r[4], "") if r[4] else "")


def slip_use_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    names = staff_names(ctx)
    stmt = (select(SlipUse.id, SlipUse.at, SlipUse.number, SlipUse.result, SlipUse.note, SlipUse.guard_id)
            .where(SlipUse.at >= start, SlipUse.at < end))
    for r in keyset_rows(ctx, stmt, SlipUse.id):
        yield (r[0], as_utc(r[1]), r[2], _(SLIP_USE_RESULTS.get(r[3], r[3])), r[3] != "ok", r[4],
               names.get(r[5], "") if r[5] else "")


register(Register("refusals", N_("Refused entries"), REFUSAL_COLUMNS, refusal_rows, SUPERVISORS,  # names, IDs: personal
                  sensitive=True))
register(Register("pass-checks", N_("Pass checks at the gate"), CHECK_COLUMNS, pass_check_rows, GATE | OFFICE))
register(Register("slip-uses", N_("Release slips presented"), CHECK_COLUMNS, slip_use_rows, GATE | OFFICE))
