"""The duty roster (排班): which guard is on duty at which post for one shift.

The handover takes its roles from here: the outgoing guard is the one on duty for the
ending shift at that post, the incoming guard the one on duty for the next shift there.
A shift/post with nobody on the roster falls back to the guard who was logged in during
that shift (see ``handover``).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from ...errors import ValidationError
from ...i18n import _
from ...models import Staff
from ...models.guard import GuardDuty
from ...reference import load_reference
from ...validators import parse_date
from ..core import audit
from ..core.context import ServiceContext
from .shifts import ShiftWindow, shift_at
from ..core.permissions import GATE, GUARD, SUPERVISORS, require


def next_window(ctx: ServiceContext, win: ShiftWindow) -> ShiftWindow:
    """The shift that follows ``win`` (the one whose guard receives its handover)."""
    return shift_at(ctx, win.end + timedelta(seconds=1))


def _shift(code: object) -> str:
    value = str(code or "").strip()
    try:
        load_reference().shift(value)
    except LookupError:
        raise ValidationError("shift", _("Unknown shift")) from None
    return value


def _post(code: object) -> str:
    value = str(code or "").strip()
    if value not in load_reference().codes("post"):
        raise ValidationError("post", _("Unknown post"))
    return value


def assign(ctx: ServiceContext, day: object, shift: object, post: object, guard: object) -> GuardDuty:
    """Put a guard on the roster (a supervisor's act); replaces whoever was there."""
    require(ctx.actor, SUPERVISORS, _("edit the duty roster"))
    d = day if isinstance(day, date) else parse_date(day, field="date")
    shift_code, post_code = _shift(shift), _post(post)
    name = str(guard or "").strip()
    with ctx.db.write() as session:
        staff = session.execute(select(Staff).where(Staff.name == name)).scalar_one_or_none()
        if staff is None or not staff.active or staff.role != GUARD:
            raise ValidationError("guard", _("No active guard of that name"))
        row = session.execute(select(GuardDuty).where(GuardDuty.duty_date == d).where(GuardDuty.shift == shift_code)
                              .where(GuardDuty.post == post_code)).scalar_one_or_none()
        before = {"staff_id": row.staff_id} if row else None
        if row is None:
            row = GuardDuty(duty_date=d, shift=shift_code, post=post_code, staff_id=staff.id)  # type: ignore[arg-type]
            session.add(row)
        else:
            row.staff_id = staff.id  # type: ignore[assignment]
        session.flush()
        audit.record(session, ctx.actor, ctx.now(), "roster.assign", "guard_duty", row.id, before=before,
                     after={"date": d.isoformat(), "shift": shift_code, "post": post_code, "staff": staff.name})
    return row


def on_duty(ctx: ServiceContext, win: ShiftWindow, post: str) -> int | None:
    """The staff id on duty at ``post`` for the shift ``win``, or None (not rostered)."""
    with ctx.db.read() as session:
        return session.execute(select(GuardDuty.staff_id).where(GuardDuty.duty_date == win.duty_date)
                               .where(GuardDuty.shift == win.code).where(GuardDuty.post == post)).scalar()


def posts_of(ctx: ServiceContext, staff_id: int | None, win: ShiftWindow) -> list[str]:
    """The posts ``staff_id`` is rostered at for the shift ``win``."""
    if staff_id is None:
        return []
    with ctx.db.read() as session:
        return list(session.execute(select(GuardDuty.post).where(GuardDuty.duty_date == win.duty_date)
                                    .where(GuardDuty.shift == win.code).where(GuardDuty.staff_id == staff_id)
                                    .order_by(GuardDuty.post)).scalars())


def rostered(ctx: ServiceContext, win: ShiftWindow) -> bool:
    """Whether anybody is on the roster for the shift ``win``."""
    with ctx.db.read() as session:
        return session.execute(select(GuardDuty.id).where(GuardDuty.duty_date == win.duty_date)
                               .where(GuardDuty.shift == win.code).limit(1)).first() is not None


def roster_of(ctx: ServiceContext, day: date) -> list[tuple[GuardDuty, str]]:
    require(ctx.actor, GATE, _("read the duty roster"))
    with ctx.db.read() as session:
        return [(r[0], r[1]) for r in session.execute(
            select(GuardDuty, Staff.name).join(Staff, Staff.id == GuardDuty.staff_id)
            .where(GuardDuty.duty_date == day).order_by(GuardDuty.shift, GuardDuty.post)).all()]
