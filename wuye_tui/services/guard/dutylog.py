"""The duty log (值班记录): timestamped entries by post with type and severity.

An entry may be an incident: it stays open until closed with a note. An incident of a
major type (火灾, 电梯困人...) raises an escalation in the same write transaction; the
notification runs after commit. Entries are never edited: a correction is a new entry
that names the one it corrects. Every entry is in the audit hash chain with its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from ...errors import Conflict, NotFound, ValidationError
from ...i18n import N_, _
from ...models import Escalation, Staff
from ...models.guard import DutyEntry
from ...reference import load_reference
from ...validators import clean_text
from ..core import audit
from ..core.context import ServiceContext
from ..core.escalation import major_label, notify_async, raise_in
from ..core.open_items import OpenItem, provider
from ..core.permissions import STAFF, require

TEXT_MAX = 2000
CLOSE_NOTE_MAX = 1000


@dataclass(frozen=True)
class EntryInput:
    """Validated fields of a new entry (built by ``check_entry``)."""

    post: str
    duty_type: str
    severity: str
    text: str
    incident: bool
    major_type: str


def _code(collection: str, value: object, field: str, message: str) -> str:
    code = str(value or "").strip()
    if not code:
        raise ValidationError(field, _("This field is required"))
    try:
        load_reference().find(collection, code)
    except LookupError:
        raise ValidationError(field, message) from None
    return code


def check_entry(post: object, duty_type: object, severity: object, text: object,
                incident: bool = False, major_type: object = "") -> EntryInput:
    """Validate every field of an entry (raises ValidationError naming the field)."""
    p = _code("post", post, "post", _("Unknown post"))
    t = _code("duty_type", duty_type, "duty_type", _("Unknown entry type"))
    s = _code("severity", severity, "severity", _("Unknown severity"))
    body = clean_text(text, field="text", max_len=TEXT_MAX, required=True, multiline=True)
    major = str(major_type or "").strip()
    if major:
        major = _code("major_type", major, "major_type", _("Unknown major type"))
        incident = True
    return EntryInput(p, t, s, body, bool(incident), major)


def add_in(session: Session, ctx: ServiceContext, entry: EntryInput, source: str = "manual",
           source_ref: str = "") -> tuple[DutyEntry, Escalation | None]:
    """Write a checked entry inside an open write transaction (audited, escalated)."""
    now = ctx.now()
    row = DutyEntry(at=now, staff_id=ctx.actor.id, post=entry.post, duty_type=entry.duty_type,  # type: ignore[arg-type]
                    severity=entry.severity, text=entry.text, is_incident=entry.incident,
                    status="open" if entry.incident else "", major_type=entry.major_type,
                    source=source, source_ref=source_ref[:60])
    session.add(row)
    session.flush()
    esc = None
    if entry.major_type:
        ref = load_reference()
        title = f"{ref.label('duty_type', entry.duty_type)}: {entry.text}"[:200]
        esc = raise_in(session, ctx, entry.major_type, "incident", str(row.id), title,
                       _("Duty log #{id}, {post}").format(id=row.id, post=ref.label("post", entry.post)))
        row.escalation_id = esc.id
    audit.record(session, ctx.actor, now, "dutylog.add", "duty_entry", row.id, after={
        "post": row.post, "type": row.duty_type, "severity": row.severity, "text": row.text,
        "incident": row.is_incident, "major_type": row.major_type, "source": source,
        "source_ref": row.source_ref, "escalation_id": row.escalation_id,
    })
    return row, esc


def add_entry(ctx: ServiceContext, post: object, duty_type: object, severity: object, text: object,
              incident: bool = False, major_type: object = "") -> DutyEntry:
    require(ctx.actor, STAFF, _("write the duty log"))
    entry = check_entry(post, duty_type, severity, text, incident, major_type)
    with ctx.db.write() as session:
        row, esc = add_in(session, ctx, entry)
    if esc is not None:
        notify_async(ctx, esc)
    return row


def correct_entry(ctx: ServiceContext, entry_id: int, text: object) -> DutyEntry:
    """A correction is a new entry pointing at the one it corrects (nothing is edited)."""
    require(ctx.actor, STAFF, _("write the duty log"))
    body = clean_text(text, field="text", max_len=TEXT_MAX, required=True, multiline=True)
    with ctx.db.write() as session:
        old = session.get(DutyEntry, entry_id)
        if old is None:
            raise NotFound(_("No duty log entry #{id}").format(id=entry_id))
        entry = EntryInput(old.post, old.duty_type, old.severity,
                           _("Correction of #{id}: {text}").format(id=entry_id, text=body)[:TEXT_MAX], False, "")
        row, _esc = add_in(session, ctx, entry, source="correction", source_ref=f"entry:{entry_id}")
    return row


def close_incident(ctx: ServiceContext, entry_id: int, note: object) -> DutyEntry:
    require(ctx.actor, STAFF, _("close an incident"))
    note = clean_text(note, field="close_note", max_len=CLOSE_NOTE_MAX, required=True, multiline=True)
    with ctx.db.write() as session:
        row = session.get(DutyEntry, entry_id)
        if row is None:
            raise NotFound(_("No duty log entry #{id}").format(id=entry_id))
        if not row.is_incident:
            raise Conflict(_("Entry #{id} is not an incident").format(id=entry_id))
        if row.status == "closed":
            raise Conflict(_("Incident #{id} is already closed").format(id=entry_id))
        row.status = "closed"
        row.closed_at = ctx.now()
        row.closed_by = ctx.actor.id
        row.close_note = note
        audit.record(session, ctx.actor, ctx.now(), "dutylog.close", "duty_entry", row.id,
                     before={"status": "open"}, after={"status": "closed", "note": note})
    return row


@dataclass(frozen=True)
class EntryRow:
    entry: DutyEntry
    staff_name: str
    closed_by_name: str = ""


def list_entries(ctx: ServiceContext, before_id: int | None = None, limit: int = 50,
                 open_only: bool = False, start: datetime | None = None,
                 end: datetime | None = None) -> list[EntryRow]:
    """Newest first, keyset paged by id."""
    require(ctx.actor, STAFF, _("read the duty log"))
    closer = Staff.__table__.alias("closer")  # type: ignore[attr-defined]
    q = (select(DutyEntry, Staff.name, closer.c.name)
         .join(Staff, Staff.id == DutyEntry.staff_id)
         .join(closer, closer.c.id == DutyEntry.closed_by, isouter=True)
         .order_by(DutyEntry.id.desc()).limit(max(1, min(limit, 500))))
    if before_id is not None:
        q = q.where(DutyEntry.id < before_id)
    if open_only:
        q = q.where(DutyEntry.status == "open")
    if start is not None:
        q = q.where(DutyEntry.at >= start)
    if end is not None:
        q = q.where(DutyEntry.at < end)
    with ctx.db.read() as session:
        return [EntryRow(r[0], r[1], r[2] or "") for r in session.execute(q).all()]


def get_entry(ctx: ServiceContext, entry_id: int) -> EntryRow:
    require(ctx.actor, STAFF, _("read the duty log"))
    with ctx.db.read() as session:
        row = session.execute(select(DutyEntry, Staff.name).join(Staff, Staff.id == DutyEntry.staff_id)
                              .where(DutyEntry.id == entry_id)).first()
        if row is None:
            raise NotFound(_("No duty log entry #{id}").format(id=entry_id))
        closer = session.get(Staff, row[0].closed_by) if row[0].closed_by else None
    return EntryRow(row[0], row[1], closer.name if closer else "")


def describe(entry: DutyEntry) -> str:
    ref = load_reference()
    kind = ref.label("duty_type", entry.duty_type)
    major = f"[{major_label(entry.major_type)}] " if entry.major_type else ""
    return f"{major}{kind}: {entry.text}"


@provider("incident", N_("Open incidents"))
def _open_incidents(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    ref = load_reference()
    with ctx.db.read() as session:
        rows = session.execute(select(DutyEntry).where(DutyEntry.status == "open")
                               .order_by(DutyEntry.id).limit(500)).scalars().all()
    def serious(e: DutyEntry) -> bool:
        try:
            return bool(e.major_type) or ref.severity(e.severity).rank >= 3
        except LookupError:
            return bool(e.major_type)

    return [OpenItem("incident", f"duty_entry:{e.id}", f"#{e.id} {describe(e)}"[:200], e.at, serious(e),
                     {"post": e.post, "severity": e.severity}) for e in rows]
