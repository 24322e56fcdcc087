"""Vehicles at the gate: a resident's registered plate goes in or out with one key; a
strange vehicle is registered (driver, phone, host unit, purpose) and checked out on exit.
Trucks and moving vans carry an inspection note the driver confirms by typing their name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlmodel import Session

from ...clock import as_utc
from ...errors import Conflict, ValidationError
from ...i18n import _
from ...models import Unit
from ...models.gate import VehicleMove
from ...validators import clean_text, validate_name, validate_phone, validate_plate
from ..core import audit
from ..core.context import Actor, ServiceContext
from .common import parse_purpose, parse_vehicle_kind, prefix_range, ref, supervisor_only
from ..core.permissions import GATE, require
from ..core.roster import resident_vehicle


@dataclass(frozen=True)
class PlateInfo:
    plate: str
    resident: bool
    unit_code: str
    owner: str
    inside_id: int | None  # open movement (vehicle inside now)
    watch: list[str]


def plate_info(ctx: ServiceContext, plate: str) -> PlateInfo:
    """What the gate should know about a plate: resident or strange, inside now, watch list."""
    require(ctx.actor, GATE, _("register vehicles"))
    p = validate_plate(plate)
    reg = resident_vehicle(ctx, p)
    from .common import watch_hits

    with ctx.db.read() as session:
        inside = session.execute(select(VehicleMove.id).where(VehicleMove.plate == p, VehicleMove.out_at.is_(None))
                                 .order_by(VehicleMove.id.desc()).limit(1)).scalar()
        hits = watch_hits(session, plate=p, now=ctx.now())
    return PlateInfo(p, reg is not None, reg[2].code if reg else "", reg[1].name if reg else "", inside, hits)


def insert_entry(session: Session, ctx: ServiceContext, plate: str, *, resident: bool = False, kind: str = "car",
                 unit_id: int | None = None, driver: str = "", phone: str = "", purpose: str = "",
                 inspection: str = "", driver_confirm: str = "", visit_id: int | None = None,
                 override: Actor | None = None) -> VehicleMove:
    """Inside an open write transaction: log a vehicle's entry. A vehicle already inside
    is refused (check it out first)."""
    inside = session.execute(select(VehicleMove.id).where(VehicleMove.plate == plate, VehicleMove.out_at.is_(None))
                             .limit(1)).scalar()
    if inside is not None:
        raise ValidationError("plate", _("This vehicle is already inside: check it out first"))
    row = VehicleMove(plate=plate, resident=resident, kind=kind, unit_id=unit_id, driver=driver, phone=phone,
                      purpose=purpose, inspection=inspection, driver_confirm=driver_confirm, visit_id=visit_id,
                      in_at=ctx.now(), guard_id=ctx.actor.id, override_by=override.id if override else None)
    session.add(row)
    session.flush()
    audit.record(session, ctx.actor, ctx.now(), "gate.vehicle_in", "gate_vehicle", row.id,
                 after={"plate": plate, "resident": resident, "kind": kind, "driver": driver, "visit": visit_id})
    return row


def resident_in(ctx: ServiceContext, plate: str, override: Actor | None = None) -> VehicleMove:
    """One key: a resident's registered vehicle enters. A watch-listed plate is recorded and
    needs a supervisor's ``override`` like a person."""
    require(ctx.actor, GATE, _("register vehicles"))
    supervisor_only(override)
    p = validate_plate(plate)
    reg = resident_vehicle(ctx, p)
    if reg is None:
        raise ValidationError("plate", _("Not a resident's registered vehicle: register it as a visitor vehicle"))
    from .common import _blocked, record_watch_hit, watch_hits

    with ctx.db.read() as session:
        hits = watch_hits(session, plate=p, now=ctx.now())
    if hits and override is None:
        record_watch_hit(ctx, hits, "gate_vehicle", {"plate": p, "resident": True})
        raise _blocked(hits)
    with ctx.db.write() as session:
        row = insert_entry(session, ctx, p, resident=True, unit_id=reg[2].id, driver=reg[1].name,
                           override=override if hits else None)
        if hits and override is not None:
            audit.record(session, override, ctx.now(), "gate.watch_override", "gate_vehicle", row.id,
                         after={"hits": hits, "guard": ctx.actor.name})
        return row


def strange_in(ctx: ServiceContext, plate: str, driver: str, phone: str, unit: str, purpose: str = "",
               kind: str = "", inspection: str = "", driver_confirm: str = "",
               override: Actor | None = None) -> VehicleMove:
    """A strange vehicle enters. Trucks and vans need an inspection note and the driver's
    typed name (which must equal the driver)."""
    require(ctx.actor, GATE, _("register vehicles"))
    supervisor_only(override)
    from .common import _blocked, record_watch_hit, resolve_unit, watch_hits

    p = validate_plate(plate)
    driver = validate_name(driver, field="driver")
    phone = validate_phone(phone)
    u = resolve_unit(ctx, unit)
    purpose_code = parse_purpose(purpose or "1")
    kind_code = parse_vehicle_kind(kind or "1")
    inspection = clean_text(inspection, field="inspection", max_len=200)
    confirm = clean_text(driver_confirm, field="confirm", max_len=30)
    vk = ref().vehicle_kind(kind_code)
    if vk.needs_inspection:
        if not inspection:
            raise ValidationError("inspection", _("Trucks and vans need an inspection note"))
        if confirm != driver:
            raise ValidationError("confirm", _("The driver confirms by typing their own name"))
    with ctx.db.read() as session:
        early = watch_hits(session, name=driver, plate=p, now=ctx.now())
    if early and override is None:
        record_watch_hit(ctx, early, "gate_vehicle", {"plate": p, "name": driver})
        raise _blocked(early)
    with ctx.db.write() as session:
        hits = watch_hits(session, name=driver, plate=p, now=ctx.now())
        if hits and override is None:
            raise _blocked(hits)
        row = insert_entry(session, ctx, p, kind=kind_code, unit_id=u.id, driver=driver, phone=phone,
                           purpose=purpose_code, inspection=inspection, driver_confirm=confirm,
                           override=override if hits else None)
        if hits and override is not None:
            audit.record(session, override, ctx.now(), "gate.watch_override", "gate_vehicle", row.id,
                         after={"hits": hits, "guard": ctx.actor.name})
    return row


def vehicle_out(ctx: ServiceContext, plate: str, slip: str = "") -> VehicleMove:
    """The vehicle with this plate leaves (its open movement is closed). When the office
    requires it (setting ``truck_exit_needs_slip``) a truck or van leaving shows its release
    slip: ``slip`` is checked and used first (a refusal is recorded as a slip use and
    raised at the ``slip`` field)."""
    require(ctx.actor, GATE, _("register vehicles"))
    p = validate_plate(plate)
    with ctx.db.read() as session:
        kind = session.execute(select(VehicleMove.kind).where(VehicleMove.plate == p, VehicleMove.out_at.is_(None))
                               .order_by(VehicleMove.id.desc()).limit(1)).scalar()
    used_slip = ""
    if kind is not None and ref().vehicle_kind(kind).needs_inspection:
        from ..core import settings

        if settings.load(ctx).truck_exit_needs_slip:
            if not str(slip or "").strip():
                raise ValidationError("slip", _("A truck or van leaving shows its release slip: type its number"))
            from .slips import use_slip

            view = use_slip(ctx, slip)
            if view.result != "ok":
                raise ValidationError("slip", _("Release slip {number}: {problem}").format(
                    number=view.number, problem=view.problem))
            used_slip = view.number
    now = ctx.now()
    with ctx.db.write() as session:
        row = session.execute(select(VehicleMove).where(VehicleMove.plate == p, VehicleMove.out_at.is_(None))
                              .order_by(VehicleMove.id.desc()).limit(1)).scalar()
        if row is None:
            raise ValidationError("plate", _("This vehicle is not inside"))
        done = session.execute(update(VehicleMove).where(VehicleMove.id == row.id, VehicleMove.out_at.is_(None))
                               .values(out_at=now, out_guard_id=ctx.actor.id)).rowcount
        if done != 1:
            raise Conflict(_("This vehicle was already checked out"))
        audit.record(session, ctx.actor, now, "gate.vehicle_out", "gate_vehicle", row.id,
                     after={"plate": p, "slip": used_slip} if used_slip else {"plate": p})
        row.out_at = now
    return row


@dataclass(frozen=True)
class VehicleOnSite:
    move_id: int
    plate: str
    resident: bool
    kind: str
    driver: str
    unit: str
    in_at: datetime
    overstay: bool
    driver_left: bool = False  # it came with a visitor who has been checked out


def vehicles_on_site(ctx: ServiceContext, strange_only: bool = True, limit: int = 200,
                     find: str = "") -> list[VehicleOnSite]:
    """Vehicles inside, newest first; ``find`` keeps those whose plate or driver starts
    with it (the on-site board's find box)."""
    from ...models.gate import Visit
    from ...validators import normalise_plate

    require(ctx.actor, GATE, _("see who is on site"))
    now = ctx.now()
    stmt = (select(VehicleMove.id, VehicleMove.plate, VehicleMove.resident, VehicleMove.kind, VehicleMove.driver,
                   Unit.code, VehicleMove.in_at, Visit.checked_out_at)
            .join(Unit, Unit.id == VehicleMove.unit_id, isouter=True)
            .join(Visit, Visit.id == VehicleMove.visit_id, isouter=True)
            .where(VehicleMove.out_at.is_(None)).order_by(VehicleMove.id.desc()).limit(limit))
    if strange_only:
        stmt = stmt.where(VehicleMove.resident.is_(False))
    stay = ref().visitor.default_stay
    with ctx.db.read() as session:
        rows = session.execute(stmt).all()
    out = [VehicleOnSite(r[0], r[1], r[2], r[3], r[4], r[5] or "", as_utc(r[6]),
                         (not r[2]) and as_utc(r[6]) + stay < now, r[7] is not None) for r in rows]
    key = (find or "").strip()
    if key:
        plate = normalise_plate(key)
        out = [v for v in out if v.driver.startswith(key) or (plate and v.plate.startswith(plate))]
    return out


def plate_history(ctx: ServiceContext, plate: str, limit: int = 20) -> list[VehicleMove]:
    """Movements of plates starting with ``plate``, newest first (index range)."""
    require(ctx.actor, GATE, _("look up vehicles"))
    from ...validators import normalise_plate

    p = normalise_plate(plate)
    if not p:
        raise ValidationError("plate", _("This field is required"))
    with ctx.db.read() as session:
        if len(p) >= 7:
            stmt = select(VehicleMove).where(VehicleMove.plate == p).order_by(VehicleMove.id.desc()).limit(limit)
        else:
            stmt = select(VehicleMove).where(prefix_range(VehicleMove.plate, p)).limit(limit)
        return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class AtGate:
    """What a plate at the barrier came to: ``out`` (it left), ``in`` (a resident's car
    entered), ``slip`` (it is leaving but needs its release slip: ``why``), ``strange`` (not
    a resident's: the desk asks for the driver)."""

    info: PlateInfo
    action: str
    why: str = ""


def plate_at_gate(ctx: ServiceContext, plate: str, override: Actor | None = None) -> AtGate:
    """A plate typed or read at the barrier: out if it is inside, in if it is a resident's;
    a stranger's is only looked up (the driver's details come next)."""
    info = plate_info(ctx, plate)
    if info.inside_id is not None:
        try:
            vehicle_out(ctx, info.plate)
        except ValidationError as exc:
            if exc.field != "slip":
                raise
            return AtGate(info, "slip", exc.message)
        return AtGate(info, "out")
    if info.resident:
        resident_in(ctx, info.plate, override=override)
        return AtGate(info, "in")
    return AtGate(info, "strange")

