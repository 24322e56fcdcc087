"""The key register (钥匙): owners' keys and room keys held by the office (article 5).

A key is lent (to whom, why, authorised by whom: a staff member, with his PIN when the
setting ``key_approver_pin`` asks, or a resident of the key's unit) and returned; a loan not returned
within the site's ``key_overdue_hours`` (data/site.toml, default 24) is overdue. Keys out
are carried into the shift handover.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from ...clock import as_utc
from ...errors import Conflict, NotFound, ValidationError
from ...i18n import N_, _
from ...models import Resident, Staff, Unit
from ...models.guard import KeyItem, KeyLoan
from ...reference import load_reference
from ...validators import clean_text, normalise_text_width, validate_phone
from ..core import audit
from ..core.context import ServiceContext
from ..core.open_items import OpenItem, provider
from ..core.permissions import STAFF, require

DEFAULT_OVERDUE_HOURS = 24
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,39}$")


def overdue_hours() -> int:
    try:
        return int(load_reference().site.key_overdue_hours) or DEFAULT_OVERDUE_HOURS
    except (AttributeError, TypeError, ValueError):
        return DEFAULT_OVERDUE_HOURS


def check_code(value: object, field: str = "code") -> str:
    s = normalise_text_width(clean_text(value, field=field, max_len=40, required=True)).upper().replace(" ", "")
    if not _CODE.match(s):
        raise ValidationError(field, _("A key code is letters, digits and -, e.g. K0102"))
    return s


@dataclass(frozen=True)
class KeyRow:
    key: KeyItem
    unit_code: str
    loan: KeyLoan | None
    overdue: bool

    @property
    def is_out(self) -> bool:
        return self.loan is not None


def add_key(ctx: ServiceContext, code: object, label: object = "", unit: object = "") -> KeyItem:
    require(ctx.actor, STAFF, _("register a key"))
    code = check_code(code)
    label = clean_text(label, field="label", max_len=100)
    unit_id = None
    unit_text = clean_text(unit, field="unit", max_len=80)
    if unit_text:
        from ..core.roster import get_unit

        u = get_unit(ctx, unit_text)
        unit_id = u.id
        label = label or _("Owner's key of {unit}").format(unit=u.code)
    if not label:
        raise ValidationError("label", _("Say what the key opens (a unit or a room)"))
    with ctx.db.write() as session:
        if session.execute(select(KeyItem.id).where(KeyItem.code == code)).first():
            raise ValidationError("code", _("A key with this code exists"))
        key = KeyItem(code=code, label=label, unit_id=unit_id, created_at=ctx.now())
        session.add(key)
        session.flush()
        audit.record(session, ctx.actor, ctx.now(), "keys.add", "key_item", key.id,
                     after={"code": code, "label": label, "unit_id": unit_id})
    return key


def _key(session, code: str) -> KeyItem:  # type: ignore[no-untyped-def]
    key = session.execute(select(KeyItem).where(KeyItem.code == code)).scalar_one_or_none()
    if key is None or not key.active:
        raise ValidationError("code", _("No key with this code"))
    return key


def _open_loan(session, key_id: int) -> KeyLoan | None:  # type: ignore[no-untyped-def]
    return session.execute(select(KeyLoan).where(KeyLoan.key_id == key_id)
                           .where(KeyLoan.returned_at.is_(None))).scalar_one_or_none()


def _approver(ctx: ServiceContext, session, key: KeyItem, name: str) -> tuple[int | None, int | None]:  # type: ignore[no-untyped-def]
    """(staff id, resident id) of the person who authorised a loan: a staff member other
    than the one lending, or a resident of the key's unit; else a field error."""
    person = session.execute(select(Staff).where(Staff.name == name)).scalar_one_or_none()
    if person is not None and person.active:
        if person.id == ctx.actor.id:
            raise ValidationError("authorised_by", _("You cannot authorise your own loan"))
        return person.id, None
    if key.unit_id is not None:
        res = session.execute(select(Resident.id).where(Resident.unit_id == key.unit_id)
                              .where(Resident.name == name).where(Resident.active.is_(True))).scalar()
        if res is not None:
            return None, res
        unit = session.get(Unit, key.unit_id)
        raise ValidationError("authorised_by", _("Not a staff member or a resident of {unit}").format(
            unit=unit.code if unit else ""))
    raise ValidationError("authorised_by", _("Not a staff member (a room key is authorised by staff)"))


def lend_key(ctx: ServiceContext, code: object, lent_to: object, purpose: object, authorised_by: object,
             phone: object = "", note: object = "", approver_pin: object = "") -> KeyLoan:
    require(ctx.actor, STAFF, _("lend a key"))
    code = check_code(code)
    to = clean_text(lent_to, field="lent_to", max_len=60, required=True)
    purpose = str(purpose or "").strip()
    if not purpose:
        raise ValidationError("purpose", _("This field is required"))
    try:
        load_reference().key_purpose(purpose)
    except LookupError:
        raise ValidationError("purpose", _("Unknown purpose")) from None
    auth = clean_text(authorised_by, field="authorised_by", max_len=60, required=True)
    phone_s = str(phone or "").strip()
    phone_s = validate_phone(phone_s, field="phone") if phone_s else ""
    note = clean_text(note, field="note", max_len=200)
    with ctx.db.read() as session:
        key = _key(session, code)
        if _open_loan(session, key.id) is not None:  # type: ignore[arg-type]
            raise Conflict(_("Key {code} is already out").format(code=code))
        staff_id, _res = _approver(ctx, session, key, auth)
    if staff_id is not None:
        from ..core import settings

        if settings.load(ctx).key_approver_pin:
            from ...validators import validate_pin
            from ..core.staff import authenticate

            if not str(approver_pin or "").strip():
                raise ValidationError("approver_pin", _("The approver's PIN is required"))
            authenticate(ctx, auth, validate_pin(approver_pin, field="approver_pin"))
    now = ctx.now()
    with ctx.db.write() as session:
        key = _key(session, code)
        if _open_loan(session, key.id) is not None:  # type: ignore[arg-type]
            raise Conflict(_("Key {code} is already out").format(code=code))
        staff_id, resident_id = _approver(ctx, session, key, auth)
        loan = KeyLoan(key_id=key.id, lent_at=now, lent_by=ctx.actor.id, lent_to=to, phone=phone_s,  # type: ignore[arg-type]
                       purpose=purpose, purpose_note=note, authorised_by=auth,
                       authorised_staff_id=staff_id, authorised_resident_id=resident_id,
                       due_at=now + timedelta(hours=overdue_hours()))
        session.add(loan)
        session.flush()
        audit.record(session, ctx.actor, now, "keys.lend", "key_loan", loan.id, after={
            "key": code, "to": to, "phone": phone_s, "purpose": purpose, "note": note, "authorised_by": auth,
            "authorised_staff_id": staff_id, "authorised_resident_id": resident_id})
    return loan


def return_key(ctx: ServiceContext, code: object, note: object = "") -> KeyLoan:
    require(ctx.actor, STAFF, _("take back a key"))
    code = check_code(code)
    note = clean_text(note, field="return_note", max_len=200)
    with ctx.db.write() as session:
        key = _key(session, code)
        loan = _open_loan(session, key.id)  # type: ignore[arg-type]
        if loan is None:
            raise Conflict(_("Key {code} is not out").format(code=code))
        loan.returned_at = ctx.now()
        loan.returned_by = ctx.actor.id
        loan.return_note = note
        audit.record(session, ctx.actor, ctx.now(), "keys.return", "key_loan", loan.id,
                     after={"key": code, "note": note})
    return loan


def key_row(ctx: ServiceContext, code: object) -> KeyRow:
    """One key by its exact code, with its open loan (to name it before acting on it)."""
    require(ctx.actor, STAFF, _("read the key register"))
    code_s = check_code(code)
    with ctx.db.read() as session:
        row = session.execute(
            select(KeyItem, Unit.code, KeyLoan).join(Unit, Unit.id == KeyItem.unit_id, isouter=True)
            .join(KeyLoan, (KeyLoan.key_id == KeyItem.id) & KeyLoan.returned_at.is_(None), isouter=True)
            .where(KeyItem.code == code_s).where(KeyItem.active.is_(True))).first()
    if row is None:
        raise ValidationError("code", _("No key with this code"))
    return KeyRow(row[0], row[1] or "", row[2], bool(row[2] and is_overdue(row[2], ctx.now())))


def is_overdue(loan: KeyLoan, now: datetime) -> bool:
    return loan.returned_at is None and as_utc(loan.due_at) <= now


def list_keys(ctx: ServiceContext, text: str = "", out_only: bool = False, after_id: int | None = None,
              limit: int = 50) -> list[KeyRow]:
    """Keys in code order (keyset paged by id); ``text`` matches code, label or unit."""
    require(ctx.actor, STAFF, _("read the key register"))
    now = ctx.now()
    q = (select(KeyItem, Unit.code, KeyLoan)
         .join(Unit, Unit.id == KeyItem.unit_id, isouter=True)
         .join(KeyLoan, (KeyLoan.key_id == KeyItem.id) & KeyLoan.returned_at.is_(None), isouter=True)
         .where(KeyItem.active.is_(True)).order_by(KeyItem.id).limit(max(1, min(limit, 500))))
    t = (text or "").strip()
    if t:
        from ...textsafe import LIKE_ESCAPE as E, like_escape

        like = f"%{like_escape(t)}%"  # % and _ are literal
        q = q.where(or_(KeyItem.code.ilike(like, escape=E), KeyItem.label.ilike(like, escape=E),
                        Unit.code.ilike(like, escape=E)))
    if out_only:
        q = q.where(KeyLoan.id.is_not(None))
    if after_id is not None:
        q = q.where(KeyItem.id > after_id)
    with ctx.db.read() as session:
        rows = session.execute(q).all()
    return [KeyRow(r[0], r[1] or "", r[2], bool(r[2] and is_overdue(r[2], now))) for r in rows]


def keys_out(ctx: ServiceContext, now: datetime | None = None) -> list[KeyRow]:
    """Keys out now, longest out first, each flagged overdue or not."""
    require(ctx.actor, STAFF, _("read the key register"))
    return _out_rows(ctx, now or ctx.now())


def _out_rows(ctx: ServiceContext, now: datetime) -> list[KeyRow]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(KeyItem, Unit.code, KeyLoan).join(KeyLoan, KeyLoan.key_id == KeyItem.id)
            .join(Unit, Unit.id == KeyItem.unit_id, isouter=True)
            .where(KeyLoan.returned_at.is_(None)).order_by(KeyLoan.lent_at).limit(1000)).all()
    return [KeyRow(r[0], r[1] or "", r[2], is_overdue(r[2], now)) for r in rows]


def loan_history(ctx: ServiceContext, code: object, limit: int = 50) -> list[KeyLoan]:
    require(ctx.actor, STAFF, _("read the key register"))
    code = check_code(code)
    with ctx.db.read() as session:
        key = session.execute(select(KeyItem).where(KeyItem.code == code)).scalar_one_or_none()
        if key is None:
            raise NotFound(_("No key with this code"))
        return list(session.execute(select(KeyLoan).where(KeyLoan.key_id == key.id)
                                    .order_by(KeyLoan.id.desc()).limit(limit)).scalars())


@provider("key_out", N_("Keys lent out"))
def _keys_out(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    ref = load_reference()
    items = []
    for row in _out_rows(ctx, now):
        loan = row.loan
        assert loan is not None
        title = _("Key {code} ({label}) lent to {to}: {purpose}").format(
            code=row.key.code, label=row.key.label, to=loan.lent_to, purpose=ref.label("key_purpose", loan.purpose))
        if row.overdue:
            title = _("OVERDUE") + " " + title
        items.append(OpenItem("key_out", f"key_loan:{loan.id}", title[:200], loan.lent_at, row.overdue,
                              {"key": row.key.code, "to": loan.lent_to, "authorised_by": loan.authorised_by}))
    return items

