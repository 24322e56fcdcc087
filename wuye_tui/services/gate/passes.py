"""Renovation permits and contractor passes (临时出入证).

The office issues a permit (unit, company, foreman, phone, dates, workers); each worker
gets a numbered pass ``P<permit>-<n>``. At the gate a typed pass number is checked:
unknown, revoked, outside the permit's dates or outside renovation hours (data/gate.toml)
is refused; every check is recorded, accepted or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from ...clock import as_utc
from ...errors import Conflict, NotFound, ValidationError
from ...i18n import _
from ...models import Unit
from ...models.gate import ContractorPass, PassCheck, RenovationPermit
from ...validators import clean_text, compact, parse_date_range, validate_int, validate_name, validate_phone
from ..core import audit
from ..core.context import ServiceContext
from .common import ref
from ..core.permissions import GATE, OFFICE, require

MAX_WORKERS = 50
MAX_PERMIT_DAYS = 180


def pass_number(permit_id: int, seq: int) -> str:
    return f"P{permit_id:04d}-{seq:02d}"


def issue_permit(ctx: ServiceContext, unit: str, company: str, foreman: str, phone: str, start: object,
                 end: object, workers: object, worker_names: list[str] | None = None) -> tuple[RenovationPermit, list[str]]:
    """Issue a permit and one pass per worker; returns the permit and the pass numbers."""
    require(ctx.actor, OFFICE, _("issue renovation permits"))
    from .common import resolve_unit

    u = resolve_unit(ctx, unit)
    company = clean_text(company, field="company", max_len=60, required=True)
    foreman = validate_name(foreman, field="foreman")
    phone = validate_phone(phone)
    d1, d2 = parse_date_range(start, end, "start", "end")
    if (d2 - d1).days > MAX_PERMIT_DAYS:
        raise ValidationError("end", _("A permit lasts at most {n} days").format(n=MAX_PERMIT_DAYS))
    if d2 < ctx.local(ctx.now()).date():
        raise ValidationError("end", _("The end date is in the past"))
    n = validate_int(workers, "workers", 1, MAX_WORKERS)
    names = [validate_name(w, field="worker_names") for w in (worker_names or []) if str(w).strip()]
    if len(names) > n:
        raise ValidationError("worker_names", _("More names than workers"))
    now = ctx.now()
    with ctx.db.write() as session:
        permit = RenovationPermit(unit_id=u.id, company=company, foreman=foreman, phone=phone, start_date=d1,  # type: ignore[arg-type]
                                  end_date=d2, workers=n, issued_at=now, issued_by=ctx.actor.id)
        session.add(permit)
        session.flush()
        numbers = []
        for i in range(1, n + 1):
            num = pass_number(permit.id, i)  # type: ignore[arg-type]
            session.add(ContractorPass(number=num, permit_id=permit.id, seq=i,  # type: ignore[arg-type]
                                       worker=names[i - 1] if i <= len(names) else ""))
            numbers.append(num)
        session.flush()
        audit.record(session, ctx.actor, now, "gate.permit_issue", "gate_permit", permit.id,
                     after={"unit": u.code, "company": company, "foreman": foreman, "from": d1.isoformat(),
                            "to": d2.isoformat(), "passes": numbers})
    return permit, numbers


def revoke_permit(ctx: ServiceContext, permit_id: int, reason: str) -> None:
    require(ctx.actor, OFFICE, _("revoke renovation permits"))
    reason = clean_text(reason, field="reason", max_len=200, required=True)
    now = ctx.now()
    with ctx.db.write() as session:
        permit = session.get(RenovationPermit, permit_id)
        if permit is None:
            raise NotFound(_("No such permit"))
        if permit.revoked_at is not None:
            raise Conflict(_("This permit is already revoked"))
        permit.revoked_at, permit.revoked_by, permit.revoke_reason = now, ctx.actor.id, reason
        audit.record(session, ctx.actor, now, "gate.permit_revoke", "gate_permit", permit_id, after={"reason": reason})


def normalise_pass(value: object) -> str:
    """``p12-3``, ``P0012-03``, ``12-3`` all mean P0012-03."""
    s = compact(value).lstrip("P")
    if "-" not in s or not all(x.isdigit() for x in s.split("-", 1)) or not s.split("-", 1)[1]:
        raise ValidationError("pass", _("A pass number looks like P0012-03"))
    a, b = s.split("-", 1)
    return pass_number(int(a), int(b))


@dataclass(frozen=True)
class PassResult:
    number: str
    ok: bool
    result: str  # ok / unknown / revoked / dates / hours
    message: str
    unit: str = ""
    company: str = ""
    worker: str = ""


def _verdict(ctx: ServiceContext, number: str, row, now: datetime) -> PassResult:  # type: ignore[no-untyped-def]
    if row is None:
        return PassResult(number, False, "unknown", _("Unknown pass number"))
    p, permit, unit = row
    base = dict(unit=unit, company=permit.company, worker=p.worker)
    local = ctx.local(now)
    hours = ref().renovation
    if p.revoked_at is not None or permit.revoked_at is not None:
        return PassResult(number, False, "revoked", _("This pass was revoked: {reason}").format(
            reason=permit.revoke_reason or "-"), **base)
    if not permit.start_date <= local.date() <= permit.end_date:
        return PassResult(number, False, "dates", _("Outside the permit's dates ({start} to {end})").format(
            start=permit.start_date.isoformat(), end=permit.end_date.isoformat()), **base)
    if not hours.allows(local):
        return PassResult(number, False, "hours", _("Outside renovation hours ({hours})").format(hours=hours.text),
                          **base)
    return PassResult(number, True, "ok", _("Valid: {company} for {unit}").format(company=permit.company,
                                                                                   unit=unit), **base)


def check_pass(ctx: ServiceContext, number: str) -> PassResult:
    """Check a pass at the gate and record the check (accepted entries are logged)."""
    require(ctx.actor, GATE, _("check contractor passes"))
    try:
        num = normalise_pass(number)
    except ValidationError:
        num = compact(number)[:16]
        if not num:
            raise
    now = ctx.now()
    with ctx.db.write() as session:
        row = session.execute(select(ContractorPass, RenovationPermit, Unit.code)
                              .join(RenovationPermit, RenovationPermit.id == ContractorPass.permit_id)
                              .join(Unit, Unit.id == RenovationPermit.unit_id)
                              .where(ContractorPass.number == num)).first()
        verdict = _verdict(ctx, num, row, now)
        check = PassCheck(at=now, number=num, pass_id=row[0].id if row else None, result=verdict.result,
                          guard_id=ctx.actor.id)
        session.add(check)
        session.flush()
        audit.record(session, ctx.actor, now, "gate.pass_check", "gate_pass_check", check.id,
                     after={"pass": num, "result": verdict.result})
    return verdict


@dataclass(frozen=True)
class ActivePermit:
    permit_id: int
    unit: str
    company: str
    foreman: str
    start_date: date
    end_date: date
    passes: int
    issued_at: datetime


def active_permits(ctx: ServiceContext, now: datetime | None = None, limit: int = 200) -> list[ActivePermit]:
    """Permits valid today and not revoked."""
    require(ctx.actor, GATE | OFFICE, _("see active contractor passes"))
    today = ctx.local(now or ctx.now()).date()
    with ctx.db.read() as session:
        rows = session.execute(
            select(RenovationPermit, Unit.code).join(Unit, Unit.id == RenovationPermit.unit_id)
            .where(RenovationPermit.revoked_at.is_(None), RenovationPermit.start_date <= today,
                   RenovationPermit.end_date >= today)
            .order_by(RenovationPermit.id.desc()).limit(limit)).all()
    return [ActivePermit(p.id, code, p.company, p.foreman, p.start_date, p.end_date, p.workers,  # type: ignore[arg-type]
                         as_utc(p.issued_at)) for p, code in rows]


def passes_of(ctx: ServiceContext, permit_id: int) -> list[ContractorPass]:
    require(ctx.actor, GATE | OFFICE, _("see active contractor passes"))
    with ctx.db.read() as session:
        return list(session.execute(select(ContractorPass).where(ContractorPass.permit_id == permit_id)
                                    .order_by(ContractorPass.seq)).scalars())
