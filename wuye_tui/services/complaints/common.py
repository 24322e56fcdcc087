"""Shared pieces of the complaint services: statuses, choices from reference data,
event rows and loading a complaint inside a transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from ...errors import Conflict, NotFound, ValidationError
from ...i18n import N_, _
from ...models.complaints import Complaint, ComplaintEvent
from ..core.context import Actor, ServiceContext

RECEIVED, DISPATCHED, IN_PROGRESS = "received", "dispatched", "in_progress"
REPLIED, CONFIRMED, ARCHIVED = "replied", "confirmed", "archived"
STATUSES = (RECEIVED, DISPATCHED, IN_PROGRESS, REPLIED, CONFIRMED, ARCHIVED)
OPEN_STATUSES = (RECEIVED, DISPATCHED, IN_PROGRESS)  # a reply is still owed
STATUS_LABELS = {
    RECEIVED: N_("Received"),
    DISPATCHED: N_("Dispatched"),
    IN_PROGRESS: N_("In progress"),
    REPLIED: N_("Replied"),
    CONFIRMED: N_("Confirmed"),
    ARCHIVED: N_("Archived"),
}
EVENT_LABELS = {
    "received": N_("Received"),
    "dispatched": N_("Dispatched"),
    "started": N_("Work started"),
    "deferred": N_("Cannot be solved now"),
    "replied": N_("Replied to the customer"),
    "confirmed": N_("Confirmed by the customer"),
    "unsatisfied": N_("Customer not satisfied: reopened"),
    "contact_failed": N_("Customer could not be reached"),
    "archived": N_("Archived"),
    "archived_unconfirmed": N_("Archived without confirmation"),
    "note": N_("Note"),
    "correction": N_("Correction"),
    "escalated": N_("Escalated"),
    "collective": N_("Part of a collective complaint"),
    "collective_unlinked": N_("Taken out of a collective complaint"),
    "validity": N_("Validity changed"),
    "letter": N_("Reply letter produced"),
}
DEFAULT_FAILED_CONTACTS = 3
DEFAULT_RETURN_DELAY_DAYS = 3
DEFAULT_COLLECTIVE_HOURS = 24
DEFAULT_COLLECTIVE_HOUSEHOLDS = 3


STEP_LABELS = {
    "dispatch": N_("Dispatch"),
    "start": N_("Start work"),
    "defer": N_("Cannot solve now"),
    "reply": N_("Reply"),
    "confirm": N_("Customer confirms"),
    "contact_failed": N_("Not reached"),
    "archive": N_("Archive"),
    "archive_unconfirmed": N_("Archive unconfirmed"),
    "note": N_("Note"),
    "correct": N_("Correct"),
    "validity": N_("Valid/invalid"),
    "link": N_("Link to a collective complaint"),
    "unlink": N_("Take out of the collective complaint"),
}


def step_label(code: str) -> str:
    return _(STEP_LABELS.get(code, code))


def resolve_status(value: object) -> str:
    """A status code from its code, its name in either language, or "open" / 未办结."""
    text = str(value or "").strip()
    if not text:
        return ""
    low = text.lower().replace("-", "_")
    if low in ("open", "未办结", _("open").lower()):
        return "open"
    for code, label in STATUS_LABELS.items():
        if low in (code, label.lower(), _(label).lower()):
            return code
    raise ValidationError("status", _("Unknown status: {value}").format(value=text[:40]))


def status_label(code: str) -> str:
    return _(STATUS_LABELS.get(code, code))


def event_label(code: str) -> str:
    return _(EVENT_LABELS.get(code, code))


def settings_value(name: str, default: int) -> int:
    """A number from data/complaints.toml [settings], or the code default."""
    from ...reference import load_reference

    return int(getattr(load_reference().complaint_settings, name, default))


def choices(collection: str) -> list[Any]:
    """The reference entries offered for a field, in file order (digits count from 1)."""
    from ...reference import load_reference

    ref = load_reference()
    if collection == "category":
        return [c for c in ref.categories if c.kind in ("complaint", "request")]
    return list(getattr(ref, ref.COLLECTIONS[collection]))


def resolve_choice(collection: str, value: object, field: str, required: bool = True) -> str:
    """A code from a code, a 1-based number in the list, or the zh/en name."""
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise ValidationError(field, _("This field is required"))
        return ""
    items = choices(collection)
    if text.isdigit():
        n = int(text)
        if 1 <= n <= len(items):
            return items[n - 1].code
        raise ValidationError(field, _("Choose a number from 1 to {n}").format(n=len(items)))
    low = text.lower()
    for item in items:
        if low in (item.code, item.zh.lower(), item.en.lower()):
            return item.code
    raise ValidationError(field, _("Unknown choice: {value}").format(value=text[:40]))


def ref_label(collection: str, code: str) -> str:
    """The entry's name; a code no longer in data/ shows as itself."""
    from ...reference import load_reference

    return load_reference().label(collection, code)


def add_event(session: Session, c: Complaint, at: datetime, actor: Actor | None, kind: str,
              to_status: str = "", note: str = "", **extra: Any) -> ComplaintEvent:
    ev = ComplaintEvent(complaint_id=c.id, at=at, staff_id=actor.id if actor else None, kind=kind,  # type: ignore[arg-type]
                        from_status=c.status, to_status=to_status or c.status, note=note[:2000], **extra)
    session.add(ev)
    return ev


def load_for_update(session: Session, complaint_id: int) -> Complaint:
    """The complaint, or NotFound (inside the caller's session)."""
    c = session.get(Complaint, complaint_id)
    if c is None:
        raise NotFound(_("No complaint #{id}").format(id=complaint_id))
    return c


UNCONFIRMED_AFTER_DAYS = 7


def unconfirmed_days(c: Complaint, now: datetime) -> int:
    """Days since the reply of a complaint still waiting for the customer's confirmation,
    when that is at least UNCONFIRMED_AFTER_DAYS (flagged in the lists); else 0."""
    from ...clock import as_utc

    if c.status != REPLIED or c.replied_at is None:
        return 0
    days = (now - as_utc(c.replied_at)).days
    return days if days >= UNCONFIRMED_AFTER_DAYS else 0


def is_overdue(c: Complaint, now: datetime) -> bool:
    from ...clock import as_utc

    return c.status in OPEN_STATUSES and as_utc(c.due_at) < now


def snapshot(c: Complaint) -> dict[str, Any]:
    return {"status": c.status, "department": c.department, "due_at": c.due_at, "satisfaction": c.satisfaction,
            "contact_failures": c.contact_failures, "valid": c.valid}


def unit_id_of(ctx: ServiceContext, unit: object) -> int | None:
    from ..core.roster import get_unit, unit_by_id

    if unit is None or (isinstance(unit, str) and not unit.strip()):
        return None
    if isinstance(unit, int):
        try:
            return unit_by_id(ctx, unit).id
        except NotFound:
            raise ValidationError("unit", _("No such unit in the roster")) from None
    return get_unit(ctx, str(unit)).id


# A reply letter (书面回复) produced for a complaint is this event; a complaint made on a
# channel that needs a written reply is archived only after one (complaint_letters).
LETTER_EVENT = "letter"


def written_reply_needed(c: Complaint) -> bool:
    from ...reference import load_reference

    try:
        return bool(load_reference().channel(c.channel).written_reply)
    except LookupError:
        return False


def has_letter(session: Session, complaint_id: int) -> bool:
    return session.execute(select(ComplaintEvent.id).where(ComplaintEvent.complaint_id == complaint_id)
                           .where(ComplaintEvent.kind == LETTER_EVENT).limit(1)).first() is not None


def require_letter(session: Session, c: Complaint) -> None:
    """Refuse to archive a complaint that needs a written reply before one was produced."""
    if written_reply_needed(c) and not has_letter(session, c.id):  # type: ignore[arg-type]
        raise Conflict(_("Complaint #{id} was made in writing: produce the reply letter before archiving it")
                       .format(id=c.id))
