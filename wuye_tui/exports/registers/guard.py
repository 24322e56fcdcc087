"""Guard post registers for ``wuye export``: duty-log, patrols, handovers, keys.
Each streams in keyset batches over its main time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...i18n import N_
from ...models import Staff, Unit
from ...models.guard import DutyEntry, Handover, HandoverItem, KeyItem, KeyLoan, PatrolRound
from ...reference import load_reference
from ...services.core.context import ServiceContext
from ...services.core.permissions import GATE, STAFF, SUPERVISORS
from ..labels import status_label
from ..registry import Column, Register, register

BATCH = 2000


def _batches(ctx: ServiceContext, query, id_col) -> Iterator[Any]:  # type: ignore[no-untyped-def]
    last = 0
    while True:
        with ctx.db.read() as session:
            rows = session.execute(query.where(id_col > last).order_by(id_col).limit(BATCH)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1][0].id


def _names(ctx: ServiceContext) -> dict[int, str]:
    with ctx.db.read() as session:
        return {s.id: s.name for s in session.execute(select(Staff)).scalars()}  # type: ignore[misc]


def _duty_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple]:
    ref, names = load_reference(), _names(ctx)
    q = select(DutyEntry).where(DutyEntry.at >= start).where(DutyEntry.at < end)
    for (e,) in _batches(ctx, q, DutyEntry.id):
        yield (e.id, e.at, ref.label("post", e.post), ref.label("duty_type", e.duty_type),
               ref.label("severity", e.severity), e.is_incident, status_label("duty", e.status),
               ref.label("major_type", e.major_type) if e.major_type else "", e.text,
               names.get(e.staff_id, ""), e.closed_at, e.close_note)


def _patrol_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple]:
    ref, names = load_reference(), _names(ctx)
    q = select(PatrolRound).where(PatrolRound.started_at >= start).where(PatrolRound.started_at < end)
    for (r,) in _batches(ctx, q, PatrolRound.id):
        secs = int((r.ended_at - r.started_at).total_seconds()) if r.ended_at else None
        yield (r.id, ref.label("route", r.route), names.get(r.staff_id, ""), r.started_at, r.ended_at, secs,
               status_label("patrol_round", r.status), r.checkpoints_done, r.anomalies, r.too_fast)


def _handover_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple]:
    ref, names = load_reference(), _names(ctx)
    q = select(Handover).where(Handover.opened_at >= start).where(Handover.opened_at < end)
    for (h,) in _batches(ctx, q, Handover.id):
        with ctx.db.read() as session:
            items = session.execute(select(HandoverItem.title).where(HandoverItem.handover_id == h.id)
                                    .order_by(HandoverItem.id)).scalars().all()
        yield (h.id, h.duty_date, ref.label("shift", h.shift), ref.label("post", h.post),
               names.get(h.outgoing_id, ""), names.get(h.incoming_id or 0, ""), h.opened_at, h.signed_at,
               status_label("handover", h.status), len(items), "；".join(items)[:30000], h.notes, h.failed_signatures)


def _key_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple]:
    ref, names = load_reference(), _names(ctx)
    q = (select(KeyLoan, KeyItem.code, KeyItem.label, Unit.code).join(KeyItem, KeyItem.id == KeyLoan.key_id)
         .join(Unit, Unit.id == KeyItem.unit_id, isouter=True)
         .where(KeyLoan.lent_at >= start).where(KeyLoan.lent_at < end))
    for loan, code, label, unit in _batches(ctx, q, KeyLoan.id):
        phone = loan.phone if reveal or not loan.phone else loan.phone[:3] + "****" + loan.phone[-4:]
        yield (loan.id, code, label, unit or "", loan.lent_at, loan.lent_to, phone,
               ref.label("key_purpose", loan.purpose), loan.authorised_by, names.get(loan.lent_by, ""),
               loan.due_at, loan.returned_at, names.get(loan.returned_by or 0, ""), loan.return_note)


register(Register("duty-log", N_("Duty log"), (
    Column("id", N_("No.")), Column("at", N_("Time"), "datetime", 17), Column("post", N_("Post")),
    Column("type", N_("Type")), Column("severity", N_("Severity")), Column("incident", N_("Incident"), "bool"),
    Column("status", N_("Status")), Column("major", N_("Major type")), Column("text", N_("Text"), width=50),
    Column("by", N_("By")), Column("closed_at", N_("Closed"), "datetime", 17),
    Column("close_note", N_("Close note"), width=30),
), _duty_rows, frozenset(STAFF)))

register(Register("patrols", N_("Patrol rounds"), (
    Column("id", N_("No."), "int"), Column("route", N_("Route")), Column("guard", N_("Guard")),
    Column("started", N_("Started"), "datetime", 17), Column("ended", N_("Ended"), "datetime", 17),
    Column("seconds", N_("Seconds"), "int"), Column("status", N_("Status")),
    Column("checkpoints", N_("Checkpoints"), "int"), Column("anomalies", N_("Anomalies"), "int"),
    Column("too_fast", N_("Too fast"), "bool"),
), _patrol_rows, frozenset(GATE)))

register(Register("handovers", N_("Shift handovers"), (
    Column("id", N_("No."), "int"), Column("duty_date", N_("Date"), "date"), Column("shift", N_("Shift")),
    Column("post", N_("Post")), Column("outgoing", N_("Outgoing")), Column("incoming", N_("Incoming")),
    Column("opened", N_("Opened"), "datetime", 17), Column("signed", N_("Signed"), "datetime", 17),
    Column("status", N_("Status")), Column("items", N_("Items"), "int"), Column("carried", N_("Carried"), width=60),
    Column("notes", N_("Notes"), width=30), Column("wrong_pins", N_("Wrong PINs"), "int"),
), _handover_rows, frozenset(SUPERVISORS)))

register(Register("keys", N_("Key register"), (
    Column("id", N_("No."), "int"), Column("code", N_("Key code")), Column("key", N_("Key"), width=20),
    Column("unit", N_("Unit"), width=18), Column("lent_at", N_("Lent"), "datetime", 17),
    Column("lent_to", N_("Lent to")), Column("phone", N_("Phone")), Column("purpose", N_("Purpose")),
    Column("authorised_by", N_("Authorised by")), Column("lent_by", N_("Lent by")),
    Column("due_at", N_("Due back"), "datetime", 17), Column("returned_at", N_("Returned"), "datetime", 17),
    Column("returned_by", N_("Returned to")), Column("return_note", N_("Note")),
), _key_rows, frozenset(SUPERVISORS), sensitive=True))
