"""The 五清楚一报告 workflow: 受理 received -> 派单 dispatched -> 处理中 in progress ->
已回复 replied -> 已确认 confirmed -> 归档 archived. Every step is an event with staff and
time; illegal steps are refused with a Conflict that says why."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlmodel import Session

from ...errors import Conflict, NotFound, ValidationError
from ...i18n import _
from ...models.complaints import Complaint, ComplaintEvent
from ...validators import clean_text, parse_local_datetime
from ..core import audit
from .common import (
    ARCHIVED,
    CONFIRMED,
    DEFAULT_FAILED_CONTACTS,
    DISPATCHED,
    IN_PROGRESS,
    OPEN_STATUSES,
    RECEIVED,
    REPLIED,
    add_event,
    load_for_update,
    resolve_choice,
    settings_value,
    snapshot,
    status_label,
)
from ..core.context import ServiceContext
from ..core.permissions import OFFICE, SUPERVISORS, allowed, require


def failed_contacts_needed() -> int:
    return settings_value("failed_contact_attempts", DEFAULT_FAILED_CONTACTS)


def unconfirmed_archive_due(c: Complaint) -> bool:
    """Replied, and the customer could not be reached the configured number of times: a
    supervisor may archive it without their confirmation."""
    return c.status == REPLIED and c.contact_failures >= failed_contacts_needed()


def next_steps(ctx: ServiceContext, c: Complaint) -> list[str]:
    """The steps the acting staff member may take now, in workflow order."""
    steps: list[str] = []
    s = c.status
    if s == RECEIVED:
        steps.append("dispatch")
    if s == DISPATCHED:
        steps.append("start")
    if s == IN_PROGRESS:
        steps.append("reply")
    if s in OPEN_STATUSES:
        steps.append("defer")
    if s == REPLIED:
        steps += ["confirm", "contact_failed"]
        if unconfirmed_archive_due(c) and allowed(ctx.actor, SUPERVISORS):
            steps.append("archive_unconfirmed")
    if s == CONFIRMED:
        steps.append("archive")
    steps += ["note", "correct"]
    if allowed(ctx.actor, SUPERVISORS):
        steps.append("validity")
    return steps


def _refuse(c: Complaint, action: str) -> Conflict:
    return Conflict(_("Complaint #{id} is {status}: cannot {action} now").format(
        id=c.id, status=status_label(c.status), action=action))


def _step(ctx: ServiceContext, complaint_id: int, action: str, allowed_from: tuple[str, ...],
          apply: Any, audit_action: str) -> Complaint:
    now = ctx.now()
    with ctx.db.write() as session:
        c = load_for_update(session, complaint_id)
        if c.status not in allowed_from:
            raise _refuse(c, action)
        before = snapshot(c)
        apply(session, c, now)
        audit.record(session, ctx.actor, now, audit_action, "complaint", c.id, before, snapshot(c))
    return c


def dispatch(ctx: ServiceContext, complaint_id: int, department: str = "", note: str = "") -> Complaint:
    """派单: pass it to a department (the category's default when none is given)."""
    require(ctx.actor, OFFICE, _("dispatch a complaint"))
    dept = resolve_choice("department", department, "department", required=False)
    note = clean_text(note, field="note", max_len=2000, multiline=True)

    def apply(session: Session, c: Complaint, now: datetime) -> None:
        c.department = dept or c.department
        add_event(session, c, now, ctx.actor, "dispatched", DISPATCHED, note, department=c.department)
        c.status = DISPATCHED

    return _step(ctx, complaint_id, _("dispatch"), (RECEIVED,), apply, "complaint.dispatch")


def start(ctx: ServiceContext, complaint_id: int, note: str = "") -> Complaint:
    """处理中: the department has started work."""
    require(ctx.actor, OFFICE, _("record work on a complaint"))
    note = clean_text(note, field="note", max_len=2000, multiline=True)

    def apply(session: Session, c: Complaint, now: datetime) -> None:
        add_event(session, c, now, ctx.actor, "started", IN_PROGRESS, note)
        c.status = IN_PROGRESS

    return _step(ctx, complaint_id, _("start work"), (DISPATCHED,), apply, "complaint.start")


def defer(ctx: ServiceContext, complaint_id: int, explanation: str, next_reply: object) -> Complaint:
    """Cannot be solved now: the explanation given to the customer and the next reply time."""
    require(ctx.actor, OFFICE, _("record that a complaint cannot be solved now"))
    explanation = clean_text(explanation, field="explanation", max_len=2000, required=True, multiline=True)
    when = parse_local_datetime(next_reply, ctx.tz_name, field="next_reply")
    if when <= ctx.now():
        raise ValidationError("next_reply", _("The next reply time must be in the future"))
    if when > ctx.now() + timedelta(days=180):
        raise ValidationError("next_reply", _("The next reply time is more than 180 days away"))

    def apply(session: Session, c: Complaint, now: datetime) -> None:
        add_event(session, c, now, ctx.actor, "deferred", c.status, explanation, next_reply_at=when)
        c.due_at = when
        c.first_response_at = c.first_response_at or now

    return _step(ctx, complaint_id, _("defer"), OPEN_STATUSES, apply, "complaint.defer")


def reply(ctx: ServiceContext, complaint_id: int, text: str) -> Complaint:
    """已回复: the process and result told to the customer."""
    require(ctx.actor, OFFICE, _("reply to a complaint"))
    text = clean_text(text, field="reply", max_len=2000, required=True, multiline=True)

    def apply(session: Session, c: Complaint, now: datetime) -> None:
        add_event(session, c, now, ctx.actor, "replied", REPLIED, text)
        c.status = REPLIED
        c.replied_at = now
        c.first_response_at = c.first_response_at or now
        c.contact_failures = 0

    return _step(ctx, complaint_id, _("reply"), (IN_PROGRESS,), apply, "complaint.reply")


def confirm(ctx: ServiceContext, complaint_id: int, satisfaction: str, note: str = "",
            reopen: bool | None = None) -> Complaint:
    """The customer confirms with a grade. A grade that closes (满意, and 一般 unless the
    customer asks for more: ``reopen=True``): 已确认 and a return visit is planned. A grade
    that reopens (不满意, ``reopens = true`` in data/), or 一般 with ``reopen=True``: the
    complaint reopens (处理中) with a new deadline."""
    require(ctx.actor, OFFICE, _("record the customer's confirmation"))
    sat = resolve_choice("satisfaction", satisfaction, "satisfaction")
    note = clean_text(note, field="note", max_len=2000, multiline=True)
    from ...reference import load_reference
    from .return_visits import plan_after_confirmation

    ref = load_reference()
    grade = ref.satisfaction(sat)
    if grade.satisfied:
        happy = True  # a satisfied customer never reopens
    elif grade.reopens or (not any(g.reopens for g in ref.satisfactions)
                           and grade.score == min(g.score for g in ref.satisfactions)):
        happy = False  # 不满意 always reopens (an older data/ without `reopens`: the lowest grade)
    else:
        happy = not reopen  # 一般: closes unless the customer asks for more

    def apply(session: Session, c: Complaint, now: datetime) -> None:
        c.satisfaction = sat
        if happy:
            add_event(session, c, now, ctx.actor, "confirmed", CONFIRMED, note, satisfaction=sat)
            c.status = CONFIRMED
            c.confirmed_at = now
            plan_after_confirmation(session, ctx, c)
        else:
            add_event(session, c, now, ctx.actor, "unsatisfied", IN_PROGRESS, note, satisfaction=sat)
            c.status = IN_PROGRESS
            c.reopened += 1
            c.due_at = now + ref.category(c.category).deadline if c.category in ref.codes("category") \
                else now + timedelta(hours=24)

    return _step(ctx, complaint_id, _("record a confirmation"), (REPLIED,), apply, "complaint.confirm")


def contact_failed(ctx: ServiceContext, complaint_id: int, note: str = "") -> Complaint:
    """An attempt to reach the customer for confirmation failed."""
    require(ctx.actor, OFFICE, _("record a failed contact attempt"))
    note = clean_text(note, field="note", max_len=2000, multiline=True)

    def apply(session: Session, c: Complaint, now: datetime) -> None:
        # attempts count on different days: three calls in a minute are one attempt
        from sqlalchemy import select

        last = session.execute(select(ComplaintEvent.at).where(ComplaintEvent.complaint_id == c.id)
                               .where(ComplaintEvent.kind == "contact_failed")
                               .where(ComplaintEvent.at >= (c.replied_at or c.received_at))
                               .order_by(ComplaintEvent.id.desc()).limit(1)).scalar()
        if c.contact_failures and last is not None and ctx.local(last).date() == ctx.local(now).date():
            raise Conflict(_("Complaint #{id}: an attempt was already recorded today; attempts count on "
                             "different days ({n} of {m})").format(id=c.id, n=c.contact_failures,
                                                                   m=failed_contacts_needed()))
        c.contact_failures += 1
        add_event(session, c, now, ctx.actor, "contact_failed", REPLIED,
                  note or _("Attempt {n}").format(n=c.contact_failures))

    return _step(ctx, complaint_id, _("record a failed contact"), (REPLIED,), apply, "complaint.contact_failed")


def why_not_archivable(c: Complaint) -> str:
    """Why ``c`` cannot be archived now ("" when it can): the same reasons ``archive`` gives."""
    if c.status == ARCHIVED:
        return _("Complaint #{id} is already archived").format(id=c.id)
    if c.status in OPEN_STATUSES:
        return _("Complaint #{id} cannot be archived: the customer has not had a reply").format(id=c.id)
    if c.status == REPLIED:
        message = _("Complaint #{id} cannot be archived: the customer has not confirmed the reply").format(id=c.id)
        if unconfirmed_archive_due(c):
            message += " " + _("(a supervisor may archive it without confirmation: U)")
        else:
            message += " " + _("({n} of {m} failed contact attempts on different days)").format(
                n=c.contact_failures, m=failed_contacts_needed())
        return message
    return ""


def archive(ctx: ServiceContext, complaint_id: int, note: str = "") -> Complaint:
    """归档: only after a reply and the customer's confirmation."""
    require(ctx.actor, OFFICE, _("archive a complaint"))
    note = clean_text(note, field="note", max_len=2000, multiline=True)
    now = ctx.now()
    with ctx.db.write() as session:
        c = load_for_update(session, complaint_id)
        if c.status == ARCHIVED:
            raise Conflict(_("Complaint #{id} is already archived").format(id=c.id))
        if c.status in OPEN_STATUSES:
            raise Conflict(_("Complaint #{id} cannot be archived: the customer has not had a reply").format(id=c.id))
        if c.status == REPLIED:
            raise Conflict(_("Complaint #{id} cannot be archived: the customer has not confirmed the reply")
                           .format(id=c.id))
        from .common import require_letter

        require_letter(session, c)
        before = snapshot(c)
        add_event(session, c, now, ctx.actor, "archived", ARCHIVED, note)
        c.status = ARCHIVED
        c.archived_at = now
        audit.record(session, ctx.actor, now, "complaint.archive", "complaint", c.id, before, snapshot(c))
    return c


def archive_unconfirmed(ctx: ServiceContext, complaint_id: int, reason: str) -> Complaint:
    """A supervisor archives a replied complaint whose customer could not be reached
    after the configured number of attempts, recording why."""
    require(ctx.actor, SUPERVISORS, _("archive a complaint without confirmation"))
    reason = clean_text(reason, field="reason", max_len=2000, required=True, multiline=True)
    needed = failed_contacts_needed()
    now = ctx.now()
    with ctx.db.write() as session:
        c = load_for_update(session, complaint_id)
        if c.status != REPLIED:
            raise _refuse(c, _("archive without confirmation"))
        if c.contact_failures < needed:
            raise Conflict(_("Complaint #{id}: {n} failed contact attempts recorded, {m} needed").format(
                id=c.id, n=c.contact_failures, m=needed))
        from .common import require_letter

        require_letter(session, c)
        before = snapshot(c)
        add_event(session, c, now, ctx.actor, "archived_unconfirmed", ARCHIVED, reason)
        c.status = ARCHIVED
        c.archived_at = now
        audit.record(session, ctx.actor, now, "complaint.archive_unconfirmed", "complaint", c.id, before,
                     snapshot(c) | {"reason": reason})
    return c


def add_note(ctx: ServiceContext, complaint_id: int, note: str) -> ComplaintEvent:
    require(ctx.actor, OFFICE, _("add a note to a complaint"))
    note = clean_text(note, field="note", max_len=2000, required=True, multiline=True)
    now = ctx.now()
    with ctx.db.write() as session:
        c = load_for_update(session, complaint_id)
        ev = add_event(session, c, now, ctx.actor, "note", note=note)
        session.flush()
        audit.record(session, ctx.actor, now, "complaint.note", "complaint", c.id, after={"note": note})
    return ev


def correct(ctx: ServiceContext, complaint_id: int, event_id: int, note: str) -> ComplaintEvent:
    """A correction of an earlier event: a new event pointing at it (the old one stays)."""
    require(ctx.actor, OFFICE, _("correct a complaint record"))
    note = clean_text(note, field="note", max_len=2000, required=True, multiline=True)
    now = ctx.now()
    with ctx.db.write() as session:
        c = load_for_update(session, complaint_id)
        old = session.get(ComplaintEvent, event_id)
        if old is None or old.complaint_id != c.id:
            raise NotFound(_("No event #{e} on complaint #{id}").format(e=event_id, id=complaint_id))
        ev = add_event(session, c, now, ctx.actor, "correction", note=note, corrects_event_id=event_id)
        session.flush()
        audit.record(session, ctx.actor, now, "complaint.correct", "complaint", c.id,
                     after={"event": event_id, "note": note})
    return ev


def set_validity(ctx: ServiceContext, complaint_id: int, valid: bool, reason: str) -> Complaint:
    """A supervisor decides whether it counts as a valid complaint (有效投诉率)."""
    require(ctx.actor, SUPERVISORS, _("decide whether a complaint is valid"))
    reason = clean_text(reason, field="reason", max_len=2000, required=True, multiline=True)

    def apply(session: Session, c: Complaint, now: datetime) -> None:
        c.valid = bool(valid)
        c.validity_decided_at = now
        verdict = _("Valid complaint") if valid else _("Not a valid complaint")
        add_event(session, c, now, ctx.actor, "validity", note=f"{verdict}：{reason}")

    return _step(ctx, complaint_id, _("change validity"), (RECEIVED, DISPATCHED, IN_PROGRESS, REPLIED, CONFIRMED,
                                                          ARCHIVED), apply, "complaint.validity")
