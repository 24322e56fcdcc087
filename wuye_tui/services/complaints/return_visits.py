"""Return visits (回访, article 2): planned after a confirmed complaint, by zone and
quarter (物管员每季), the director's own visits (主任每年登门1~2次) and the half-yearly
residents' forum (每半年住户座谈会); today's due list; the outcome (who, how, feedback) and
whether the feedback was handled (回访处理率 target 100 %).

A household that cannot be reached is tried again: each failed attempt is recorded, and
only after the configured number of attempts (``failed_contact_attempts``) on DIFFERENT
days does the visit close as unreachable; a second attempt on the same day is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import insert, select
from sqlmodel import Session

from ...errors import Conflict, NotFound, ValidationError
from ...i18n import N_, _
from ...models import Building, Resident, Unit
from ...models.complaints import Complaint, ReturnVisit
from ...validators import clean_text, parse_date
from ..core import audit
from .common import DEFAULT_RETURN_DELAY_DAYS, resolve_choice, settings_value
from ..core.context import ServiceContext
from ..core.permissions import OFFICE, SUPERVISORS, require

OUTCOMES = {
    "satisfied": N_("Satisfied, nothing to handle"),
    "issue": N_("Feedback to handle"),
    "unreachable": N_("Could not be reached"),
}
SOURCES = {
    "complaint": N_("After a complaint"),
    "zone": N_("Zone, quarterly"),
    "director": N_("Director's visit"),
    "forum": N_("Residents' forum"),
}


def source_label(rv: ReturnVisit) -> str:
    """Where the visit comes from, as the lists show it."""
    if rv.source == "zone":
        return f"{rv.zone} {rv.quarter}".strip()
    if rv.source in ("director", "forum"):
        return f"{_(SOURCES[rv.source])} {rv.quarter}".strip()
    return _(SOURCES.get(rv.source, rv.source))


def attempts_needed() -> int:
    from .common import DEFAULT_FAILED_CONTACTS

    return settings_value("failed_contact_attempts", DEFAULT_FAILED_CONTACTS)


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
        if outcome == "unreachable":
            today = ctx.local(now).date()
            if rv.last_attempt_at is not None and ctx.local(rv.last_attempt_at).date() == today:
                raise Conflict(_("Return visit #{id}: an attempt was already recorded today; attempts count "
                                 "on different days ({n} of {m})").format(id=visit_id, n=rv.attempts,
                                                                           m=attempts_needed()))
            rv.attempts += 1
            rv.last_attempt_at = now
            if rv.attempts < attempts_needed():
                rv.method = method_c
                rv.due_date = max(rv.due_date, today + timedelta(days=1))  # on the list again tomorrow
                audit.record(session, ctx.actor, now, "return_visit.attempt", "return_visit", rv.id,
                             after={"attempt": rv.attempts, "method": method_c, "note": feedback})
                return rv
        rv.status = "unreachable" if outcome == "unreachable" else "done"
        rv.outcome, rv.method, rv.feedback = outcome, method_c, feedback
        rv.done_at, rv.done_by = now, ctx.actor.id
        rv.handled = outcome == "satisfied"
        if rv.handled:
            rv.handled_at, rv.handled_by = now, ctx.actor.id
        audit.record(session, ctx.actor, now, "return_visit.record", "return_visit", rv.id,
                     after={"outcome": outcome, "method": method_c, "feedback": feedback})
    return rv


def plan_director(ctx: ServiceContext, unit: object, due: object) -> ReturnVisit:
    """The office director's own home visit (主任每年登门回访1~2次): at most two a year for a
    household."""
    require(ctx.actor, SUPERVISORS, _("plan the director's visit"))
    from .common import unit_id_of

    unit_id = unit_id_of(ctx, unit)
    if unit_id is None:
        raise ValidationError("unit", _("This field is required"))
    due_date = parse_date(due, field="due")
    if due_date < ctx.local(ctx.now()).date():
        raise ValidationError("due", _("The due date is in the past"))
    year = str(due_date.year)
    now = ctx.now()
    with ctx.db.write() as session:
        n = len(session.execute(select(ReturnVisit.id).where(ReturnVisit.source == "director")
                                .where(ReturnVisit.unit_id == unit_id).where(ReturnVisit.quarter == year)
                                .limit(3)).all())
        if n >= 2:
            raise Conflict(_("The director already has two visits to this household in {year}").format(year=year))
        rv = ReturnVisit(source="director", unit_id=unit_id, quarter=year, due_date=due_date, planned_at=now,
                         planned_by=ctx.actor.id, method="door")
        session.add(rv)
        session.flush()
        audit.record(session, ctx.actor, now, "return_visit.plan_director", "return_visit", rv.id,
                     after={"unit_id": unit_id, "due": due_date.isoformat()})
    return rv


def record_forum(ctx: ServiceContext, half: str, held_on: object, feedback: str = "") -> ReturnVisit:
    """The half-yearly residents' forum (每半年召开一次住户座谈会), e.g. half "2026H1": one a
    half-year; its feedback is a feedback item to handle like any visit's."""
    require(ctx.actor, OFFICE, _("record a residents' forum"))
    import re

    half = clean_text(half, field="half", max_len=8, required=True).upper()
    if not re.fullmatch(r"20[0-9]{2}H[12]", half):
        raise ValidationError("half", _("Use a half-year like 2026H1"))
    day = parse_date(held_on, field="held_on")
    if day > ctx.local(ctx.now()).date():
        raise ValidationError("held_on", _("The forum has not been held yet"))
    if str(day.year) != half[:4] or (day.month <= 6) != (half[-1] == "1"):
        raise ValidationError("held_on", _("That date is not in {half}").format(half=half))
    feedback = clean_text(feedback, field="feedback", max_len=2000, multiline=True)
    now = ctx.now()
    with ctx.db.write() as session:
        if session.execute(select(ReturnVisit.id).where(ReturnVisit.source == "forum")
                           .where(ReturnVisit.quarter == half).limit(1)).first():
            raise Conflict(_("The forum of {half} is already recorded").format(half=half))
        rv = ReturnVisit(source="forum", quarter=half, due_date=day, planned_at=now, planned_by=ctx.actor.id,
                         status="done", outcome="issue" if feedback else "satisfied", method="forum",
                         feedback=feedback, done_at=now, done_by=ctx.actor.id, handled=not feedback)
        session.add(rv)
        session.flush()
        audit.record(session, ctx.actor, now, "return_visit.forum", "return_visit", rv.id,
                     after={"half": half, "held_on": day.isoformat(), "feedback": feedback})
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
