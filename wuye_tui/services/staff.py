"""Staff accounts, PIN login with lockout, and login sessions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..clock import as_utc
from ..errors import AuthError, Conflict, LockedOut, NotFound, ValidationError
from ..i18n import _
from ..models import Staff, StaffSession
from ..validators import validate_name, validate_pin
from . import audit, settings
from .context import ROLES, Actor, ServiceContext
from .permissions import SUPERVISORS, require
from .security import check_pin, hash_pin


def actor_of(staff: Staff) -> Actor:
    return Actor(id=staff.id, name=staff.name, role=staff.role)


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError("role", _("Role must be one of: {roles}").format(roles=", ".join(ROLES)))
    return role


def count(ctx: ServiceContext) -> int:
    with ctx.db.read() as session:
        return session.execute(select(func.count()).select_from(Staff)).scalar_one()


def create_first_supervisor(ctx: ServiceContext, name: str, pin: str) -> Staff:
    """``wuye init`` and the first start: refused once any staff exists."""
    name = validate_name(name, field="name")
    pin_hash = hash_pin(validate_pin(pin, field="pin"))  # slow: outside the transaction
    with ctx.db.write() as session:
        if session.execute(select(func.count()).select_from(Staff)).scalar_one():
            raise Conflict(_("Staff already exist: the first supervisor was created before."))
        staff = Staff(name=name, role="supervisor", pin_hash=pin_hash, created_at=ctx.now())
        session.add(staff)
        session.flush()
        audit.record(session, actor_of(staff), ctx.now(), "staff.first_supervisor", "staff", staff.id,
                     after={"name": name, "role": "supervisor"})
    return staff


def add(ctx: ServiceContext, name: str, role: str, pin: str) -> Staff:
    require(ctx.actor, SUPERVISORS, _("add staff"))
    name = validate_name(name, field="name")
    role = _check_role(role)
    pin = validate_pin(pin, field="pin")
    if role == "manager" and ctx.actor.role != "manager":
        require(ctx.actor, {"manager"}, _("add a manager"))
    pin_hash = hash_pin(pin)  # slow: outside the transaction
    with ctx.db.write() as session:
        if session.execute(select(Staff.id).where(Staff.name == name)).first():
            raise ValidationError("name", _("A staff member with this name exists"))
        staff = Staff(name=name, role=role, pin_hash=pin_hash, created_at=ctx.now())
        session.add(staff)
        session.flush()
        audit.record(session, ctx.actor, ctx.now(), "staff.add", "staff", staff.id,
                     after={"name": name, "role": role})
    return staff


def list_staff(ctx: ServiceContext, include_inactive: bool = True) -> list[Staff]:
    with ctx.db.read() as session:
        q = select(Staff).order_by(Staff.role, Staff.name)
        if not include_inactive:
            q = q.where(Staff.active.is_(True))
        return list(session.execute(q).scalars())


def login_names(ctx: ServiceContext) -> list[tuple[str, str]]:
    """(name, role) of active staff, for the login picker (no permission needed)."""
    with ctx.db.read() as session:
        rows = session.execute(
            select(Staff.name, Staff.role).where(Staff.active.is_(True)).order_by(Staff.name)
        ).all()
    return [(r[0], r[1]) for r in rows]


def _get_by_name(session, name: str) -> Staff:  # type: ignore[no-untyped-def]
    staff = session.execute(select(Staff).where(Staff.name == name.strip())).scalar_one_or_none()
    if staff is None:
        raise NotFound(_("No staff member named {name}").format(name=name))
    return staff


def set_active(ctx: ServiceContext, name: str, active: bool) -> Staff:
    require(ctx.actor, SUPERVISORS, _("disable staff"))
    with ctx.db.write() as session:
        staff = _get_by_name(session, name)
        if staff.id == ctx.actor.id and not active:
            raise Conflict(_("You cannot disable yourself"))
        if staff.role == "manager" and ctx.actor.role != "manager":
            require(ctx.actor, {"manager"}, _("change a manager"))
        before = staff.active
        staff.active = active
        audit.record(session, ctx.actor, ctx.now(), "staff.enable" if active else "staff.disable",
                     "staff", staff.id, {"active": before}, {"active": active})
    return staff


def reset_pin(ctx: ServiceContext, name: str, new_pin: str) -> Staff:
    """A supervisor resets anyone's PIN (and clears a lockout); anyone may change their own."""
    pin_hash = hash_pin(validate_pin(new_pin, field="pin"))  # slow: outside the transaction
    with ctx.db.write() as session:
        staff = _get_by_name(session, name)
        if staff.id != ctx.actor.id:
            require(ctx.actor, SUPERVISORS, _("reset a PIN"))
            if staff.role == "manager" and ctx.actor.role != "manager":
                require(ctx.actor, {"manager"}, _("change a manager"))
        staff.pin_hash = pin_hash
        staff.failed_attempts = 0
        staff.locked_until = None
        audit.record(session, ctx.actor, ctx.now(), "staff.reset_pin", "staff", staff.id)
    return staff


def authenticate(ctx: ServiceContext, name: str, pin: str) -> Actor:
    """Check a PIN. Wrong PINs count; the Nth locks the account for a while. All audited.

    The slow hash is checked outside any transaction, so a login never holds the write
    lock for the other terminals; the counters are then updated on a fresh read."""
    policy = settings.load(ctx)
    now = ctx.now()
    name = (name or "").strip()
    with ctx.db.read() as session:
        found = session.execute(select(Staff).where(Staff.name == name)).scalar_one_or_none()
    if found is None or not found.active:
        with ctx.db.write() as session:
            audit.record(session, None, now, "auth.unknown", "staff", "", after={"name": name[:40]})
        raise AuthError(_("Unknown or disabled staff member"))
    good = not _locked(found, now) and check_pin(pin or "", found.pin_hash)
    with ctx.db.write() as session:
        staff = session.get(Staff, found.id)
        assert staff is not None  # staff rows are never deleted
        if staff.pin_hash != found.pin_hash:  # the PIN was reset meanwhile
            good = check_pin(pin or "", staff.pin_hash)
        if _locked(staff, now):
            audit.record(session, None, now, "auth.locked", "staff", staff.id)
            until = as_utc(staff.locked_until)  # type: ignore[arg-type]
            session.commit()
            raise LockedOut(_("Locked after too many wrong PINs, until {time}").format(
                time=ctx.local(until).strftime("%H:%M")), until)
        if not good:
            staff.failed_attempts += 1
            audit.record(session, None, now, "auth.failed", "staff", staff.id,
                         after={"failed_attempts": staff.failed_attempts})
            if staff.failed_attempts >= policy.lockout_attempts:
                staff.locked_until = now + timedelta(minutes=policy.lockout_minutes)
                staff.failed_attempts = 0
                audit.record(session, None, now, "auth.lockout", "staff", staff.id,
                             after={"until": staff.locked_until.isoformat()})
                session.commit()
                raise LockedOut(_("Locked after too many wrong PINs, until {time}").format(
                    time=ctx.local(staff.locked_until).strftime("%H:%M")), staff.locked_until)
            remaining = policy.lockout_attempts - staff.failed_attempts
            session.commit()
            raise AuthError(_("Wrong PIN; {n} tries left").format(n=remaining), remaining)
        if staff.failed_attempts or staff.locked_until is not None:
            staff.failed_attempts = 0
            staff.locked_until = None
        return actor_of(staff)


def _locked(staff: Staff, now: datetime) -> bool:
    return staff.locked_until is not None and as_utc(staff.locked_until) > now


def verify_supervisor(ctx: ServiceContext, name: str, pin: str) -> Actor:
    """A supervisor's PIN for an override (watch list, escalation ack, kiosk quit)."""
    actor = authenticate(ctx, name, pin)
    require(actor, SUPERVISORS, _("approve with a supervisor PIN"))
    return actor


def start_session(ctx: ServiceContext) -> int:
    with ctx.db.write() as session:
        row = StaffSession(staff_id=ctx.actor.id, terminal=ctx.terminal[:60], started_at=ctx.now())
        session.add(row)
        session.flush()
        audit.record(session, ctx.actor, ctx.now(), "auth.login", "staff_session", row.id,
                     after={"terminal": row.terminal})
        return row.id  # type: ignore[return-value]


def end_session(ctx: ServiceContext, session_id: int, reason: str = "logout") -> None:
    with ctx.db.write() as session:
        row = session.get(StaffSession, session_id)
        if row is None or row.ended_at is not None:
            return
        row.ended_at = ctx.now()
        row.end_reason = reason[:30]
        audit.record(session, ctx.actor, ctx.now(), f"auth.{reason}", "staff_session", row.id)


def sessions_between(ctx: ServiceContext, start: datetime, end: datetime) -> list[StaffSession]:
    require(ctx.actor, SUPERVISORS, _("read login sessions"))
    with ctx.db.read() as session:
        return list(session.execute(
            select(StaffSession).where(StaffSession.started_at < end)
            .where((StaffSession.ended_at.is_(None)) | (StaffSession.ended_at >= start))
            .order_by(StaffSession.started_at)
        ).scalars())
