"""What the gate looks up: visitors on site now, past visitors, refused entries, watch-list hits.

The on-site board (``on_site``, keyset paged; ``is_overstay`` past the expected time or the
night hour) and the search for check-out by name or plate (``find_on_site``); the
returning-visitor look-up (``find_visitors``: name, pinyin initials, or the whole phone or ID
number) and the check-in form filled from a past visit (``form_from_visit``); a visitor's
history; the lists of refused entries and of watch-list hits (supervisors). Read only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...clock import as_utc
from ...errors import NotFound
from ...i18n import _
from ...models import Staff, Unit
from ...models.gate import GateVisitor, Visit, VisitRefusal
from ...validators import clean_text, compact, mask_id_number
from ..core.context import ServiceContext
from ..core.permissions import GATE, require
from .common import prefix_range


@dataclass(frozen=True)
class OnSite:
    visit_id: int
    name: str
    headcount: int
    unit: str
    purpose: str
    plate: str
    checked_in_at: datetime
    expected_out_at: datetime
    overstay: bool
    id_masked: str


def is_overstay(ctx: ServiceContext, now: datetime, checked_in: datetime, expected: datetime) -> bool:
    from .common import ref

    if as_utc(expected) < now:
        return True
    local_now, local_in = ctx.local(now), ctx.local(checked_in)
    night = ref().visitor.night_hour
    return local_now.time() >= night or local_in.date() < local_now.date()


def on_site(ctx: ServiceContext, limit: int = 200, before_id: int | None = None) -> list[OnSite]:
    """Visitors on site now, newest first (keyset paged by visit id)."""
    require(ctx.actor, GATE, _("see who is on site"))
    now = ctx.now()
    stmt = (select(Visit.id, Visit.name, Visit.headcount, Unit.code, Visit.purpose, Visit.plate, Visit.checked_in_at,
                   Visit.expected_out_at, Visit.id_number)
            .join(Unit, Unit.id == Visit.host_unit_id)
            .where(Visit.checked_out_at.is_(None)).order_by(Visit.id.desc()).limit(limit))
    if before_id is not None:
        stmt = stmt.where(Visit.id < before_id)
    with ctx.db.read() as session:
        rows = session.execute(stmt).all()
    return [OnSite(r[0], r[1], r[2], r[3], r[4], r[5], as_utc(r[6]), as_utc(r[7]),
                   is_overstay(ctx, now, r[6], r[7]), mask_id_number(r[8])) for r in rows]


def find_on_site(ctx: ServiceContext, text: str, limit: int = 20) -> list[OnSite]:
    """Open visits by name prefix or plate (for check-out by name or plate)."""
    q = clean_text(text, field="find", max_len=30, required=True)
    plate = compact(q)
    rows = [r for r in on_site(ctx, limit=500)
            if r.name.startswith(q) or (r.plate and r.plate.startswith(plate))]
    return rows[:limit]


@dataclass(frozen=True)
class VisitorHit:
    visitor_id: int
    name: str
    id_masked: str
    phone: str
    last_seen_at: datetime
    last_visit_id: int | None
    visits: int

    @property
    def phone_masked(self) -> str:
        from ...validators.ids import mask_phone

        return mask_phone(self.phone)

    @property
    def label(self) -> str:
        return f"{self.name} {self.id_masked} {self.phone_masked}".strip()


def find_visitors(ctx: ServiceContext, text: str, limit: int = 8) -> list[VisitorHit]:
    """Past visitors whose name or pinyin initials start with ``text``, or whose phone or ID
    number IS ``text`` (the whole number: a prefix search let anyone read a masked number digit
    by digit; supervisors may still search phones by prefix), most recently seen first."""
    require(ctx.actor, GATE, _("look up past visitors"))
    q = (text or "").strip()
    key = compact(q)
    if not key:
        return []
    branches = []
    if key.isdigit() or (len(key) >= 6 and key[:-1].isdigit()):
        full = key.upper()
        branches += [GateVisitor.phone == key, GateVisitor.id_number == full]
        if ctx.actor.is_supervisor:
            branches += [prefix_range(GateVisitor.phone, key)]
    elif key.isascii() and key.isalpha():
        branches += [prefix_range(GateVisitor.initials, key.lower())]
    else:
        branches += [prefix_range(GateVisitor.name, q)]
    found: dict[int, GateVisitor] = {}
    with ctx.db.read() as session:
        for cond in branches:
            for v in session.execute(select(GateVisitor).where(cond).limit(limit * 4)).scalars():
                found[v.id] = v  # type: ignore[index]
    hits = sorted(found.values(), key=lambda v: as_utc(v.last_seen_at), reverse=True)[:limit]
    return [VisitorHit(v.id, v.name, mask_id_number(v.id_number), v.phone, as_utc(v.last_seen_at),  # type: ignore[arg-type]
                       v.last_visit_id, v.visits) for v in hits]


def form_from_visit(ctx: ServiceContext, visit_id: int) -> dict[str, str]:
    """The check-in form filled from a past visit (ID number in full: the form masks it)."""
    require(ctx.actor, GATE, _("look up past visitors"))
    with ctx.db.read() as session:
        row = session.execute(select(Visit, Unit.code).join(Unit, Unit.id == Visit.host_unit_id)
                              .where(Visit.id == visit_id)).first()
    if row is None or row[0].purged:
        raise NotFound(_("No such visit"))
    v, code = row
    return {"name": v.name, "id_type": v.id_type, "id_number": v.id_number, "phone": v.phone,
            "headcount": str(v.headcount), "unit": code, "approval": "",  # asked again: never copied from an earlier visit
            "purpose": v.purpose, "plate": v.plate, "stay": ""}


def history(ctx: ServiceContext, visitor_id: int, limit: int = 20) -> list[Visit]:
    require(ctx.actor, GATE, _("look up past visitors"))
    with ctx.db.read() as session:
        return list(session.execute(select(Visit).where(Visit.visitor_id == visitor_id)
                                    .order_by(Visit.id.desc()).limit(limit)).scalars())


@dataclass(frozen=True)
class RefusalRow:
    refusal_id: int
    at: datetime
    reason: str  # code
    note: str
    name: str
    plate: str
    unit: str
    guard: str


def recent_refusals(ctx: ServiceContext, limit: int = 100) -> list[RefusalRow]:
    """Refused entries, newest first (the gate desk's refusal list)."""
    require(ctx.actor, GATE, _("see who is on site"))
    with ctx.db.read() as session:
        rows = session.execute(select(VisitRefusal.id, VisitRefusal.at, VisitRefusal.reason, VisitRefusal.note,
                                      VisitRefusal.name, VisitRefusal.plate, Unit.code, Staff.name)
                               .join(Unit, Unit.id == VisitRefusal.host_unit_id, isouter=True)
                               .join(Staff, Staff.id == VisitRefusal.guard_id, isouter=True)
                               .order_by(VisitRefusal.id.desc()).limit(limit)).all()
    return [RefusalRow(r[0], as_utc(r[1]), r[2], r[3], r[4], r[5], r[6] or "", r[7] or "") for r in rows]


@dataclass(frozen=True)
class WatchHitRow:
    at: datetime
    guard: str
    hits: list[str]
    who: str  # the name and/or plate that was checked


def recent_watch_hits(ctx: ServiceContext, limit: int = 50) -> list[WatchHitRow]:
    """Watch-list hits at the gate, newest first (supervisors)."""
    import json

    from ...models import AuditEntry

    from ..core.permissions import SUPERVISORS

    require(ctx.actor, SUPERVISORS, _("see watch-list hits"))
    with ctx.db.read() as session:
        rows = session.execute(select(AuditEntry.at, Staff.name, AuditEntry.after)
                               .join(Staff, Staff.id == AuditEntry.staff_id, isouter=True)
                               .where(AuditEntry.action == "gate.watch_hit")
                               .order_by(AuditEntry.id.desc()).limit(limit)).all()
    out = []
    for at, guard, after in rows:
        data = json.loads(after or "{}")
        who = " ".join(str(data.get(k) or "") for k in ("name", "plate") if data.get(k))
        out.append(WatchHitRow(as_utc(at), guard or "", list(data.get("hits") or []), who))
    return out
