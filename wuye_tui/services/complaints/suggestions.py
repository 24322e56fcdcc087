"""Suggestions (合理化建议, article 2): logged in detail, reported to a supervisor (the
director decides), outcome recorded."""

from __future__ import annotations

from sqlalchemy import select

from ...errors import Conflict, NotFound, ValidationError
from ...i18n import N_, _
from ...models import Staff
from ...models.complaints import Suggestion
from ...validators import clean_text, validate_name, validate_phone
from ..core import audit
from ..core.context import ServiceContext
from ..core.permissions import OFFICE, SUPERVISORS, require

OUTCOMES = {"adopted": N_("Adopted"), "planned": N_("Planned for later"), "declined": N_("Declined")}
STATUS_LABELS = {"logged": N_("Logged"), "reported": N_("Reported"), "decided": N_("Decided")}


def resolve_outcome(value: object) -> str:
    """An outcome from its number in the list (1 adopted, 2 planned, 3 declined), its code
    or its name in either language."""
    text = str(value or "").strip()
    if not text:
        raise ValidationError("outcome", _("This field is required"))
    codes = list(OUTCOMES)
    if text.isdigit():
        if 1 <= int(text) <= len(codes):
            return codes[int(text) - 1]
        raise ValidationError("outcome", _("Choose a number from 1 to {n}").format(n=len(codes)))
    low = text.lower()
    for code, label in OUTCOMES.items():
        if low in (code, label.lower(), _(label).lower()):
            return code
    raise ValidationError("outcome", _("Unknown outcome"))


def supervisors(ctx: ServiceContext) -> list[str]:
    """Names of the active supervisors and managers a suggestion can be reported to."""
    require(ctx.actor, OFFICE, _("report a suggestion"))
    with ctx.db.read() as session:
        return list(session.execute(select(Staff.name).where(Staff.role.in_(SUPERVISORS))
                                    .where(Staff.active.is_(True)).order_by(Staff.name)).scalars())


def log(ctx: ServiceContext, name: str, content: str, unit: object = None, phone: str = "") -> Suggestion:
    require(ctx.actor, OFFICE, _("log a suggestion"))
    from .common import unit_id_of

    name = validate_name(name, field="name")
    unit_id = unit_id_of(ctx, unit)
    phone = validate_phone(phone, field="phone") if str(phone or "").strip() else ""
    content = clean_text(content, field="content", max_len=2000, required=True, multiline=True)
    now = ctx.now()
    with ctx.db.write() as session:
        sg = Suggestion(received_at=now, received_by=ctx.actor.id, unit_id=unit_id, name=name, phone=phone,
                        content=content)
        session.add(sg)
        session.flush()
        audit.record(session, ctx.actor, now, "suggestion.log", "suggestion", sg.id,
                     after={"name": name, "unit_id": unit_id, "content": content})
    return sg


def report(ctx: ServiceContext, suggestion_id: int, supervisor: str) -> Suggestion:
    """Reported to the named supervisor (or manager)."""
    require(ctx.actor, OFFICE, _("report a suggestion"))
    name = clean_text(supervisor, field="supervisor", max_len=40, required=True)
    if name.isdigit():  # its number in the list of supervisors
        names = supervisors(ctx)
        if not 1 <= int(name) <= len(names):
            raise ValidationError("supervisor", _("Choose a number from 1 to {n}").format(n=len(names)))
        name = names[int(name) - 1]
    now = ctx.now()
    with ctx.db.write() as session:
        sup = session.execute(select(Staff).where(Staff.name == name)).scalar_one_or_none()
        if sup is None or sup.role not in SUPERVISORS or not sup.active:
            raise ValidationError("supervisor", _("No active supervisor of that name"))
        sg = session.get(Suggestion, suggestion_id)
        if sg is None:
            raise NotFound(_("No suggestion #{id}").format(id=suggestion_id))
        if sg.status != "logged":
            raise Conflict(_("Suggestion #{id} was already reported").format(id=suggestion_id))
        sg.status, sg.reported_at, sg.reported_to = "reported", now, sup.id
        audit.record(session, ctx.actor, now, "suggestion.report", "suggestion", sg.id, after={"to": name})
    return sg


def decide(ctx: ServiceContext, suggestion_id: int, outcome: str, note: str) -> Suggestion:
    require(ctx.actor, SUPERVISORS, _("decide on a suggestion"))
    outcome = resolve_outcome(outcome)
    note = clean_text(note, field="outcome_note", max_len=2000, required=True, multiline=True)
    now = ctx.now()
    with ctx.db.write() as session:
        sg = session.get(Suggestion, suggestion_id)
        if sg is None:
            raise NotFound(_("No suggestion #{id}").format(id=suggestion_id))
        if sg.status == "decided":
            raise Conflict(_("Suggestion #{id} was already decided").format(id=suggestion_id))
        if sg.status != "reported":
            raise Conflict(_("Suggestion #{id} must be reported to a supervisor first").format(id=suggestion_id))
        sg.status, sg.outcome, sg.outcome_note, sg.decided_at, sg.decided_by = "decided", outcome, note, now, ctx.actor.id
        audit.record(session, ctx.actor, now, "suggestion.decide", "suggestion", sg.id,
                     after={"outcome": outcome, "note": note})
    return sg


def list_suggestions(ctx: ServiceContext, status: str = "", before_id: int | None = None,
                     limit: int = 50) -> list[Suggestion]:
    require(ctx.actor, OFFICE, _("read suggestions"))
    q = select(Suggestion).order_by(Suggestion.id.desc()).limit(limit)
    if status:
        q = q.where(Suggestion.status == status)
    if before_id is not None:
        q = q.where(Suggestion.id < before_id)
    with ctx.db.read() as session:
        return list(session.execute(q).scalars())
