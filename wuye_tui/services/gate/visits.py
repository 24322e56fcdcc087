"""Visitors: check-in, refusal, check-out, the on-site board and the returning-visitor
look-up.

Check-in and check-out are each one short write transaction with their audit row. All
input is validated before the transaction opens (``clean_checkin``), so nothing is saved
half. Check-out is a conditional UPDATE (``WHERE checked_out_at IS NULL``): of two guards
checking out the same visitor at once exactly one succeeds, the other gets ``Conflict``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlmodel import Session

from ...clock import as_utc
from ...errors import Conflict, NotFound, PermissionDenied, ValidationError
from ...i18n import _
from ...models import Staff, Unit
from ...models.gate import GateVisitor, VehicleMove, Visit, VisitRefusal
from ...validators import (
    clean_text,
    compact,
    mask_id_number,
    validate_id_number,
    validate_name,
    validate_phone,
    validate_plate,
)
from ..core import audit
from ..core.context import Actor, ServiceContext
from .common import (
    WatchListHit,
    expected_out,
    parse_approval,
    parse_headcount,
    parse_id_type,
    parse_purpose,
    parse_refusal,
    parse_stay_hours,
    prefix_range,
    supervisor_only,
)
from ..core.permissions import GATE, require
from ..core.roster import pinyin_initials

from .common import _blocked, check_watch, record_watch_hit, resolve_unit, watch_hits  # noqa: E402,F401  (the watch list and units, shared by the gate desks)

FIELDS = ("name", "id_type", "id_number", "phone", "headcount", "unit", "approval", "purpose", "plate", "stay")


@dataclass
class CleanCheckIn:
    name: str
    id_type: str
    id_number: str
    phone: str
    headcount: int
    unit_id: int
    unit_code: str
    approval: str
    purpose: str
    plate: str
    stay_hours: float | None
    prereg_code: str = ""


def clean_checkin(ctx: ServiceContext, raw: dict[str, Any]) -> CleanCheckIn:
    """Validate every field (raises ValidationError naming the first bad one)."""
    name = validate_name(raw.get("name"), field="name")
    id_type = parse_id_type(raw.get("id_type") or "1")
    if not str(raw.get("approval") or "").strip():  # asked every visit: never a default
        raise ValidationError("approval", _("This field is required"))
    approval = parse_approval(raw.get("approval"))
    id_raw = raw.get("id_number") or ""
    if str(id_raw).strip():
        id_number = validate_id_number(id_raw, id_type, field="id_number", today=ctx.local(ctx.now()).date())
    elif approval == "prereg" and raw.get("prereg_code"):
        id_number = ""  # the host vouched for a pre-registered visitor
    else:
        raise ValidationError("id_number", _("An ID is required: refuse entry without one (F4)"))
    phone_raw = raw.get("phone") or ""
    phone = validate_phone(phone_raw, field="phone") if str(phone_raw).strip() else ""
    headcount = parse_headcount(raw.get("headcount"))
    unit = resolve_unit(ctx, raw.get("unit"))
    purpose = parse_purpose(raw.get("purpose") or "1")
    plate_raw = raw.get("plate") or ""
    plate = validate_plate(plate_raw, field="plate") if str(plate_raw).strip() else ""
    stay = parse_stay_hours(raw.get("stay"))
    if approval == "prereg" and not raw.get("prereg_code"):
        raise ValidationError("approval", _("Pre-registration needs the code: type it in the look-up"))
    return CleanCheckIn(name, id_type, id_number, phone, headcount, unit.id, unit.code, approval,  # type: ignore[arg-type]
                        purpose, plate, stay, str(raw.get("prereg_code") or ""))


@dataclass(frozen=True)
class WatchHitRow:
    at: datetime
    guard: str
    hits: list[str]
    who: str  # the name and/or plate that was checked


# --------------------------------------------------------------------------- check-in


_GV = GateVisitor.__table__
_VISITOR_BY_ID = select(_GV.c.id).where(_GV.c.id_number == bindparam("id_number")).limit(1)
_VISITOR_BY_PHONE = select(_GV.c.id).where(_GV.c.phone == bindparam("phone"), _GV.c.name == bindparam("name")).limit(1)
_VISITOR_INSERT = insert(_GV)
_VISIT_INSERT = insert(Visit.__table__)
_VISITOR_LAST = update(_GV).where(_GV.c.id == bindparam("vid")).values(last_visit_id=bindparam("last"))


def _upsert_visitor(session: Session, c: CleanCheckIn, now: datetime) -> int:
    """Find or add the person (by ID number, else name + phone); Core statements, for speed."""
    conn = session.connection()
    t = GateVisitor.__table__
    who = None
    if c.id_number and "*" in c.id_number:  # kept partly (id_storage=partial): the name too
        who = conn.execute(_VISITOR_BY_ID.where(_GV.c.name == c.name), {"id_number": c.id_number}).scalar()
    elif c.id_number:
        who = conn.execute(_VISITOR_BY_ID, {"id_number": c.id_number}).scalar()
    elif c.phone:
        who = conn.execute(_VISITOR_BY_PHONE, {"phone": c.phone, "name": c.name}).scalar()
    initials = pinyin_initials(c.name)
    if who is None:
        return conn.execute(_VISITOR_INSERT, {"name": c.name, "initials": initials,  # type: ignore[no-any-return]
                                              "id_type": c.id_type, "id_number": c.id_number, "phone": c.phone,
                                              "last_seen_at": now, "visits": 1}).inserted_primary_key[0]
    values: dict[str, Any] = {"name": c.name, "initials": initials, "last_seen_at": now, "visits": t.c.visits + 1}
    if c.id_number:
        values["id_type"] = c.id_type
    if c.phone:
        values["phone"] = c.phone
    conn.execute(update(t).where(t.c.id == who).values(**values))
    return who  # type: ignore[no-any-return]


class AlreadyOnSite(Conflict):
    """One visitor, one visit: the person checking in (same ID number, or same name for the
    same host unit) is still on site. The caller offers to check the earlier visit out
    (``replace=visit_id``) or a supervisor's override (``allow_duplicate=supervisor``)."""

    def __init__(self, message: str, visit_id: int, name: str, unit: str, since: datetime) -> None:
        super().__init__(message)
        self.visit_id = visit_id
        self.name = name
        self.unit = unit
        self.since = since


def _open_duplicate(session: Session, c: CleanCheckIn) -> tuple[int, str, datetime] | None:
    """The open visit of the same person: same ID number, or same name + same host unit."""
    cond = and_(Visit.name == c.name, Visit.host_unit_id == c.unit_id)
    if c.id_number:
        cond = or_(Visit.id_number == c.id_number, cond)
    row = session.execute(select(Visit.id, Visit.name, Visit.checked_in_at)
                          .where(Visit.checked_out_at.is_(None), Visit.purged.is_(False), cond)
                          .order_by(Visit.id.desc()).limit(1)).first()
    return (row[0], row[1], as_utc(row[2])) if row else None




def recent_watch_hits(ctx: ServiceContext, limit: int = 50) -> list[WatchHitRow]:
    """Watch-list hits at the gate, newest first (supervisors)."""
    import json

    from ...models import AuditEntry

    from ..core.permissions import SUPERVISORS

    require(ctx.actor, SUPERVISORS, _("see watch-list hits"))
    with ctx.db.read() as session:
        rows = session.execute(select(AuditEntry.at, Staff.name, AuditEntry.after)
                               .join(Staff, Staff.id == AuditEntry.staff_id, isouter=True)
                               .where(AuditEntry.action == "gate.watch_hit")
                               .order_by(AuditEntry.id.desc()).limit(limit)).all()
    out = []
    for at, guard, after in rows:
        data = json.loads(after or "{}")
        who = " ".join(str(data.get(k) or "") for k in ("name", "plate") if data.get(k))
        out.append(WatchHitRow(as_utc(at), guard or "", list(data.get("hits") or []), who))
    return out


def check_in(ctx: ServiceContext, raw: dict[str, Any] | CleanCheckIn, override: Actor | None = None,
             replace: int | None = None, allow_duplicate: Actor | None = None) -> Visit:
    """Register a visitor; see ``_check_in``. A watch-list hit is recorded before
    ``WatchListHit`` reaches the caller."""
    c = raw if isinstance(raw, CleanCheckIn) else None
    try:
        return _check_in(ctx, raw, override, replace, allow_duplicate)
    except WatchListHit as exc:
        c = c or clean_checkin(ctx, raw)  # type: ignore[arg-type]
        record_watch_hit(ctx, exc.hits, "gate_visit", {"name": c.name, "id": mask_id_number(c.id_number),
                                                      "plate": c.plate, "unit": c.unit_code})
        raise


def stored_id_number(policy: str, id_number: str) -> str:
    """What is kept of a checked ID number under the ``id_storage`` site setting: the full
    number, the first 6 and last 4 (``110105********002X``), or nothing (``checked``: the
    visit only records that an ID was seen). The watch list is always matched against the
    full number first, before anything is stored."""
    if not id_number or policy == "full":
        return id_number
    if policy == "partial":
        return mask_id_number(id_number)
    return ""


def _check_in(ctx: ServiceContext, raw: dict[str, Any] | CleanCheckIn, override: Actor | None = None,
              replace: int | None = None, allow_duplicate: Actor | None = None) -> Visit:
    """Register a visitor (and their vehicle's entry when a plate is given).

    A watch-list hit raises ``WatchListHit`` unless ``override`` is a supervisor (whose PIN
    the caller verified); the override is audited. The same person still on site raises
    ``AlreadyOnSite`` unless ``replace`` names that earlier visit (checked out in the same
    transaction, audited) or ``allow_duplicate`` is a supervisor (audited as
    ``gate.duplicate_override``). One short write transaction: Core statements for the
    visitor and the visit, then the audit rows."""
    require(ctx.actor, GATE, _("register visitors"))
    supervisor_only(override)
    supervisor_only(allow_duplicate)
    c = raw if isinstance(raw, CleanCheckIn) else clean_checkin(ctx, raw)
    now = ctx.now()
    from dataclasses import replace as with_

    from ..core import settings
    from .prereg import claim_prereg

    full_id, id_checked = c.id_number, bool(c.id_number)
    c = with_(c, id_number=stored_id_number(settings.load(ctx).id_storage, c.id_number))
    with ctx.db.write() as session:
        hits = watch_hits(session, c.name, full_id, c.plate, now=ctx.now())
        if hits and override is None:
            raise _blocked(hits)
        prereg_id = claim_prereg(session, c.prereg_code, now) if c.prereg_code else None
        dup = _open_duplicate(session, c)
        if dup is not None and replace == dup[0]:
            _close_visit(session, ctx, dup[0], now, reason="replaced")
            dup = None
        if dup is not None and allow_duplicate is None:
            raise AlreadyOnSite(_("{name} is already on site (No. {id}, in at {time}): check that visit out "
                                  "first, or a supervisor allows a second visit").format(
                name=dup[1], id=dup[0], time=f"{ctx.local(dup[2]):%m-%d %H:%M}"), dup[0], dup[1], c.unit_code, dup[2])
        who = _upsert_visitor(session, c, now)
        visit = Visit(visitor_id=who, name=c.name, id_type=c.id_type, id_number=c.id_number, phone=c.phone,
                      headcount=c.headcount, host_unit_id=c.unit_id, approval=c.approval, purpose=c.purpose,
                      plate=c.plate, prereg_id=prereg_id, group_ref="", checked_in_at=now,
                      expected_out_at=expected_out(now, c.purpose, c.stay_hours), checked_out_at=None,
                      guard_id=ctx.actor.id, out_guard_id=None, override_by=override.id if hits and override else None,
                      purged=False, id_checked=id_checked)
        conn = session.connection()
        values = visit.model_dump(exclude={"id"})
        visit.id = conn.execute(_VISIT_INSERT, values).inserted_primary_key[0]
        conn.execute(_VISITOR_LAST, {"vid": who, "last": visit.id})
        if prereg_id is not None:
            from .prereg import mark_used

            mark_used(session, prereg_id, visit.id, now)  # type: ignore[arg-type]
        if c.plate:
            from .vehicles import insert_entry

            insert_entry(session, ctx, c.plate, unit_id=c.unit_id, driver=c.name, phone=c.phone,
                         purpose=c.purpose, visit_id=visit.id, override=override if hits else None)
        audit.record(session, ctx.actor, now, "gate.check_in", "gate_visit", visit.id,
                     after={"name": c.name, "id": mask_id_number(c.id_number), "unit": c.unit_code,
                            "headcount": c.headcount, "purpose": c.purpose, "approval": c.approval,
                            "plate": c.plate, "prereg": c.prereg_code})
        if hits and override is not None:
            audit.record(session, override, now, "gate.watch_override", "gate_visit", visit.id,
                         after={"hits": hits, "guard": ctx.actor.name})
        if dup is not None and allow_duplicate is not None:
            audit.record(session, allow_duplicate, now, "gate.duplicate_override", "gate_visit", visit.id,
                         after={"earlier_visit": dup[0], "name": c.name, "guard": ctx.actor.name})
    return visit


def refuse(ctx: ServiceContext, reason: str, name: str = "", id_type: str = "", id_number: str = "",
           phone: str = "", unit: str = "", plate: str = "", note: str = "") -> VisitRefusal:
    """Record a refused entry; whatever is known about the person is kept as typed."""
    require(ctx.actor, GATE, _("record a refused entry"))
    code = parse_refusal(reason)
    name = validate_name(name) if str(name or "").strip() else ""
    note = clean_text(note, field="note", max_len=200)
    if code == "other" and not note:
        raise ValidationError("note", _("Say why the entry was refused"))
    id_t = parse_id_type(id_type) if str(id_type or "").strip() else ""
    id_n = compact(id_number)
    if len(id_n) > 30:  # refused with a message, never cut
        raise ValidationError("id_number", _("At most {n} characters: this is {m}").format(n=30, m=len(id_n)))
    phone = validate_phone(phone) if str(phone or "").strip() else ""
    plate = validate_plate(plate) if str(plate or "").strip() else ""
    unit_id = resolve_unit(ctx, unit).id if str(unit or "").strip() else None
    now = ctx.now()
    with ctx.db.write() as session:
        row = VisitRefusal(at=now, reason=code, note=note, name=name, id_type=id_t, id_number=id_n, phone=phone,
                           plate=plate, host_unit_id=unit_id, guard_id=ctx.actor.id)
        session.add(row)
        session.flush()
        audit.record(session, ctx.actor, now, "gate.refuse", "gate_refusal", row.id,
                     after={"reason": code, "name": name, "id": mask_id_number(id_n), "plate": plate, "note": note})
    return row


@dataclass(frozen=True)
class RefusalRow:
    refusal_id: int
    at: datetime
    reason: str  # code
    note: str
    name: str
    plate: str
    unit: str
    guard: str


def recent_refusals(ctx: ServiceContext, limit: int = 100) -> list[RefusalRow]:
    """Refused entries, newest first (the gate desk's refusal list)."""
    require(ctx.actor, GATE, _("see who is on site"))
    with ctx.db.read() as session:
        rows = session.execute(select(VisitRefusal.id, VisitRefusal.at, VisitRefusal.reason, VisitRefusal.note,
                                      VisitRefusal.name, VisitRefusal.plate, Unit.code, Staff.name)
                               .join(Unit, Unit.id == VisitRefusal.host_unit_id, isouter=True)
                               .join(Staff, Staff.id == VisitRefusal.guard_id, isouter=True)
                               .order_by(VisitRefusal.id.desc()).limit(limit)).all()
    return [RefusalRow(r[0], as_utc(r[1]), r[2], r[3], r[4], r[5], r[6] or "", r[7] or "") for r in rows]


# --------------------------------------------------------------------------- check-out


UNDO_MINUTES = 5  # a check-out can be undone this long, by the guard who did it


@dataclass(frozen=True)
class CheckOutPreview:
    """What the guard confirms before a check-out: who, and the vehicle that came with them."""

    visit_id: int
    name: str
    unit: str
    headcount: int
    plate: str  # the visit's vehicle still inside ("" when none)


def check_out_preview(ctx: ServiceContext, visit_id: int) -> CheckOutPreview:
    require(ctx.actor, GATE, _("check visitors out"))
    with ctx.db.read() as session:
        row = session.execute(select(Visit.id, Visit.name, Unit.code, Visit.headcount, Visit.checked_out_at)
                              .join(Unit, Unit.id == Visit.host_unit_id).where(Visit.id == visit_id)).first()
        if row is None:
            raise NotFound(_("No such visit"))
        plate = session.execute(select(VehicleMove.plate).where(VehicleMove.visit_id == visit_id,
                                                                VehicleMove.out_at.is_(None)).limit(1)).scalar()
    return CheckOutPreview(row[0], row[1], row[2], row[3], plate or "")


def _close_visit(session: Session, ctx: ServiceContext, visit_id: int, now: datetime, with_vehicle: bool = False,
                 reason: str = "") -> list[str]:
    """Inside a write transaction: check one visit out (Conflict if it is not open) and,
    when asked, its vehicle; returns the plates that left with it."""
    done = session.execute(
        update(Visit).where(Visit.id == visit_id, Visit.checked_out_at.is_(None))
        .values(checked_out_at=now, out_guard_id=ctx.actor.id)
    ).rowcount
    if done != 1:
        row = session.execute(select(Visit.checked_out_at, Staff.name)
                              .join(Staff, Staff.id == Visit.out_guard_id, isouter=True)
                              .where(Visit.id == visit_id)).first()
        if row is None:
            raise NotFound(_("No such visit"))
        raise Conflict(_("This visitor was already checked out at {time} by {guard}").format(
            time=f"{ctx.local(row[0]):%H:%M}", guard=row[1] or "?"))
    plates: list[str] = []
    if with_vehicle:
        moves = session.execute(select(VehicleMove.id, VehicleMove.plate).where(
            VehicleMove.visit_id == visit_id, VehicleMove.out_at.is_(None))).all()
        for move_id, plate in moves:
            session.execute(update(VehicleMove).where(VehicleMove.id == move_id, VehicleMove.out_at.is_(None))
                            .values(out_at=now, out_guard_id=ctx.actor.id))
            audit.record(session, ctx.actor, now, "gate.vehicle_out", "gate_vehicle", move_id,
                         after={"plate": plate, "with_visit": visit_id})
            plates.append(plate)
    after: dict[str, Any] = {"vehicles": plates} if plates else {}
    if reason:
        after["reason"] = reason
    audit.record(session, ctx.actor, now, "gate.check_out", "gate_visit", visit_id, after=after or None)
    return plates


def check_out(ctx: ServiceContext, visit_id: int, with_vehicle: bool = False) -> datetime:
    """Check one visit out (and its vehicle when ``with_vehicle``). Raises Conflict if
    someone else already did."""
    require(ctx.actor, GATE, _("check visitors out"))
    now = ctx.now()
    with ctx.db.write() as session:
        _close_visit(session, ctx, visit_id, now, with_vehicle=with_vehicle)
    return now


def undo_check_out(ctx: ServiceContext, visit_ids: list[int]) -> int:
    """Put visits checked out by mistake back on site, with the vehicles that left with them.

    Only the guard who checked them out, within ``UNDO_MINUTES``; the check-out and its
    undoing both stay in the audit trail (``gate.check_out`` then ``gate.check_out_undone``
    with the time that was undone): an event, never a deletion. Returns how many came back."""
    require(ctx.actor, GATE, _("check visitors out"))
    ids = sorted({int(i) for i in visit_ids})
    if not ids:
        raise ValidationError("visits", _("Nothing to undo"))
    now = ctx.now()
    with ctx.db.write() as session:
        rows = session.execute(select(Visit.id, Visit.checked_out_at, Visit.out_guard_id)
                               .where(Visit.id.in_(ids))).all()
        if len(rows) != len(ids):
            raise NotFound(_("No such visit"))
        for vid, out_at, guard in rows:
            if out_at is None:
                raise Conflict(_("Visit No. {id} is on site: nothing to undo").format(id=vid))
            if guard != ctx.actor.id:
                raise PermissionDenied(_("Only the guard who checked the visitor out can undo it"))
            if (now - as_utc(out_at)).total_seconds() > UNDO_MINUTES * 60:
                raise Conflict(_("A check-out can be undone for {n} minutes only").format(n=UNDO_MINUTES))
        for vid, out_at, _guard in rows:
            session.execute(update(Visit).where(Visit.id == vid, Visit.checked_out_at == out_at)
                            .values(checked_out_at=None, out_guard_id=None))
            moves = session.execute(select(VehicleMove.id, VehicleMove.plate).where(
                VehicleMove.visit_id == vid, VehicleMove.out_at == out_at,
                VehicleMove.out_guard_id == ctx.actor.id)).all()
            for move_id, plate in moves:
                session.execute(update(VehicleMove).where(VehicleMove.id == move_id)
                                .values(out_at=None, out_guard_id=None))
                audit.record(session, ctx.actor, now, "gate.vehicle_out_undone", "gate_vehicle", move_id,
                             after={"plate": plate, "undone_out_at": as_utc(out_at).isoformat()})
            audit.record(session, ctx.actor, now, "gate.check_out_undone", "gate_visit", vid,
                         after={"undone_out_at": as_utc(out_at).isoformat()})
    return len(ids)


def check_out_group(ctx: ServiceContext, visit_ids: list[int], with_vehicle: bool = False) -> int:
    """Check several visits out together (a group leaving), with their vehicles when
    ``with_vehicle``; returns how many were still on site. Raises Conflict if none was."""
    require(ctx.actor, GATE, _("check visitors out"))
    ids = sorted({int(i) for i in visit_ids})
    if not ids:
        raise ValidationError("visits", _("Mark the visitors who are leaving"))
    now = ctx.now()
    with ctx.db.write() as session:
        open_ids = session.execute(select(Visit.id).where(Visit.id.in_(ids), Visit.checked_out_at.is_(None))
                                   ).scalars().all()
        if not open_ids:
            raise Conflict(_("These visitors were already checked out"))
        session.execute(update(Visit).where(Visit.id.in_(open_ids), Visit.checked_out_at.is_(None))
                        .values(checked_out_at=now, out_guard_id=ctx.actor.id))
        if with_vehicle:
            moves = session.execute(select(VehicleMove.id, VehicleMove.plate, VehicleMove.visit_id).where(
                VehicleMove.visit_id.in_(open_ids), VehicleMove.out_at.is_(None))).all()
            for move_id, plate, vid in moves:
                session.execute(update(VehicleMove).where(VehicleMove.id == move_id, VehicleMove.out_at.is_(None))
                                .values(out_at=now, out_guard_id=ctx.actor.id))
                audit.record(session, ctx.actor, now, "gate.vehicle_out", "gate_vehicle", move_id,
                             after={"plate": plate, "with_visit": vid})
        for vid in open_ids:  # one row per visit: each covers its visit (audit verify re-hashes it)
            audit.record(session, ctx.actor, now, "gate.check_out_group", "gate_visit", vid,
                         after={"visits": list(open_ids)})
    return len(open_ids)


# --------------------------------------------------------------------------- on site, look-up


@dataclass(frozen=True)
class OnSite:
    visit_id: int
    name: str
    headcount: int
    unit: str
    purpose: str
    plate: str
    checked_in_at: datetime
    expected_out_at: datetime
    overstay: bool
    id_masked: str


def is_overstay(ctx: ServiceContext, now: datetime, checked_in: datetime, expected: datetime) -> bool:
    from .common import ref

    if as_utc(expected) < now:
        return True
    local_now, local_in = ctx.local(now), ctx.local(checked_in)
    night = ref().visitor.night_hour
    return local_now.time() >= night or local_in.date() < local_now.date()


def on_site(ctx: ServiceContext, limit: int = 200, before_id: int | None = None) -> list[OnSite]:
    """Visitors on site now, newest first (keyset paged by visit id)."""
    require(ctx.actor, GATE, _("see who is on site"))
    now = ctx.now()
    stmt = (select(Visit.id, Visit.name, Visit.headcount, Unit.code, Visit.purpose, Visit.plate, Visit.checked_in_at,
                   Visit.expected_out_at, Visit.id_number)
            .join(Unit, Unit.id == Visit.host_unit_id)
            .where(Visit.checked_out_at.is_(None)).order_by(Visit.id.desc()).limit(limit))
    if before_id is not None:
        stmt = stmt.where(Visit.id < before_id)
    with ctx.db.read() as session:
        rows = session.execute(stmt).all()
    return [OnSite(r[0], r[1], r[2], r[3], r[4], r[5], as_utc(r[6]), as_utc(r[7]),
                   is_overstay(ctx, now, r[6], r[7]), mask_id_number(r[8])) for r in rows]


def find_on_site(ctx: ServiceContext, text: str, limit: int = 20) -> list[OnSite]:
    """Open visits by name prefix or plate (for check-out by name or plate)."""
    q = clean_text(text, field="find", max_len=30, required=True)
    plate = compact(q)
    rows = [r for r in on_site(ctx, limit=500)
            if r.name.startswith(q) or (r.plate and r.plate.startswith(plate))]
    return rows[:limit]


@dataclass(frozen=True)
class VisitorHit:
    visitor_id: int
    name: str
    id_masked: str
    phone: str
    last_seen_at: datetime
    last_visit_id: int | None
    visits: int

    @property
    def phone_masked(self) -> str:
        from ...validators.ids import mask_phone

        return mask_phone(self.phone)

    @property
    def label(self) -> str:
        return f"{self.name} {self.id_masked} {self.phone_masked}".strip()


def find_visitors(ctx: ServiceContext, text: str, limit: int = 8) -> list[VisitorHit]:
    """Past visitors whose name or pinyin initials start with ``text``, or whose phone or ID
    number IS ``text`` (the whole number: a prefix search let anyone read a masked number digit
    by digit; supervisors may still search phones by prefix), most recently seen first."""
    require(ctx.actor, GATE, _("look up past visitors"))
    q = (text or "").strip()
    key = compact(q)
    if not key:
        return []
    branches = []
    if key.isdigit() or (len(key) >= 6 and key[:-1].isdigit()):
        full = key.upper()
        branches += [GateVisitor.phone == key, GateVisitor.id_number == full]
        if ctx.actor.is_supervisor:
            branches += [prefix_range(GateVisitor.phone, key)]
    elif key.isascii() and key.isalpha():
        branches += [prefix_range(GateVisitor.initials, key.lower())]
    else:
        branches += [prefix_range(GateVisitor.name, q)]
    found: dict[int, GateVisitor] = {}
    with ctx.db.read() as session:
        for cond in branches:
            for v in session.execute(select(GateVisitor).where(cond).limit(limit * 4)).scalars():
                found[v.id] = v  # type: ignore[index]
    hits = sorted(found.values(), key=lambda v: as_utc(v.last_seen_at), reverse=True)[:limit]
    return [VisitorHit(v.id, v.name, mask_id_number(v.id_number), v.phone, as_utc(v.last_seen_at),  # type: ignore[arg-type]
                       v.last_visit_id, v.visits) for v in hits]


def form_from_visit(ctx: ServiceContext, visit_id: int) -> dict[str, str]:
    """The check-in form filled from a past visit (ID number in full: the form masks it)."""
    require(ctx.actor, GATE, _("look up past visitors"))
    with ctx.db.read() as session:
        row = session.execute(select(Visit, Unit.code).join(Unit, Unit.id == Visit.host_unit_id)
                              .where(Visit.id == visit_id)).first()
    if row is None or row[0].purged:
        raise NotFound(_("No such visit"))
    v, code = row
    return {"name": v.name, "id_type": v.id_type, "id_number": v.id_number, "phone": v.phone,
            "headcount": str(v.headcount), "unit": code, "approval": "",  # asked again: never copied from an earlier visit
            "purpose": v.purpose, "plate": v.plate, "stay": ""}


def history(ctx: ServiceContext, visitor_id: int, limit: int = 20) -> list[Visit]:
    require(ctx.actor, GATE, _("look up past visitors"))
    with ctx.db.read() as session:
        return list(session.execute(select(Visit).where(Visit.visitor_id == visitor_id)
                                    .order_by(Visit.id.desc()).limit(limit)).scalars())
