"""The roster: buildings, units, residents and their vehicles; the unit picker's search."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlmodel import Session

from ...errors import NotFound, ValidationError
from ...i18n import _
from ...models import Building, Resident, ResidentVehicle, Unit
from ...validators import clean_text, validate_name, validate_phone, validate_plate
from . import audit
from .context import ServiceContext
from .permissions import OFFICE, require


def pinyin_initials(name: str) -> str:
    from pypinyin import Style, lazy_pinyin

    return "".join(p[0] for p in lazy_pinyin(name, style=Style.FIRST_LETTER) if p).lower()[:20]


def unit_code(building: str, entrance: str, room: str) -> str:
    return f"{building}{entrance}{room}"


@dataclass(frozen=True)
class UnitHit:
    unit_id: int
    code: str
    resident: str  # a matching or the first resident's name, may be ""
    phone: str

    @property
    def label(self) -> str:
        return f"{self.code} {self.resident}".strip()

    @property
    def phone_masked(self) -> str:
        from ...validators.ids import mask_phone

        return mask_phone(self.phone)


def _norm_building(value: str) -> str:
    value = clean_text(value, field="building", max_len=40, required=True)
    if value.isdigit():
        value += "栋"
    return value


def _norm_entrance(value: str) -> str:
    value = clean_text(value or "", field="entrance", max_len=20)
    if value.isdigit():
        value += "单元"
    return value


def ensure_unit(session: Session, building: str, entrance: str, room: str) -> Unit:
    """Find or create a unit in an open write transaction."""
    b_name = _norm_building(building)
    e_name = _norm_entrance(entrance)
    room = clean_text(room, field="room", max_len=20, required=True)
    b = session.execute(select(Building).where(Building.name == b_name)).scalar_one_or_none()
    if b is None:
        b = Building(name=b_name)
        session.add(b)
        session.flush()
    code = unit_code(b_name, e_name, room)
    u = session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if u is None:
        u = Unit(building_id=b.id, entrance=e_name, room=room, code=code)  # type: ignore[arg-type]
        session.add(u)
        session.flush()
    return u


def add_resident(ctx: ServiceContext, building: str, entrance: str, room: str, name: str,
                 phone: str = "", plates: list[str] | None = None) -> Resident:
    require(ctx.actor, OFFICE, _("edit the resident roster"))
    name = validate_name(name)
    phone = validate_phone(phone) if phone else ""
    plates = [validate_plate(p) for p in (plates or []) if p.strip()]
    with ctx.db.write() as session:
        unit = ensure_unit(session, building, entrance, room)
        res = _insert_resident(session, unit, name, phone, plates)
        audit.record(session, ctx.actor, ctx.now(), "resident.add", "resident", res.id,
                     after={"unit": unit.code, "name": name, "phone": phone, "plates": plates})
    return res


def _insert_resident(session: Session, unit: Unit, name: str, phone: str, plates: list[str]) -> Resident:
    res = Resident(unit_id=unit.id, name=name, phone=phone, initials=pinyin_initials(name))  # type: ignore[arg-type]
    session.add(res)
    session.flush()
    for plate in plates:
        if session.execute(select(ResidentVehicle.id).where(ResidentVehicle.plate == plate)).first():
            raise ValidationError("plate", _("Plate {plate} is already registered").format(plate=plate))
        session.add(ResidentVehicle(resident_id=res.id, plate=plate))  # type: ignore[arg-type]
    session.flush()
    return res


def search_units(ctx: ServiceContext, text: str, limit: int = 8) -> list[UnitHit]:
    """Units by unit number, resident name or pinyin initials (prefix matches), or a
    resident's phone: the whole number, or its last four digits (what the masked phone
    shows). Never a phone prefix: typing digit after digit would read a masked number back."""
    q = (text or "").strip()
    if not q:
        return []
    from ...textsafe import LIKE_ESCAPE as E, like_escape

    like = like_escape(q) + "%"  # % and _ are literal
    low = like.lower()
    by_phone = []
    if q.isdigit() and len(q) == 4:
        by_phone.append(Resident.phone.like("%" + q))
    elif q.isdigit() and len(q) >= 7:
        by_phone.append(Resident.phone == q)
    with ctx.db.read() as session:
        stmt = (
            select(Unit.id, Unit.code, Resident.name, Resident.phone)
            .join(Resident, Resident.unit_id == Unit.id, isouter=True)
            .where(or_(Unit.code.like(like, escape=E), Unit.room.like(like, escape=E),
                       Resident.name.like(like, escape=E), *by_phone,
                       Resident.initials.like(low, escape=E)))
            .order_by(Unit.code)
            .limit(limit * 3)
        )
        rows = session.execute(stmt).all()
    seen: dict[int, UnitHit] = {}
    for uid, code, name, phone in rows:
        if uid not in seen:
            seen[uid] = UnitHit(uid, code, name or "", phone or "")
        if len(seen) >= limit:
            break
    return list(seen.values())


_UNIT_PARTS = __import__("re").compile(
    r"^\s*(\d+)\s*(?:栋|幢|号楼|座|[-/ .])\s*(\d+)\s*(?:单元|[-/ .])\s*([0-9A-Za-z]+)\s*(?:室|号)?\s*$")


def unit_code_from_text(text: str) -> str:
    """The unit code for the ways a guard types one: ``3-2-1202``, ``3/2/1202``,
    ``3 2 1202``, ``3栋2单元1202`` (also 幢, 号楼, 座; a trailing 室), full-width digits
    too. "" when the text is not building + entrance + room."""
    from ...validators import normalise_text_width

    m = _UNIT_PARTS.match(normalise_text_width(text or ""))
    if not m:
        return ""
    return unit_code(f"{int(m.group(1))}栋", f"{int(m.group(2))}单元", m.group(3).upper())


def find_units(ctx: ServiceContext, text: str, limit: int = 8) -> list[UnitHit]:
    """The unit picker's search: a full unit typed any way (``3-2-1202``, ``3栋2单元1202``)
    gives that unit first; otherwise units by code or room number, resident name, phone or
    pinyin initials (prefix matches), each with its resident and phone."""
    code = unit_code_from_text(text)
    exact: list[UnitHit] = []
    if code:
        with ctx.db.read() as session:
            row = session.execute(select(Unit.id, Unit.code, Resident.name, Resident.phone)
                                  .join(Resident, Resident.unit_id == Unit.id, isouter=True)
                                  .where(Unit.code == code).limit(1)).first()
        if row is not None:
            exact = [UnitHit(row[0], row[1], row[2] or "", row[3] or "")]
    rest = [h for h in search_units(ctx, code or text, limit=limit) if not exact or h.unit_id != exact[0].unit_id]
    return (exact + rest)[:limit]


def get_unit(ctx: ServiceContext, code_or_text: str) -> Unit:
    """Exactly one unit: by its code typed any way, or a room number, resident name, phone
    or pinyin initials that matches one unit exactly. A prefix or a value several units
    share is a field error asking to pick (never the first match)."""
    text = (code_or_text or "").strip()
    code = unit_code_from_text(text) or text
    with ctx.db.read() as session:
        unit = session.execute(select(Unit).where(Unit.code == code)).scalar_one_or_none()
    if unit is not None:
        return unit
    hits = search_units(ctx, text, limit=9)
    if not hits:
        raise ValidationError("unit", _("No such unit in the roster"))
    low = text.lower()
    whole = [h for h in hits if text in (h.resident, h.phone) or h.code.endswith(("单元" + text, "栋" + text))
             or (low.isascii() and low.isalpha() and pinyin_initials(h.resident) == low)]
    if len(hits) == 1 and whole:
        with ctx.db.read() as session:
            return session.get(Unit, hits[0].unit_id)  # type: ignore[return-value]
    if len(whole) == 1 and len(hits) <= 8:
        with ctx.db.read() as session:
            return session.get(Unit, whole[0].unit_id)  # type: ignore[return-value]
    raise ValidationError("unit", _("{n} units match: pick one from the list (arrows, Enter)").format(
        n=len(hits) if len(hits) < 9 else "8+"))


def unit_by_id(ctx: ServiceContext, unit_id: int) -> Unit:
    with ctx.db.read() as session:
        unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound(_("No such unit in the roster"))
    return unit


def resident_vehicle(ctx: ServiceContext, plate: str) -> tuple[ResidentVehicle, Resident, Unit] | None:
    """A resident's registered vehicle by normalised plate, or None for a strange vehicle."""
    with ctx.db.read() as session:
        row = session.execute(
            select(ResidentVehicle, Resident, Unit)
            .join(Resident, Resident.id == ResidentVehicle.resident_id)
            .join(Unit, Unit.id == Resident.unit_id)
            .where(ResidentVehicle.plate == plate)
        ).first()
    return (row[0], row[1], row[2]) if row else None
