"""Visitor check-in and refused entries: the rules a visitor passes at the gate.

All input is validated before the transaction opens (``clean_checkin``), so nothing is
saved half. A check-in is one short write transaction with its audit rows: the watch list
is matched on the full ID number first (a hit raises ``WatchListHit`` unless a supervisor
overrides), a pre-registration code is claimed, the same person still on site raises
``AlreadyOnSite`` (unless the earlier visit is checked out in the same transaction or a
supervisor allows a second visit), then the visitor and the visit are written with Core
statements and the vehicle's entry when a plate is given. What is kept of the ID number
follows the ``id_storage`` setting (``stored_id_number``). ``refuse`` records an entry
refused, with whatever is known about the person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_, select, update
from sqlmodel import Session

from ...clock import as_utc
from ...errors import Conflict, ValidationError
from ...i18n import _
from ...models.gate import GateVisitor, Visit, VisitRefusal
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
from ..core.permissions import GATE, require
from ..core.roster import pinyin_initials
from .common import (
    WatchListHit,
    _blocked,
    expected_out,
    parse_approval,
    parse_headcount,
    parse_id_type,
    parse_purpose,
    parse_refusal,
    parse_stay_hours,
    record_watch_hit,
    resolve_unit,
    supervisor_only,
    watch_hits,
)
from .visits_checkout import _close_visit


FIELDS = ("name", "id_type", "id_number", "phone", "headcount", "unit", "approval", "purpose", "plate", "stay")


@dataclass
class CleanCheckIn:
    """A check-in form after validation (``clean_checkin``): what the transaction writes."""

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
    """Record a refused entry with whatever is known about the person; the ID number is
    kept as the ``id_storage`` setting says, as for a visit."""
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
    from ..core import settings

    id_n = stored_id_number(settings.load(ctx).id_storage, id_n)
    now = ctx.now()
    with ctx.db.write() as session:
        row = VisitRefusal(at=now, reason=code, note=note, name=name, id_type=id_t, id_number=id_n, phone=phone,
                           plate=plate, host_unit_id=unit_id, guard_id=ctx.actor.id)
        session.add(row)
        session.flush()
        audit.record(session, ctx.actor, now, "gate.refuse", "gate_refusal", row.id,
                     after={"reason": code, "name": name, "id": mask_id_number(id_n), "plate": plate, "note": note})
    return row
