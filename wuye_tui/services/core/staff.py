"""Staff accounts, PIN login with lockout, and login sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from ...clock import as_utc
from ...errors import AuthError, Conflict, LockedOut, NotFound, ValidationError
from ...i18n import _
from ...models import Staff, StaffSession
from ...validators import validate_name, validate_pin
from . import audit, settings
from .context import ROLES, Actor, ServiceContext
from .permissions import SUPERVISORS, require
from .security import check_pin, hash_pin, pepper_for


def _check_pin_policy(ctx: ServiceContext, role: str, pin: str) -> None:
    """Supervisors' and managers' PINs: at least ``supervisor_pin_min_length`` digits."""
    if role in SUPERVISORS:
        need = settings.load(ctx).supervisor_pin_min_length
        if len(pin) < need:
            raise ValidationError("pin", _("A supervisor's or manager's PIN needs at least {n} digits").format(
                n=need))


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
    pin = validate_pin(pin, field="pin")
    _check_pin_policy(ctx, "supervisor", pin)
    pin_hash = hash_pin(pin, pepper_for(ctx.db))  # slow: outside the transaction
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
    _check_pin_policy(ctx, role, pin)
    pin_hash = hash_pin(pin, pepper_for(ctx.db))  # slow: outside the transaction
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
    new_pin = validate_pin(new_pin, field="pin")
    with ctx.db.read() as session:
        _check_pin_policy(ctx, _get_by_name(session, name).role, new_pin)
    pin_hash = hash_pin(new_pin, pepper_for(ctx.db))  # slow: outside the transaction
    with ctx.db.write() as session:
        staff = _get_by_name(session, name)
        if staff.id != ctx.actor.id:
            require(ctx.actor, SUPERVISORS, _("reset a PIN"))
            if staff.role == "manager" and ctx.actor.role != "manager":
                require(ctx.actor, {"manager"}, _("change a manager"))
        staff.pin_hash = pin_hash
        staff.failed_attempts = 0
        staff.locked_until = None
        from . import throttle

        throttle.clear_account(session, staff.id)  # type: ignore[arg-type]
        audit.record(session, ctx.actor, ctx.now(), "staff.reset_pin", "staff", staff.id)
    return staff


def authenticate(ctx: ServiceContext, name: str, pin: str) -> Actor:
    """Check a PIN. Wrong PINs slow the account at this terminal down (growing delays, see
    ``services.throttle``) instead of locking it for everyone; all audited. Unknown names are
    counted per terminal, never stored as typed (it may be a PIN typed into the name field).

    The slow hash is checked outside any transaction, so a login never holds the write
    lock for the other terminals; the counters are then updated on a fresh read. A good
    login rewrites a legacy or cheaper hash (peppered argon2id)."""
    from . import throttle
    from .security import needs_rehash, pepper_for

    policy = settings.load(ctx)
    tpolicy = throttle.Policy(policy.lockout_attempts, policy.lockout_minutes)
    now = ctx.now()
    terminal = (ctx.terminal or "unknown")[:80]
    name = (name or "").strip()
    with ctx.db.read() as session:
        found = session.execute(select(Staff).where(Staff.name == name)).scalar_one_or_none()
        waiting = throttle.wait_until(session, now, [throttle.term_key(terminal)] + (
            [throttle.pair_key(found.id, terminal), throttle.acct_key(found.id)] if found is not None else []))
    if waiting is not None:
        with ctx.db.write() as session:
            audit.record(session, None, now, "auth.delayed", "staff", found.id if found is not None else "",
                         after={"terminal": terminal})
        raise _delayed(ctx, waiting)
    if found is None or not found.active:
        with ctx.db.write() as session:
            n = throttle.count_unknown(session, now, terminal)
            throttle.fail(session, now, None, terminal, tpolicy)
            if n == 1 or n % 10 == 0:  # a count and the terminal, never the typed text
                audit.record(session, None, now, "auth.unknown", "terminal", "",
                             after={"terminal": terminal, "unknown_names": n})
        raise AuthError(_("Unknown or disabled staff member"))
    pepper = pepper_for(ctx.db)
    good = check_pin(pin or "", found.pin_hash, pepper)
    rehash = None
    with ctx.db.write() as session:
        staff = session.get(Staff, found.id)
        assert staff is not None  # staff rows are never deleted
        if staff.pin_hash != found.pin_hash:  # the PIN was reset meanwhile
            good = check_pin(pin or "", staff.pin_hash, pepper)
        if not good:
            until = throttle.fail(session, now, staff.id, terminal, tpolicy)
            staff.failed_attempts = (staff.failed_attempts or 0) + 1
            audit.record(session, None, now, "auth.failed", "staff", staff.id,
                         after={"terminal": terminal, "failed_attempts": staff.failed_attempts})
            if until is not None:
                audit.record(session, None, now, "auth.slowed", "staff", staff.id,
                             after={"terminal": terminal, "until": until.isoformat()})
                session.commit()
                raise _delayed(ctx, until)
            remaining = throttle.failures_left(session, staff.id, terminal, tpolicy.attempts)
            session.commit()
            raise AuthError(_("Wrong PIN; {n} tries left").format(n=remaining), remaining)
        throttle.clear_account(session, staff.id)  # type: ignore[arg-type]
        throttle.clear_terminal_failures(session, terminal)
        if staff.failed_attempts or staff.locked_until is not None:
            staff.failed_attempts = 0
            staff.locked_until = None
        if needs_rehash(staff.pin_hash):
            rehash = staff.pin_hash
        actor = actor_of(staff)
    if rehash is not None:
        _upgrade_hash(ctx, actor, rehash, pin, pepper)
    return actor


def _delayed(ctx: ServiceContext, until: datetime) -> LockedOut:
    return LockedOut(_("Too many wrong PINs: locked for now, try again after {time}").format(
        time=ctx.local(until).strftime("%H:%M:%S")), until)


def _upgrade_hash(ctx: ServiceContext, actor: Actor, old: str, pin: str, pepper: bytes) -> None:
    """Rewrite a legacy/cheaper hash after a good login (slow hash outside the transaction)."""
    from .security import hash_pin as new_hash

    fresh = new_hash(pin, pepper)
    with ctx.db.write() as session:
        staff = session.get(Staff, actor.id)
        if staff is not None and staff.pin_hash == old:
            staff.pin_hash = fresh
            audit.record(session, actor, ctx.now(), "staff.pin_rehash", "staff", staff.id)


def unlock(ctx: ServiceContext, name: str) -> Staff:
    """A manager clears the wrong-PIN delays of an account (at every terminal)."""
    from . import throttle
    from .permissions import MANAGERS

    require(ctx.actor, MANAGERS, _("clear wrong-PIN delays"))
    with ctx.db.write() as session:
        staff = _get_by_name(session, name)
        throttle.clear_account(session, staff.id)  # type: ignore[arg-type]
        staff.failed_attempts = 0
        staff.locked_until = None
        audit.record(session, ctx.actor, ctx.now(), "staff.unlock", "staff", staff.id)
    return staff


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
