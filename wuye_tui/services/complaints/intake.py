"""Complaints and requests (front desk): intake, lists, search, detail with timeline.

The workflow steps live in :mod:`complaint_workflow`, collective detection in
:mod:`complaint_collective`, statistics in :mod:`complaint_stats`. This module also
registers the shift-handover provider for overdue complaints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from ...errors import ValidationError
from ...i18n import N_, _
from ...models import Escalation, Staff, Unit
from ...models.complaints import Complaint, ComplaintEvent
from ...validators import clean_text, parse_local_datetime, validate_name, validate_phone
from ..core import audit
from .common import (
    unit_id_of,
    OPEN_STATUSES,
    load_for_update,
    RECEIVED,
    add_event,
    is_overdue,
    ref_label,
    resolve_choice,
    status_label,
)
from ..core.context import ServiceContext
from ..core.open_items import OpenItem, provider
from ..core.permissions import OFFICE, require

__all__ = ["ComplaintRow", "Detail", "add_complaint", "detail", "get", "list_complaints", "validate_intake"]


@dataclass(frozen=True)
class Intake:
    caller: str
    initials: str
    unit_id: int | None
    phone: str
    channel: str
    category: str
    kind: str
    cause: str
    department: str
    description: str
    location: str
    promised_reply_at: datetime | None
    deadline: timedelta
    major_type: str




def validate_intake(ctx: ServiceContext, *, caller: object, unit: object = None, phone: object = "",
                    channel: object, category: object, cause: object, description: object,
                    location: object = "", department: object = "", promised_reply: object = None,
                    major_type: object = "") -> Intake:
    """Check every field (raising ValidationError with the field name) before any write."""
    from ...reference import load_reference
    from ..core.roster import pinyin_initials

    ref = load_reference()
    caller_s = validate_name(caller, field="caller")
    unit_id = unit_id_of(ctx, unit)
    phone_s = validate_phone(phone, field="phone") if str(phone or "").strip() else ""
    channel_c = resolve_choice("channel", channel, "channel")
    category_c = resolve_choice("category", category, "category")
    cat = ref.category(category_c)
    cause_c = resolve_choice("cause", cause, "cause")
    dept_c = resolve_choice("department", department, "department", required=False) or cat.department
    desc = clean_text(description, field="description", max_len=2000, required=True, multiline=True)
    loc = clean_text(location, field="location", max_len=200)
    promised = check_promised_reply(ctx, promised_reply)
    major = str(major_type or "").strip()
    deadline = cat.deadline
    if major:
        try:
            major = ref.major_type(major).code
        except LookupError:
            major = resolve_major(major)
        # a major is owed a reply by the major type's time (电梯困人: 1 h), not the category's
        deadline = min(deadline, ref.major_type(major).reply_within)
    return Intake(caller_s, pinyin_initials(caller_s), unit_id, phone_s, channel_c, category_c, cat.kind,
                  cause_c, dept_c, desc, loc, promised, deadline, major)


def check_promised_reply(ctx: ServiceContext, value: object) -> datetime | None:
    """The promised reply time: local YYYY-MM-DD HH:MM, in the future, within 90 days."""
    if value is None or not str(value).strip():
        return None
    promised = parse_local_datetime(value, ctx.tz_name, field="promised_reply")
    if promised <= ctx.now():
        raise ValidationError("promised_reply", _("The promised reply time must be in the future"))
    if promised > ctx.now() + timedelta(days=90):
        raise ValidationError("promised_reply", _("The promised reply time is more than 90 days away"))
    return promised


def resolve_major(value: str) -> str:
    from ...reference import load_reference

    types = load_reference().major_types
    if value.isdigit() and 1 <= int(value) <= len(types):
        return types[int(value) - 1].code
    for t in types:
        if value.lower() in (t.code, t.zh.lower(), t.en.lower()):
            return t.code
    raise ValidationError("major_type", _("Unknown major type"))


def add_complaint(ctx: ServiceContext, **fields: object) -> Complaint:
    """Log a call, visit, letter or online message. Major types escalate in the same
    transaction; a collective complaint is detected and escalated (or linked) too."""
    require(ctx.actor, OFFICE, _("log a complaint"))
    data = validate_intake(ctx, **fields)  # type: ignore[arg-type]
    from ..core import escalation
    from .collective import detect_in

    now = ctx.now()
    deadline_at = now + data.deadline
    due = min(deadline_at, data.promised_reply_at) if data.promised_reply_at else deadline_at
    raised = []
    with ctx.db.write() as session:
        c = Complaint(received_at=now, received_by=ctx.actor.id, channel=data.channel, category=data.category,
                      kind=data.kind, cause=data.cause, department=data.department, unit_id=data.unit_id,
                      caller=data.caller, initials=data.initials, phone=data.phone, description=data.description,
                      location=data.location, promised_reply_at=data.promised_reply_at, deadline_at=deadline_at,
                      due_at=due, status=RECEIVED, major_type=data.major_type, is_major=bool(data.major_type))
        session.add(c)
        session.flush()
        add_event(session, c, now, ctx.actor, "received", RECEIVED, data.description[:200])
        if data.major_type:
            title = _("Complaint #{id}: {category}").format(id=c.id, category=ref_label("category", c.category))
            esc = escalation.raise_in(session, ctx, data.major_type, "complaint", str(c.id), title,
                                      data.description, due)
            c.escalation_id = esc.id
            add_event(session, c, now, ctx.actor, "escalated", note=_("Escalation #{id}").format(id=esc.id))
            raised.append(esc)
        collective = detect_in(session, ctx, c)
        if collective is not None:
            raised.append(collective)
        audit.record(session, ctx.actor, now, "complaint.add", "complaint", c.id,
                     after={"caller": c.caller, "unit_id": c.unit_id, "category": c.category, "channel": c.channel,
                            "cause": c.cause, "department": c.department, "major_type": c.major_type})
    for esc in raised:
        escalation.notify_async(ctx, esc)
    return c


def get(ctx: ServiceContext, complaint_id: int) -> Complaint:
    require(ctx.actor, OFFICE, _("read complaints"))
    with ctx.db.read() as session:
        return load_for_update(session, complaint_id)


@dataclass(frozen=True)
class ComplaintRow:
    complaint: Complaint
    unit_code: str
    overdue: bool
    pinned: bool = False  # an open major shown first on the first page (not part of the keyset paging)

    @property
    def id(self) -> int:
        return self.complaint.id  # type: ignore[return-value]


@dataclass
class Filters:
    status: str = ""  # one status, "open" (reply owed) or ""
    category: str = ""
    department: str = ""
    overdue: bool = False
    major: bool = False
    text: str = ""  # unit code, caller name, phone or pinyin initials (prefix)

    def check(self) -> None:
        from .common import resolve_status

        self.status = resolve_status(self.status)


PINNED_LIMIT = 50
_OPEN_MAJOR = and_(Complaint.is_major.is_(True), Complaint.status.in_(OPEN_STATUSES))


def list_complaints(ctx: ServiceContext, filters: Filters | None = None, before_id: int | None = None,
                    limit: int = 50) -> list[ComplaintRow]:
    """One page, newest first (keyset: ``id < before_id``). Open majors (a reply still
    owed) matching the filters come first on the first page, soonest due first, marked
    ``pinned``; the keyset pages hold the other complaints."""
    require(ctx.actor, OFFICE, _("read complaints"))
    f = filters or Filters()
    f.check()
    now = ctx.now()
    q = (select(Complaint, Unit.code).join(Unit, Unit.id == Complaint.unit_id, isouter=True)
         .order_by(Complaint.id.desc()).limit(max(1, min(limit, 500))))
    if before_id is not None:
        q = q.where(Complaint.id < before_id)
    q = _filtered(q, f, now)
    pinned_q = _filtered(select(Complaint, Unit.code).join(Unit, Unit.id == Complaint.unit_id, isouter=True)
                         .where(_OPEN_MAJOR).order_by(Complaint.due_at, Complaint.id).limit(PINNED_LIMIT), f, now)
    with ctx.db.read() as session:
        pinned = session.execute(pinned_q).all() if before_id is None else []
        rows = session.execute(q.where(~_OPEN_MAJOR)).all()
    return ([ComplaintRow(c, code or "", is_overdue(c, now), True) for c, code in pinned]
            + [ComplaintRow(c, code or "", is_overdue(c, now)) for c, code in rows])


def _filtered(q, f: Filters, now: datetime):  # type: ignore[no-untyped-def]
    if f.status == "open":
        q = q.where(Complaint.status.in_(OPEN_STATUSES))
    elif f.status:
        q = q.where(Complaint.status == f.status)
    if f.category:
        q = q.where(Complaint.category == f.category)
    if f.department:
        q = q.where(Complaint.department == f.department)
    if f.major:
        q = q.where(Complaint.is_major.is_(True))
    if f.overdue:
        q = q.where(and_(Complaint.status.in_(OPEN_STATUSES), Complaint.due_at < now))
    text = clean_text(f.text, field="search", max_len=40)
    if text:
        from ...textsafe import LIKE_ESCAPE as E, like_escape

        like = like_escape(text) + "%"  # % and _ are literal
        q = q.where(or_(Unit.code.like(like, escape=E), Unit.room.like(like, escape=E),
                        Complaint.caller.like(like, escape=E), Complaint.phone.like(like, escape=E),
                        Complaint.initials.like(like.lower(), escape=E)))
    return q


@dataclass
class Detail:
    complaint: Complaint
    unit_code: str
    events: list[tuple[ComplaintEvent, str]] = field(default_factory=list)  # event, staff name
    overdue: bool = False
    next_steps: list[str] = field(default_factory=list)
    escalation: Escalation | None = None  # the major's (or collective's) escalation
    acknowledged_by: str = ""  # the supervisor who acknowledged it
    households: int = 0  # of a collective escalation

    def escalation_state(self, ctx: ServiceContext) -> str:
        """One line: the escalation, whether a supervisor acknowledged it, its reply time."""
        esc = self.escalation
        if esc is None:
            return ""
        fmt = "%Y-%m-%d %H:%M"
        if esc.resolved_at is not None:
            state = _("resolved {at}").format(at=ctx.local(esc.resolved_at).strftime(fmt))
        elif esc.acknowledged_at is not None:
            state = _("acknowledged by {name} {at}").format(name=self.acknowledged_by or _("system"),
                                                            at=ctx.local(esc.acknowledged_at).strftime(fmt))
        else:
            state = _("waiting for a supervisor to acknowledge")
        parts = [_("Escalation #{id}").format(id=esc.id), ref_label("major_type", esc.major_type), state]
        if esc.reply_due_at is not None:
            parts.append(_("reply due {at}").format(at=ctx.local(esc.reply_due_at).strftime(fmt)))
        if self.households:
            parts.append(_("{n} households").format(n=self.households))
        return "  ".join(parts)


def detail(ctx: ServiceContext, complaint_id: int) -> Detail:
    """The complaint, its whole timeline, and the steps legal for the acting staff member."""
    from .workflow import next_steps

    c = get(ctx, complaint_id)
    with ctx.db.read() as session:
        code = session.execute(select(Unit.code).where(Unit.id == c.unit_id)).scalar() if c.unit_id else ""
        rows = session.execute(
            select(ComplaintEvent, Staff.name).join(Staff, Staff.id == ComplaintEvent.staff_id, isouter=True)
            .where(ComplaintEvent.complaint_id == complaint_id).order_by(ComplaintEvent.id)
        ).all()
        esc = session.get(Escalation, c.escalation_id) if c.escalation_id else None
        ack = session.get(Staff, esc.acknowledged_by) if esc is not None and esc.acknowledged_by else None
        n = 0
        if esc is not None and esc.major_type == "collective_complaint":
            from .collective import households

            n = households(session, esc.id)  # type: ignore[arg-type]
    return Detail(c, code or "", [(r[0], r[1] or _("system")) for r in rows], is_overdue(c, ctx.now()),
                  next_steps(ctx, c), esc, ack.name if ack else "", n)


def title_of(c: Complaint, unit_code: str = "") -> str:
    return f"#{c.id} {unit_code} {c.caller} {ref_label('category', c.category)}".replace("  ", " ")


@provider("complaint_overdue", N_("Overdue complaints"))
def _overdue(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(Complaint, Unit.code).join(Unit, Unit.id == Complaint.unit_id, isouter=True)
            .where(Complaint.status.in_(OPEN_STATUSES)).where(Complaint.due_at < now)
            .order_by(Complaint.due_at).limit(200)
        ).all()
    return [OpenItem("complaint_overdue", f"complaint:{c.id}", title_of(c, code or ""), c.received_at, True,
                     {"status": status_label(c.status), "due_at": c.due_at.isoformat()}) for c, code in rows]
