"""The watch list (kept by supervisors), revealing a masked ID number (audited), and the
purge of visitor personal data past the retention period (SPEC 3.9)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from ...clock import as_utc
from ...errors import Conflict, NotFound, ValidationError
from ...i18n import _
from ...models import Staff
from ...models.gate import GateVisitor, PreRegistration, VehicleMove, Visit, VisitRefusal, WatchEntry
from ...validators import (
    clean_text,
    compact,
    mask_id_number,
    validate_id_number,
    validate_name,
    validate_plate,
)
from ..core import audit
from ..core.context import ServiceContext
from ..core.permissions import SUPERVISORS, require


def watch_period(ctx: ServiceContext, valid_from: object = "", valid_until: object = ""
                 ) -> tuple[datetime | None, datetime | None]:
    """A validity period from local dates (``YYYY-MM-DD``, either may be empty): from the
    start of the first day to the end of the last (UTC)."""
    from datetime import time, timedelta

    from ...validators import parse_date

    zone = ctx.local(ctx.now()).tzinfo

    def local_midnight(d):  # type: ignore[no-untyped-def]
        return datetime.combine(d, time(0), tzinfo=zone)

    start = local_midnight(parse_date(valid_from, field="valid_from")) if str(valid_from or "").strip() else None
    end = (local_midnight(parse_date(valid_until, field="valid_until")) + timedelta(days=1)
           if str(valid_until or "").strip() else None)
    if start and end and end <= start:
        raise ValidationError("valid_until", _("The end of the period is before its start"))
    return (as_utc(start) if start else None), (as_utc(end) if end else None)


def add_watch(ctx: ServiceContext, reason: str, name: str = "", id_number: str = "", plate: str = "",
              valid_from: object = "", valid_until: object = "") -> WatchEntry:
    """A watch-list entry; ``valid_from``/``valid_until`` (local dates) limit when it hits."""
    require(ctx.actor, SUPERVISORS, _("keep the watch list"))
    start, end = watch_period(ctx, valid_from, valid_until)
    name = validate_name(name) if str(name or "").strip() else ""
    idn = compact(id_number)
    if idn and not 2 <= len(idn) <= 30:
        raise ValidationError("id_number", _("An ID number has 2 to 30 characters"))
    plate = validate_plate(plate) if str(plate or "").strip() else ""
    if not (name or idn or plate):
        raise ValidationError("name", _("Give a name, an ID number or a plate"))
    reason = clean_text(reason, field="reason", max_len=200, required=True)
    now = ctx.now()
    with ctx.db.write() as session:
        row = WatchEntry(name=name, id_number=idn, plate=plate, reason=reason, added_at=now, added_by=ctx.actor.id,
                         valid_from=start, valid_until=end)
        session.add(row)
        session.flush()
        audit.record(session, ctx.actor, now, "gate.watch_add", "gate_watch", row.id,
                     after={"name": name, "id": mask_id_number(idn), "plate": plate, "reason": reason,
                            "valid_from": start.isoformat() if start else "",
                            "valid_until": end.isoformat() if end else ""})
    return row


def list_watch(ctx: ServiceContext, limit: int = 200) -> list[WatchEntry]:
    """Active entries, ID numbers as stored (screens and CLI mask them). Supervisors only:
    guards see the hits at check-in (``check_watch``), never the list."""
    require(ctx.actor, SUPERVISORS, _("read the watch list"))
    with ctx.db.read() as session:
        return list(session.execute(select(WatchEntry).where(WatchEntry.active.is_(True))
                                    .order_by(WatchEntry.id.desc()).limit(limit)).scalars())


def add_watch_entry(ctx: ServiceContext, reason: str, name: str = "", id_type: str = "resident_id",
                    id_number: str = "", plate: str = "", valid_from: object = "",
                    valid_until: object = "") -> WatchEntry:
    """As ``add_watch``, with the ID number checked by the rules of its type (check digit,
    birth date...), so a mistyped number cannot sit on the list matching nobody. Every
    field is checked before anything is written."""
    require(ctx.actor, SUPERVISORS, _("keep the watch list"))
    if str(id_number or "").strip():
        id_number = validate_id_number(id_number, id_type or "resident_id", field="id_number",
                                       today=ctx.local(ctx.now()).date())
    return add_watch(ctx, reason, name, id_number, plate, valid_from, valid_until)


def deactivate_watch(ctx: ServiceContext, entry_id: int, reason: str) -> None:
    """Take an entry off the active watch list, saying why. The row stays (inactive, with who
    and when); the reason is kept in the audit trail with the entry as it was."""
    require(ctx.actor, SUPERVISORS, _("keep the watch list"))
    reason = clean_text(reason, field="reason", max_len=200, required=True)
    now = ctx.now()
    with ctx.db.write() as session:
        row = session.get(WatchEntry, entry_id)
        if row is None:
            raise NotFound(_("No such watch-list entry"))
        done = session.execute(update(WatchEntry).where(WatchEntry.id == entry_id, WatchEntry.active.is_(True))
                               .values(active=False, removed_at=now, removed_by=ctx.actor.id)).rowcount
        if done != 1:
            raise Conflict(_("This watch-list entry is no longer active"))
        audit.record(session, ctx.actor, now, "gate.watch_deactivate", "gate_watch", entry_id,
                     before={"name": row.name, "id": mask_id_number(row.id_number) if row.id_number else "",
                             "plate": row.plate, "reason": row.reason, "active": True},
                     after={"active": False, "reason": reason})


@dataclass(frozen=True)
class WatchRow:
    """An active entry for display: the ID number is already masked."""

    entry_id: int
    name: str
    id_masked: str
    plate: str
    reason: str
    added_at: datetime
    added_by: str


def watch_page(ctx: ServiceContext, before_id: int | None = None, limit: int = 50) -> list[WatchRow]:
    """One page of active entries, newest first (keyset: ids below ``before_id``). Supervisors."""
    require(ctx.actor, SUPERVISORS, _("read the watch list"))
    limit = max(1, min(int(limit), 500))
    stmt = (select(WatchEntry, Staff.name).outerjoin(Staff, Staff.id == WatchEntry.added_by)
            .where(WatchEntry.active.is_(True)))
    if before_id is not None:
        stmt = stmt.where(WatchEntry.id < before_id)
    with ctx.db.read() as session:
        rows = session.execute(stmt.order_by(WatchEntry.id.desc()).limit(limit)).all()
    return [WatchRow(e.id, e.name, mask_id_number(e.id_number) if e.id_number else "", e.plate, e.reason,  # type: ignore[arg-type]
                     as_utc(e.added_at), who or "") for e, who in rows]


def reveal_id_number(ctx: ServiceContext, visit_id: int, supervisor=None) -> str:  # type: ignore[no-untyped-def]
    """The full ID number of a visit, for a supervisor (the acting one, or ``supervisor``
    whose PIN the caller verified). The reveal is audited."""
    who = supervisor or ctx.actor
    require(who, SUPERVISORS, _("reveal an ID number"))
    now = ctx.now()
    with ctx.db.write() as session:
        row = session.execute(select(Visit.id_number, Visit.purged).where(Visit.id == visit_id)).first()
        if row is None:
            raise NotFound(_("No such visit"))
        if row[1] or not row[0]:
            raise Conflict(_("No ID number is kept for this visit"))
        audit.record(session, who, now, "gate.id_reveal", "gate_visit", visit_id,
                     after={"terminal_user": ctx.actor.name})
    return row[0]


def purge_visitors(ctx: ServiceContext, before: datetime, batch: int = 5000) -> int:
    """Blank the names, ID numbers and phones of visits (and refusals, pre-registrations,
    vehicle drivers) older than ``before``; keep times, headcount, host unit and purpose,
    so the counts stay. Returns how many visits were purged. Supervisors only; audited."""
    require(ctx.actor, SUPERVISORS, _("purge visitor personal data"))
    if before.tzinfo is None:
        raise ValidationError("before", _("This field is required"))
    if before > ctx.now():
        raise ValidationError("before", _("The date is in the future"))
    total = 0
    now = ctx.now()
    with ctx.db.write() as session:
        while True:
            ids = session.execute(select(Visit.id).where(Visit.checked_in_at < before, Visit.purged.is_(False))
                                  .limit(batch)).scalars().all()
            if not ids:
                break
            session.execute(update(Visit).where(Visit.id.in_(ids))
                            .values(name="", id_number="", phone="", plate="", visitor_id=None, purged=True))
            total += len(ids)
        session.execute(update(VisitRefusal).where(VisitRefusal.at < before)
                        .values(name="", id_number="", phone=""))
        session.execute(update(PreRegistration).where(PreRegistration.created_at < before)
                        .values(name="", id_number="", phone=""))
        session.execute(update(VehicleMove).where(VehicleMove.in_at < before, VehicleMove.resident.is_(False))
                        .values(driver="", phone="", driver_confirm=""))
        session.execute(update(GateVisitor).where(GateVisitor.last_seen_at < before)
                        .values(name="", initials="", id_number="", phone=""))
        audit.record(session, ctx.actor, now, "gate.purge", "gate_visit", "",
                     after={"before": before.isoformat(), "visits": total})
    return total
