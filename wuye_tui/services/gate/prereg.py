"""Pre-registrations: the office (or a guard) registers an expected visitor for a unit and
gets a 6-digit code; at the gate the code fills the check-in form. A code is used once."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlmodel import Session

from ...clock import as_utc
from ...errors import ValidationError
from ...i18n import _
from ...models import Unit
from ...models.gate import PreRegistration
from ...validators import compact, validate_id_number, validate_name, validate_phone, validate_plate
from ..core import audit
from ..core.context import ServiceContext
from .common import parse_headcount, parse_id_type, parse_purpose, ref
from ..core.permissions import STAFF, require

MAX_VALID_HOURS = 24 * 14


def parse_valid_hours(value: object, field: str = "valid_hours") -> int:
    from ...validators import validate_int

    if value is None or (isinstance(value, str) and not value.strip()):
        return ref().visitor.prereg_valid_hours
    return validate_int(value, field, 1, MAX_VALID_HOURS)


def create_prereg(ctx: ServiceContext, unit: str, name: str, phone: str = "", valid_hours: object = None,
                  headcount: object = None, purpose: str = "", id_type: str = "", id_number: str = "",
                  plate: str = "") -> PreRegistration:
    require(ctx.actor, STAFF, _("pre-register a visitor"))
    from .common import resolve_unit

    u = resolve_unit(ctx, unit)
    name = validate_name(name)
    phone = validate_phone(phone) if str(phone or "").strip() else ""
    hours = parse_valid_hours(valid_hours)
    count = parse_headcount(headcount)
    purpose_code = parse_purpose(purpose) if str(purpose or "").strip() else "visit_friends"
    id_t, id_n = "", ""
    if str(id_number or "").strip():
        id_t = parse_id_type(id_type or "1")
        id_n = validate_id_number(id_number, id_t, today=ctx.local(ctx.now()).date())
    plate = validate_plate(plate) if str(plate or "").strip() else ""
    now = ctx.now()
    with ctx.db.write() as session:
        code = _free_code(session, now)
        row = PreRegistration(code=code, unit_id=u.id, name=name, phone=phone, id_type=id_t, id_number=id_n,  # type: ignore[arg-type]
                              headcount=count, purpose=purpose_code, plate=plate, created_at=now,
                              created_by=ctx.actor.id, valid_until=now + timedelta(hours=hours))
        session.add(row)
        session.flush()
        audit.record(session, ctx.actor, now, "gate.prereg", "gate_prereg", row.id,
                     after={"code": code, "unit": u.code, "name": name, "valid_hours": hours})
    return row


def _free_code(session: Session, now: datetime) -> str:
    for _try in range(50):
        code = f"{secrets.randbelow(900000) + 100000}"
        taken = session.execute(select(PreRegistration.id).where(
            PreRegistration.code == code, PreRegistration.used_at.is_(None),
            PreRegistration.valid_until > now)).first()
        if not taken:
            return code
    raise ValidationError("code", _("No free pre-registration code; try again"))  # pragma: no cover


def _check(row: PreRegistration | None, now: datetime) -> PreRegistration:
    if row is None:
        raise ValidationError("lookup", _("No pre-registration with this code"))
    if row.used_at is not None:
        raise ValidationError("lookup", _("This pre-registration code was already used"))
    if as_utc(row.valid_until) <= now:
        raise ValidationError("lookup", _("This pre-registration code has expired"))
    return row


def find_prereg(ctx: ServiceContext, code: str) -> tuple[PreRegistration, str]:
    """A usable pre-registration by code, with its unit code; else a field error."""
    require(ctx.actor, STAFF, _("look up a pre-registration"))
    key = compact(code)
    if not (key.isdigit() and len(key) == 6):
        raise ValidationError("lookup", _("A pre-registration code has 6 digits"))
    with ctx.db.read() as session:
        row = session.execute(select(PreRegistration, Unit.code).join(Unit, Unit.id == PreRegistration.unit_id)
                              .where(PreRegistration.code == key)
                              .order_by(PreRegistration.id.desc()).limit(1)).first()
    pre = _check(row[0] if row else None, ctx.now())
    return pre, row[1]  # type: ignore[index]


def form_from_prereg(ctx: ServiceContext, code: str) -> dict[str, str]:
    pre, unit_code = find_prereg(ctx, code)
    return {"name": pre.name, "id_type": pre.id_type or "resident_id", "id_number": pre.id_number,
            "phone": pre.phone, "headcount": str(pre.headcount), "unit": unit_code, "approval": "prereg",
            "purpose": pre.purpose, "plate": pre.plate, "stay": "", "prereg_code": pre.code}


def claim_prereg(session: Session, code: str, now: datetime) -> int:
    """Inside the check-in transaction: the pre-registration's id, checked again."""
    row = session.execute(select(PreRegistration).where(PreRegistration.code == code)
                          .order_by(PreRegistration.id.desc()).limit(1)).scalar()
    return _check(row, now).id  # type: ignore[return-value]


def mark_used(session: Session, prereg_id: int, visit_id: int, now: datetime) -> None:
    from ...errors import Conflict

    done = session.execute(update(PreRegistration)
                           .where(PreRegistration.id == prereg_id, PreRegistration.used_at.is_(None))
                           .values(used_at=now, visit_id=visit_id)).rowcount
    if done != 1:
        raise Conflict(_("This pre-registration code was already used"))


# A keyboard-wedge scanner types what it reads, then Enter, into whatever field has the
# focus. The QR code printed on a pre-registration reads ``WUYE:PRE:<6 digits>`` (upper or
# lower case); a plain barcode carries just the 6 digits.
_SCANNED_QR = re.compile(r"WUYE:PRE:(\d{6})\s*$", re.IGNORECASE)
_SCANNED_DIGITS = re.compile(r"(?<![0-9A-Za-z])(\d{6})\s*$")


def scanned_code(text: str, digits_too: bool = True) -> tuple[str, str] | None:
    """``(what the field held before, code)`` when ``text`` ends with a scanned
    pre-registration: the QR text ``WUYE:PRE:123456``, or (``digits_too``) 6 digits that
    do not continue a longer number or plate. None otherwise."""
    value = text or ""
    m = _SCANNED_QR.search(value) or (_SCANNED_DIGITS.search(value) if digits_too else None)
    if not m:
        return None
    return value[:m.start()], m.group(1)
