"""Supervisor views of the guard post, as plain dataclasses (the reports area renders
them to files, the screens to tables):

- ``handover_report(ctx, day, shift=None)``: per shift, who handed over to whom and when,
  the items carried, patrol anomalies and missed rounds, late or missing handovers, and
  guards who logged out without handover.
- ``patrol_coverage(ctx, start_day, end_day)``: rounds walked against scheduled, per
  route per day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ...clock import as_utc
from ...errors import ValidationError
from ...validators import parse_date_range
from ...i18n import _
from ...models import Staff
from ...models.guard import Handover, HandoverEquipment, HandoverItem
from ...reference import load_reference
from ..core.context import ServiceContext
from .shifts import ShiftWindow, day_bounds, shift_on, shifts_of_day
from .patrol import _schedule, anomalies_between
from ..core.permissions import SUPERVISORS, require
from ..core.staff import sessions_between

LATE_AFTER = timedelta(minutes=30)  # signed this long after the shift's end: late
MAX_DAYS = 92


@dataclass(frozen=True)
class CarriedItem:
    kind: str
    title: str
    overdue: bool


@dataclass(frozen=True)
class HandoverLine:
    id: int
    post: str
    outgoing: str
    incoming: str
    opened_at: datetime
    signed_at: datetime | None
    status: str  # signed / draft
    late: bool
    failed_signatures: int
    notes: str
    items: list[CarriedItem]
    equipment: list[tuple[str, int, str]]


@dataclass(frozen=True)
class Anomaly:
    at: datetime
    route: str
    checkpoint: str
    item: str
    note: str
    incident_id: int | None


@dataclass(frozen=True)
class MissedLine:
    route: str
    slot_at: datetime
    reason: str
    note: str


@dataclass(frozen=True)
class LeftWithout:
    staff: str
    logged_in: datetime
    logged_out: datetime


@dataclass
class ShiftReport:
    shift: str  # code
    label: str
    start: datetime
    end: datetime
    handovers: list[HandoverLine] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    missed: list[MissedLine] = field(default_factory=list)
    rounds_done: int = 0
    rounds_scheduled: int = 0
    left_without_handover: list[LeftWithout] = field(default_factory=list)
    missing: bool = False  # the shift is over and no handover was signed

    @property
    def late(self) -> bool:
        return any(h.late for h in self.handovers)


@dataclass
class HandoverReport:
    day: date
    generated_at: datetime
    shifts: list[ShiftReport]


def _names(session, ids: set[int]) -> dict[int, str]:  # type: ignore[no-untyped-def]
    if not ids:
        return {}
    return {s.id: s.name for s in session.execute(select(Staff).where(Staff.id.in_(ids))).scalars()}


def _shift_report(ctx: ServiceContext, win: ShiftWindow, now: datetime) -> ShiftReport:
    ref = load_reference()
    rep = ShiftReport(win.code, win.shift.label, win.start, win.end)
    with ctx.db.read() as session:
        hs = session.execute(select(Handover).where(Handover.duty_date == win.duty_date)
                             .where(Handover.shift == win.code).order_by(Handover.id)).scalars().all()
        names = _names(session, {x for h in hs for x in (h.outgoing_id, h.incoming_id) if x})
        for h in hs:
            items = session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
                                    .order_by(HandoverItem.kind, HandoverItem.id)).scalars().all()
            eq = session.execute(select(HandoverEquipment).where(HandoverEquipment.handover_id == h.id)
                                 .order_by(HandoverEquipment.id)).scalars().all()
            signed = as_utc(h.signed_at) if h.signed_at else None
            late = (signed or now) > win.end + LATE_AFTER
            rep.handovers.append(HandoverLine(
                h.id, h.post, names.get(h.outgoing_id, ""), names.get(h.incoming_id or 0, ""), as_utc(h.opened_at),
                signed, h.status, late, h.failed_signatures, h.notes,
                [CarriedItem(i.kind, i.title, i.overdue) for i in items],
                [(ref.label("equipment", e.code), e.count, e.note) for e in eq]))
    rep.missing = now >= win.end and not any(h.status == "signed" for h in rep.handovers)
    for rnd, check in anomalies_between(ctx, win.start, win.end):
        rep.anomalies.append(Anomaly(as_utc(check.at), rnd.route, check.checkpoint, check.item, check.note,
                                     check.incident_id))
    slots = [s for s in _schedule(ctx, win.start, win.end, now) if s.status != "upcoming"]
    rep.rounds_scheduled = len(slots)
    rep.rounds_done = sum(1 for s in slots if s.status == "done")
    rep.missed = [MissedLine(s.route, s.at, s.reason, s.note) for s in slots if s.status == "missed"]
    return rep


def resolve_shift(value: str) -> str:
    """A shift code from its code or its Chinese or English name (ValidationError if none)."""
    text = (value or "").strip()
    low = text.lower()
    for s in load_reference().shifts:
        if low in (s.code.lower(), s.zh.lower(), s.en.lower()):
            return s.code
    names = "、".join(s.label for s in load_reference().shifts)
    raise ValidationError("shift", _("Unknown shift {value}; known: {names}").format(value=text[:20], names=names))


def _belongs(ctx: ServiceContext, started: datetime, ended: datetime) -> tuple[date, str]:
    """The shift occurrence (duty date, code) a login session belongs to: the one it overlaps
    most (a night shift that runs past midnight, or a guard who stays past its end, stays
    with the night it started)."""
    best: tuple[timedelta, date, str] | None = None
    first = ctx.local(started).date() - timedelta(days=1)
    for d in range((ctx.local(ended).date() - first).days + 1):
        for win in shifts_of_day(ctx, first + timedelta(days=d)):
            overlap = min(ended, win.end) - max(started, win.start)
            if best is None or overlap > best[0]:
                best = (overlap, win.duty_date, win.code)
    assert best is not None
    return best[1], best[2]


def handover_report(ctx: ServiceContext, day: date, shift: str | None = None) -> HandoverReport:
    require(ctx.actor, SUPERVISORS, _("read the handover report"))
    if shift:
        code = resolve_shift(shift)
        wins = [shift_on(ctx, day, code)]
    else:
        wins = shifts_of_day(ctx, day)
    now = ctx.now()
    shifts = [_shift_report(ctx, w, now) for w in wins]
    start, end = min(w.start for w in wins), max(w.end for w in wins)
    # A session that ends up to a shift's length after the last window may still belong to it.
    sessions = [s for s in sessions_between(ctx, start - timedelta(hours=12), end + timedelta(hours=12))
                if s.end_reason == "without_handover" and s.ended_at is not None]
    with ctx.db.read() as session:
        names = _names(session, {s.staff_id for s in sessions})
    by_shift = {(rep_win.duty_date, rep_win.code): rep for rep_win, rep in zip(wins, shifts)}
    for s in sessions:
        began, out = as_utc(s.started_at), as_utc(s.ended_at)  # type: ignore[arg-type]
        rep = by_shift.get(_belongs(ctx, began, out))
        if rep is not None:
            rep.left_without_handover.append(LeftWithout(names.get(s.staff_id, ""), began, out))
    return HandoverReport(day, now, shifts)


@dataclass(frozen=True)
class CoverageRow:
    day: date
    route: str
    label: str
    scheduled: int  # slots whose window has closed or opened by now
    done: int
    missed: int
    too_fast: int
    anomalies: int
    missed_with_reason: int

    @property
    def percent(self) -> float:
        return 100.0 * self.done / self.scheduled if self.scheduled else 100.0


@dataclass
class PatrolCoverage:
    start_day: date
    end_day: date
    rows: list[CoverageRow]

    def totals(self) -> tuple[int, int, int]:
        return (sum(r.scheduled for r in self.rows), sum(r.done for r in self.rows),
                sum(r.missed for r in self.rows))


def patrol_coverage(ctx: ServiceContext, start_day: date, end_day: date) -> PatrolCoverage:
    """Rounds walked against scheduled, per route per local day (slots by their time)."""
    require(ctx.actor, SUPERVISORS, _("read the patrol coverage"))
    start_day, end_day = parse_date_range(start_day, end_day, "start", "end")
    if (end_day - start_day).days >= MAX_DAYS:
        raise ValidationError("end", _("At most {n} days at a time").format(n=MAX_DAYS))
    ref = load_reference()
    now = ctx.now()
    rows: list[CoverageRow] = []
    day = start_day
    while day <= end_day:
        lo, hi = day_bounds(ctx, day)
        slots = [s for s in _schedule(ctx, lo, hi, now) if s.status != "upcoming"]
        for r in ref.routes:
            mine = [s for s in slots if s.route == r.code]
            rows.append(CoverageRow(
                day, r.code, r.label, len(mine), sum(s.status == "done" for s in mine),
                sum(s.status == "missed" for s in mine), sum(s.too_fast for s in mine),
                sum(s.anomalies for s in mine), sum(bool(s.status == "missed" and s.reason) for s in mine)))
        day += timedelta(days=1)
    return PatrolCoverage(start_day, end_day, rows)


def report_json(report: HandoverReport) -> str:
    """The report as JSON (for the CLI's --json and the reports area)."""
    from dataclasses import asdict

    return json.dumps(asdict(report), ensure_ascii=False, default=str, indent=1)
