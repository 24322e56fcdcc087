"""Item-release slips (放行条): issued by the office, used once at the gate.

A second use is refused and recorded; items going out without a slip are refused and
recorded too. Using a slip is a conditional UPDATE (``WHERE used_at IS NULL``), so two
gates cannot both accept it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select, update

from ...clock import as_utc
from ...errors import ValidationError
from ...i18n import _
from ...models import Staff, Unit
from ...models.gate import ReleaseSlip, SlipUse
from ...validators import clean_text, compact, parse_date
from ..core import audit
from ..core.context import ServiceContext
from ..core.permissions import GATE, OFFICE, require

MAX_ITEMS = 30


def parse_items(value: object, field_name: str = "items") -> list[tuple[str, int]]:
    """``冰箱x1, 旧沙发 2，纸箱*5`` -> [(冰箱, 1), (旧沙发, 2), (纸箱, 5)]; quantity defaults to 1."""
    text = clean_text(value, field=field_name, max_len=1000, required=True)
    out: list[tuple[str, int]] = []
    for part in re.split(r"[,，;；、\n]+", text):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(.+?)\s*(?:[x×X*＊]\s*|\s+)([0-9０-９]{1,4})\s*(?:件|个|台|只|箱|张|套)?", part)
        if m is None and re.search(r"(?:[x×X*＊]\s*[-－+.0-9０-９]|\s[-－+][0-9０-９])", part):
            # "冰箱x-3", "纸箱*1.5", "沙发 -2": a quantity was meant but is not a whole number >= 1
            raise ValidationError(field_name, _("Each item needs a name and a quantity of at least 1"))
        name, qty = (m.group(1).strip(), int(compact(m.group(2)))) if m else (part, 1)
        if not name or qty < 1:
            raise ValidationError(field_name, _("Each item needs a name and a quantity of at least 1"))
        if len(name) > 40:
            raise ValidationError(field_name, _("An item name has at most {n} characters").format(n=40))
        out.append((name, qty))
    if not out:
        raise ValidationError(field_name, _("This field is required"))
    if len(out) > MAX_ITEMS:
        raise ValidationError(field_name, _("At most {n} items on one slip").format(n=MAX_ITEMS))
    return out


def items_text(items: list[tuple[str, int]] | list[list]) -> str:  # type: ignore[type-arg]
    return "，".join(f"{n}x{q}" for n, q in items)


def issue_slip(ctx: ServiceContext, unit: str, items: object, reason: str = "", valid_on: object = None,
               approved_by: str = "") -> ReleaseSlip:
    """Issue a slip; the approving staff member defaults to the issuer."""
    require(ctx.actor, OFFICE, _("issue release slips"))
    from .common import resolve_unit

    u = resolve_unit(ctx, unit)
    parsed = parse_items(items)
    reason = clean_text(reason, field="reason", max_len=200)
    today = ctx.local(ctx.now()).date()
    day = parse_date(valid_on, field="valid_on") if valid_on not in (None, "") else today
    if day < today:
        raise ValidationError("valid_on", _("The date is in the past"))
    now = ctx.now()
    with ctx.db.read() as session:
        approver_id = ctx.actor.id
        if str(approved_by or "").strip():
            approver_id = session.execute(select(Staff.id).where(Staff.name == approved_by.strip(),
                                                                 Staff.active.is_(True))).scalar()
            if approver_id is None:
                raise ValidationError("approved_by", _("No such staff member"))
    with ctx.db.write() as session:
        slip = ReleaseSlip(unit_id=u.id, items=json.dumps(parsed, ensure_ascii=False), reason=reason,  # type: ignore[arg-type]
                           valid_on=day, approved_by=approver_id, issued_at=now, issued_by=ctx.actor.id)
        session.add(slip)
        session.flush()
        audit.record(session, ctx.actor, now, "gate.slip_issue", "gate_slip", slip.id,
                     after={"unit": u.code, "items": parsed, "valid_on": day.isoformat()})
    return slip


def slip_number(slip_id: int) -> str:
    return f"{slip_id:06d}"


def parse_slip_number(value: object) -> int:
    s = compact(value).lstrip("F")
    if not s.isdigit() or len(s) > 9:
        raise ValidationError("slip", _("A slip number is digits only"))
    return int(s)


@dataclass(frozen=True)
class SlipView:
    number: str
    unit: str
    items: list[tuple[str, int]]
    reason: str
    valid_on: date
    approved_by: str
    used: bool
    problem: str = ""  # why it cannot be used now ("" if usable)
    result: str = "ok"
    extra: dict = field(default_factory=dict)


def _view(ctx: ServiceContext, session, slip_id: int) -> SlipView | None:  # type: ignore[no-untyped-def]
    row = session.execute(select(ReleaseSlip, Unit.code, Staff.name).join(Unit, Unit.id == ReleaseSlip.unit_id)
                          .join(Staff, Staff.id == ReleaseSlip.approved_by, isouter=True)
                          .where(ReleaseSlip.id == slip_id)).first()
    if row is None:
        return None
    s, code, approver = row
    today = ctx.local(ctx.now()).date()
    problem, result = "", "ok"
    if s.used_at is not None:
        problem, result = _("Already used at {time}").format(time=f"{ctx.local(as_utc(s.used_at)):%Y-%m-%d %H:%M}"), "used"
    elif s.valid_on < today:
        problem, result = _("This slip was valid on {day} only").format(day=s.valid_on.isoformat()), "expired"
    elif s.valid_on > today:
        problem, result = _("This slip is valid on {day}").format(day=s.valid_on.isoformat()), "not_yet"
    return SlipView(slip_number(s.id), code, [tuple(x) for x in json.loads(s.items)], s.reason, s.valid_on,  # type: ignore[misc]
                    approver or "", s.used_at is not None, problem, result)


def show_slip(ctx: ServiceContext, number: object) -> SlipView:
    """The slip's items and whether it can be used now (nothing recorded)."""
    require(ctx.actor, GATE | OFFICE, _("check release slips"))
    sid = parse_slip_number(number)
    with ctx.db.read() as session:
        view = _view(ctx, session, sid)
    if view is None:
        raise ValidationError("slip", _("Unknown slip number"))
    return view


def use_slip(ctx: ServiceContext, number: object) -> SlipView:
    """The guard confirms the items: the slip is used. Any refusal (unknown, used,
    wrong day) is recorded and returned with ``problem`` set."""
    require(ctx.actor, GATE, _("check release slips"))
    sid = parse_slip_number(number)
    now = ctx.now()
    with ctx.db.write() as session:
        view = _view(ctx, session, sid)
        if view is None:
            result, slip_id = "unknown", None
        else:
            result, slip_id = view.result, sid
            if result == "ok":
                done = session.execute(update(ReleaseSlip).where(ReleaseSlip.id == sid, ReleaseSlip.used_at.is_(None))
                                       .values(used_at=now, used_by=ctx.actor.id)).rowcount
                if done != 1:
                    result = "used"
                    view = SlipView(view.number, view.unit, view.items, view.reason, view.valid_on, view.approved_by,
                                    True, _("Already used"), "used")
        use = SlipUse(at=now, number=slip_number(sid), slip_id=slip_id, result=result, guard_id=ctx.actor.id)
        session.add(use)
        session.flush()
        audit.record(session, ctx.actor, now, "gate.slip_use", "gate_slip_use", use.id,
                     after={"slip": slip_number(sid), "result": result})
    if view is None:
        return SlipView(slip_number(sid), "", [], "", now.date(), "", False, _("Unknown slip number"), "unknown")
    return view


def refuse_without_slip(ctx: ServiceContext, items: object, note: str = "") -> SlipUse:
    """Items going out without a slip: refused and recorded."""
    require(ctx.actor, GATE, _("check release slips"))
    parsed = parse_items(items)
    note = clean_text(note, field="note", max_len=120)
    now = ctx.now()
    text = (items_text(parsed) + (f"; {note}" if note else ""))[:200]
    with ctx.db.write() as session:
        use = SlipUse(at=now, number="", slip_id=None, result="no_slip", note=text, guard_id=ctx.actor.id)
        session.add(use)
        session.flush()
        audit.record(session, ctx.actor, now, "gate.slip_refuse", "gate_slip_use", use.id, after={"items": text})
    return use
