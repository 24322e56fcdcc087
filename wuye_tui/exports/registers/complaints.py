"""Front desk registers: complaints (each with its timeline of events), complaint events,
return visits and suggestions. Phones are masked unless revealed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...clock import as_utc
from ...i18n import N_, _
from ...models import Unit
from ...models.complaints import Complaint, ComplaintEvent, ReturnVisit, Suggestion
from ...services.core.context import ServiceContext
from ...services.core.permissions import OFFICE, SUPERVISORS
from ..registry import BATCH, Column, Register, keyset_rows, register, staff_names


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def mask_phone(phone: str, reveal: bool) -> str:
    if reveal or len(phone) < 7:
        return phone
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def _units(ctx: ServiceContext, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    with ctx.db.read() as session:
        return dict(session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(ids))).all())


COMPLAINT_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("received_at", N_("Received"), "datetime", 18),
    Column("received_by", N_("Received by"), "text", 10),
    Column("channel", N_("Channel"), "text", 10),
    Column("unit", N_("Unit"), "text", 16),
    Column("caller", N_("Caller"), "text", 10),
    Column("phone", N_("Phone"), "text", 14),
    Column("category", N_("Category"), "text", 14),
    Column("cause", N_("Cause"), "text", 14),
    Column("department", N_("Department"), "text", 14),
    Column("major_type", N_("Major type"), "text", 12),
    Column("description", N_("Description"), "text", 40),
    Column("location", N_("Location"), "text", 16),
    Column("deadline_at", N_("Deadline"), "datetime", 18),
    Column("due_at", N_("Reply due"), "datetime", 18),
    Column("status", N_("Status"), "text", 10),
    Column("satisfaction", N_("Satisfaction"), "text", 10),
    Column("valid", N_("Valid complaint"), "bool", 8),
    Column("escalation_id", N_("Escalation"), "int", 8),
    Column("archived_at", N_("Archived at"), "datetime", 18),
    Column("timeline", N_("Timeline"), "text", 60),
)


def complaint_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    from ...services.complaints.common import event_label, ref_label, status_label

    names = staff_names(ctx)
    last = 0
    while True:
        with ctx.db.read() as session:
            batch = session.execute(select(Complaint).where(Complaint.received_at >= start, Complaint.received_at < end)
                                    .where(Complaint.id > last).order_by(Complaint.id).limit(BATCH)).scalars().all()
            if not batch:
                return
            ids = [c.id for c in batch]
            evs: dict[int, list[str]] = {}
            for ev in session.execute(select(ComplaintEvent).where(ComplaintEvent.complaint_id.in_(ids))
                                      .order_by(ComplaintEvent.id)).scalars():
                who = names.get(ev.staff_id, "") if ev.staff_id else _("system")
                note = f": {ev.note}" if ev.note else ""
                evs.setdefault(ev.complaint_id, []).append(
                    f"{ctx.local(ev.at).strftime('%Y-%m-%d %H:%M')} {who} {event_label(ev.kind)}{note}")
        units = _units(ctx, {c.unit_id for c in batch if c.unit_id})
        for c in batch:
            yield (c.id, as_utc(c.received_at), names.get(c.received_by, "") if c.received_by else "",
                   ref_label("channel", c.channel), units.get(c.unit_id, "") if c.unit_id else "", c.caller,
                   mask_phone(c.phone, reveal), ref_label("category", c.category), ref_label("cause", c.cause),
                   ref_label("department", c.department), ref_label("major_type", c.major_type) if c.major_type else "",
                   c.description, c.location, as_utc(c.deadline_at), as_utc(c.due_at), status_label(c.status),
                   ref_label("satisfaction", c.satisfaction) if c.satisfaction else "", c.valid, c.escalation_id,
                   _utc(c.archived_at), "\n".join(evs.get(c.id, [])))  # type: ignore[arg-type]
        if len(batch) < BATCH:
            return
        last = batch[-1].id  # type: ignore[assignment]


EVENT_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("complaint_id", N_("Complaint"), "int", 8),
    Column("at", N_("Time"), "datetime", 18),
    Column("staff", N_("Staff member"), "text", 10),
    Column("kind", N_("Step"), "text", 16),
    Column("to_status", N_("Status"), "text", 10),
    Column("department", N_("Department"), "text", 14),
    Column("satisfaction", N_("Satisfaction"), "text", 10),
    Column("next_reply_at", N_("Next reply"), "datetime", 18),
    Column("corrects", N_("Corrects event"), "int", 8),
    Column("note", N_("Note"), "text", 40),
)


def event_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    from ...services.complaints.common import event_label, ref_label, status_label

    names = staff_names(ctx)
    stmt = select(ComplaintEvent.id, ComplaintEvent.complaint_id, ComplaintEvent.at, ComplaintEvent.staff_id,
                  ComplaintEvent.kind, ComplaintEvent.to_status, ComplaintEvent.department,
                  ComplaintEvent.satisfaction, ComplaintEvent.next_reply_at, ComplaintEvent.corrects_event_id,
                  ComplaintEvent.note).where(ComplaintEvent.at >= start, ComplaintEvent.at < end)
    for r in keyset_rows(ctx, stmt, ComplaintEvent.id):
        yield (r[0], r[1], as_utc(r[2]), names.get(r[3], "") if r[3] else _("system"), event_label(r[4]),
               status_label(r[5]), ref_label("department", r[6]) if r[6] else "",
               ref_label("satisfaction", r[7]) if r[7] else "", _utc(r[8]), r[9], r[10])


VISIT_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("due_date", N_("Due date"), "date", 12),
    Column("source", N_("From"), "text", 10),
    Column("complaint_id", N_("Complaint"), "int", 8),
    Column("unit", N_("Unit"), "text", 16),
    Column("zone", N_("Zone"), "text", 8),
    Column("quarter", N_("Quarter"), "text", 8),
    Column("status", N_("Status"), "text", 10),
    Column("method", N_("Method"), "text", 10),
    Column("outcome", N_("Outcome"), "text", 12),
    Column("feedback", N_("Feedback"), "text", 30),
    Column("done_at", N_("Done at"), "datetime", 18),
    Column("done_by", N_("Done by"), "text", 10),
    Column("handled", N_("Feedback handled"), "bool", 8),
    Column("handled_note", N_("How it was handled"), "text", 30),
)


def visit_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    """Visits planned in the range (their planning time is the register's main time)."""
    from ...services.complaints.common import ref_label
    from ...services.complaints.return_visits import OUTCOMES
    from ..labels import status_label

    names = staff_names(ctx)
    stmt = select(ReturnVisit.id, ReturnVisit.due_date, ReturnVisit.source, ReturnVisit.complaint_id,
                  ReturnVisit.unit_id, ReturnVisit.zone, ReturnVisit.quarter, ReturnVisit.status, ReturnVisit.method,
                  ReturnVisit.outcome, ReturnVisit.feedback, ReturnVisit.done_at, ReturnVisit.done_by,
                  ReturnVisit.handled, ReturnVisit.handled_note
                  ).where(ReturnVisit.planned_at >= start, ReturnVisit.planned_at < end)
    units: dict[int, str] = {}
    for r in keyset_rows(ctx, stmt, ReturnVisit.id):
        if r[4] and r[4] not in units:
            units.update(_units(ctx, {r[4]}))
        yield (r[0], r[1], status_label("return_visit_source", r[2]), r[3], units.get(r[4], ""), r[5], r[6],
               status_label("return_visit", r[7]), ref_label("return_visit_method", r[8]) if r[8] else "",
               _(OUTCOMES[r[9]]) if r[9] in OUTCOMES else "", r[10], _utc(r[11]),
               names.get(r[12], "") if r[12] else "", r[13], r[14])


SUGGESTION_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("received_at", N_("Received"), "datetime", 18),
    Column("name", N_("Name"), "text", 10),
    Column("phone", N_("Phone"), "text", 14),
    Column("unit", N_("Unit"), "text", 16),
    Column("content", N_("Suggestion"), "text", 40),
    Column("status", N_("Status"), "text", 8),
    Column("reported_to", N_("Reported to"), "text", 10),
    Column("outcome", N_("Outcome"), "text", 10),
    Column("outcome_note", N_("Note"), "text", 30),
    Column("decided_at", N_("Decided at"), "datetime", 18),
)


def suggestion_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool
                    ) -> Iterator[tuple[Any, ...]]:
    from ...services.complaints.suggestions import OUTCOMES, STATUS_LABELS

    names = staff_names(ctx)
    stmt = select(Suggestion.id, Suggestion.received_at, Suggestion.name, Suggestion.phone, Suggestion.unit_id,
                  Suggestion.content, Suggestion.status, Suggestion.reported_to, Suggestion.outcome,
                  Suggestion.outcome_note, Suggestion.decided_at
                  ).where(Suggestion.received_at >= start, Suggestion.received_at < end)
    units: dict[int, str] = {}
    for r in keyset_rows(ctx, stmt, Suggestion.id):
        if r[4] and r[4] not in units:
            units.update(_units(ctx, {r[4]}))
        yield (r[0], as_utc(r[1]), r[2], mask_phone(r[3], reveal), units.get(r[4], ""), r[5],
               _(STATUS_LABELS.get(r[6], r[6])), names.get(r[7], "") if r[7] else "",
               _(OUTCOMES[r[8]]) if r[8] in OUTCOMES else "", r[9], _utc(r[10]))


register(Register("complaints", N_("Complaint register"), COMPLAINT_COLUMNS, complaint_rows, SUPERVISORS, sensitive=True))
register(Register("complaint-events", N_("Complaint events"), EVENT_COLUMNS, event_rows, OFFICE))
register(Register("return-visits", N_("Return visit register"), VISIT_COLUMNS, visit_rows, OFFICE))
register(Register("suggestions", N_("Suggestion register"), SUGGESTION_COLUMNS, suggestion_rows, SUPERVISORS,
                  sensitive=True))
