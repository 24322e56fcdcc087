"""Return visits (回访, article 2): planned after a confirmed complaint and by zone and
quarter; today's due list; the outcome (who, how, feedback) and whether the feedback
was handled (回访处理率 target 100 %)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlmodel import Session

from ..errors import Conflict, NotFound, ValidationError
from ..i18n import N_, _
from ..models import Building, Resident, Unit
from ..models.complaints import Complaint, ReturnVisit
from ..validators import clean_text, parse_date
from . import audit
from .complaint_common import DEFAULT_RETURN_DELAY_DAYS, resolve_choice, settings_value
from .context import ServiceContext
from .permissions import OFFICE, SUPERVISORS, require

OUTCOMES = {
    "satisfied": N_("Satisfied, nothing to handle"),
    "issue": N_("Feedback to handle"),
    "unreachable": N_("Could not be reached"),
}


def delay_days() -> int:
    return settings_value("return_visit_delay_days", DEFAULT_RETURN_DELAY_DAYS)


def plan_after_confirmation(session: Session, ctx: ServiceContext, c: Complaint) -> ReturnVisit:
    """Inside the confirmation's transaction: one visit, due after the configured delay."""
    due = ctx.local(ctx.now()).date() + timedelta(days=delay_days())
    rv = ReturnVisit(source="complaint", complaint_id=c.id, unit_id=c.unit_id, due_date=due,
                     planned_at=ctx.now(), planned_by=ctx.actor.id)
    session.add(rv)
    session.flush()
    audit.record(session, ctx.actor, ctx.now(), "return_visit.plan", "return_visit", rv.id,
                 after={"complaint": c.id, "due": due.isoformat()})
    return rv


def zones(ctx: ServiceContext) -> list[str]:
    require(ctx.actor, OFFICE, _("read return visits"))
    with ctx.db.read() as session:
        return [z for z in session.execute(select(Building.zone).distinct().order_by(Building.zone)).scalars() if z]


def plan_zone(ctx: ServiceContext, zone: str, quarter: str, due: object) -> int:
    """A supervisor plans the quarter's visit of every unit of a zone; returns how many."""
    require(ctx.actor, SUPERVISORS, _("plan return visits by zone"))
    zone = clean_text(zone, field="zone", max_len=40, required=True)
    quarter = clean_text(quarter, field="quarter", max_len=8, required=True).upper()
    import re

    if not re.fullmatch(r"20[0-9]{2}Q[1-4]", quarter):
        raise ValidationError("quarter", _("Use a quarter like 2026Q1"))
    due_date = parse_date(due, field="due")
    if due_date < ctx.local(ctx.now()).date():
        raise ValidationError("due", _("The due date is in the past"))
    now = ctx.now()
    with ctx.db.write() as session:
        units = session.execute(select(Unit.id).join(Building, Building.id == Unit.building_id)
                                .where(Building.zone == zone).order_by(Unit.id)).scalars().all()
        if not units:
            raise ValidationError("zone", _("No units in zone {zone}").format(zone=zone))
        already = session.execute(select(ReturnVisit.id).where(ReturnVisit.zone == zone)
                                  .where(ReturnVisit.quarter == quarter).limit(1)).first()
        if already:
            raise Conflict(_("Zone {zone} already has visits planned for {q}").format(zone=zone, q=quarter))
        rows = [{"source": "zone", "unit_id": u, "zone": zone, "quarter": quarter, "due_date": due_date,
                 "planned_at": now, "planned_by": ctx.actor.id, "status": "planned", "outcome": "", "method": "",
                 "feedback": "", "handled": False, "handled_note": ""} for u in units]
        session.execute(insert(ReturnVisit), rows)
        audit.record(session, ctx.actor, now, "return_visit.plan_zone", "return_visit", "",
                     after={"zone": zone, "quarter": quarter, "due": due_date.isoformat(), "units": len(units)})
    return len(units)


@dataclass(frozen=True)
class VisitRow:
    visit: ReturnVisit
    unit_code: str
    resident: str
    phone: str
    overdue: bool


def due_list(ctx: ServiceContext, day: date | None = None, after_id: int | None = None,
             limit: int = 50) -> list[VisitRow]:
    """Planned visits due on or before ``day`` (today), oldest id first, keyset paged."""
    require(ctx.actor, OFFICE, _("read return visits"))
    day = day or ctx.local(ctx.now()).date()
    q = (select(ReturnVisit, Unit.code).join(Unit, Unit.id == ReturnVisit.unit_id, isouter=True)
         .where(ReturnVisit.status == "planned").where(ReturnVisit.due_date <= day)
         .order_by(ReturnVisit.id).limit(limit))
    if after_id is not None:
        q = q.where(ReturnVisit.id > after_id)
    with ctx.db.read() as session:
        rows = session.execute(q).all()
        unit_ids = [rv.unit_id for rv, _c in rows if rv.unit_id]
        people: dict[int, tuple[str, str]] = {}
        if unit_ids:
            for uid, name, phone in session.execute(
                    select(Resident.unit_id, Resident.name, Resident.phone).where(Resident.unit_id.in_(unit_ids))
                    .order_by(Resident.id)):
                people.setdefault(uid, (name, phone))
    return [VisitRow(rv, code or "", *people.get(rv.unit_id or 0, ("", "")), rv.due_date < day)  # type: ignore[call-arg]
            for rv, code in rows]


def record(ctx: ServiceContext, visit_id: int, outcome: str, method: str, feedback: str = "") -> ReturnVisit:
    """The visit's outcome: satisfied (nothing to handle), issue (feedback to handle) or
    unreachable. ``method`` is a return-visit method code or number."""
    require(ctx.actor, OFFICE, _("record a return visit"))
    if outcome not in OUTCOMES:
        raise ValidationError("outcome", _("Unknown outcome"))
    method_c = resolve_choice("return_visit_method", method, "method")
    feedback = clean_text(feedback, field="feedback", max_len=2000, multiline=True,
                          required=outcome == "issue")
    now = ctx.now()
    with ctx.db.write() as session:
        rv = session.get(ReturnVisit, visit_id)
        if rv is None:
            raise NotFound(_("No return visit #{id}").format(id=visit_id))
        if rv.status != "planned":
            raise Conflict(_("Return visit #{id} was already recorded").format(id=visit_id))
        rv.status = "unreachable" if outcome == "unreachable" else "done"
        rv.outcome, rv.method, rv.feedback = outcome, method_c, feedback
        rv.done_at, rv.done_by = now, ctx.actor.id
        rv.handled = outcome == "satisfied"
        if rv.handled:
            rv.handled_at, rv.handled_by = now, ctx.actor.id
        audit.record(session, ctx.actor, now, "return_visit.record", "return_visit", rv.id,
                     after={"outcome": outcome, "method": method_c, "feedback": feedback})
    return rv


def mark_handled(ctx: ServiceContext, visit_id: int, note: str) -> ReturnVisit:
    """The feedback of a visit was dealt with: what was done."""
    require(ctx.actor, OFFICE, _("record how feedback was handled"))
    note = clean_text(note, field="handled_note", max_len=2000, required=True, multiline=True)
    now = ctx.now()
    with ctx.db.write() as session:
        rv = session.get(ReturnVisit, visit_id)
        if rv is None:
            raise NotFound(_("No return visit #{id}").format(id=visit_id))
        if rv.status != "done" or rv.outcome != "issue":
            raise Conflict(_("Return visit #{id} has no feedback to handle").format(id=visit_id))
        if rv.handled:
            raise Conflict(_("The feedback of return visit #{id} was already handled").format(id=visit_id))
        rv.handled, rv.handled_note, rv.handled_at, rv.handled_by = True, note, now, ctx.actor.id
        audit.record(session, ctx.actor, now, "return_visit.handled", "return_visit", rv.id, after={"note": note})
    return rv


def unhandled(ctx: ServiceContext, after_id: int | None = None, limit: int = 50) -> list[ReturnVisit]:
    """Visits whose feedback still waits to be handled."""
    require(ctx.actor, OFFICE, _("read return visits"))
    q = (select(ReturnVisit).where(ReturnVisit.outcome == "issue").where(ReturnVisit.handled.is_(False))
         .order_by(ReturnVisit.id).limit(limit))
    if after_id is not None:
        q = q.where(ReturnVisit.id > after_id)
    with ctx.db.read() as session:
        return list(session.execute(q).scalars())
