"""Patrol rounds (巡逻): routes, checkpoints and checklists from data/patrol.toml.

A round steps through its route's checkpoints in order. At each checkpoint the guard
may type the code printed on the tag (it must match: presence confirmed) and marks
every item OK or an anomaly with a note; an anomaly opens a duty-log incident in the
same transaction. The round ends when its last checkpoint is recorded; a round shorter
than ``min_seconds_per_checkpoint`` x checkpoints is flagged too fast.

Schedule: each route has slots (local times, every ``interval_minutes`` from
``first_round``). A slot is met by a round of that route started in its window: from
``EARLY`` before the slot to ``EARLY`` before the next slot (at most one interval). A
slot whose window has passed unmet is missed; the guard gives a reason code for it.
Windows run across midnight like any other time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ...clock import as_utc
from ...errors import Conflict, NotFound, ValidationError
from ...i18n import N_, _
from ...models import Staff
from ...models.guard import MissedRound, PatrolCheck, PatrolRound
from ...reference import load_reference
from ...reference.models import Checkpoint, Route, minute_of_day
from ...validators import clean_text
from ..core import audit
from . import dutylog
from ..core.context import ServiceContext
from .shifts import handover_shift
from ..core.open_items import OpenItem, provider
from ..core.permissions import GATE, require

EARLY = timedelta(minutes=10)
ITEM_DUTY_TYPE = {  # which duty-log type an anomaly of a checklist item opens
    "fire_exit_clear": "fire", "extinguisher_ok": "fire", "no_leaks": "equipment",
    "no_suspicious": "security", "doors_locked": "security", "lights_ok": "equipment",
    "equipment_normal": "equipment", "no_odor": "equipment", "renovation_compliant": "renovation",
    "cctv_ok": "equipment", "no_burning_smell": "fire", "room_dry": "equipment",
}


def route_of(code: object, field: str = "route") -> Route:
    value = str(code or "").strip()
    if not value:
        raise ValidationError(field, _("This field is required"))
    try:
        return load_reference().route(value)
    except LookupError:
        raise ValidationError(field, _("Unknown patrol route")) from None


def min_duration(route: Route) -> timedelta:
    return timedelta(seconds=route.min_seconds_per_checkpoint * len(route.checkpoints))


# --- schedule --------------------------------------------------------------------------


@dataclass(frozen=True)
class Slot:
    route: str
    at: datetime  # scheduled start, UTC
    opens: datetime  # window in which a started round meets the slot
    closes: datetime
    status: str  # done / in_progress / missed / due / upcoming
    round_id: int | None = None
    too_fast: bool = False
    anomalies: int = 0
    reason: str = ""  # missed-round reason code, once given
    note: str = ""


def _slot_times(route: Route, start: datetime, end: datetime, tz) -> list[tuple[datetime, datetime]]:  # type: ignore[no-untyped-def]
    """(slot, next slot or slot + interval) for slots whose scheduled time is in [start, end)."""
    first = minute_of_day(route.first_round)
    offsets = sorted({(minute_of_day(t) - first) % 1440 for t in route.round_times()})
    d0 = start.astimezone(tz).date() - timedelta(days=1)
    d1 = end.astimezone(tz).date() + timedelta(days=1)
    times: list[datetime] = []
    day = d0
    while day <= d1:
        base = datetime.combine(day, route.first_round, tz)
        times.extend((base + timedelta(minutes=o)).astimezone(UTC) for o in offsets)
        day += timedelta(days=1)
    times.sort()
    interval = timedelta(minutes=route.interval_minutes)
    out = []
    for i, t in enumerate(times):
        nxt = times[i + 1] if i + 1 < len(times) else t + interval
        if start <= t < end:
            out.append((t, min(nxt, t + interval)))
    return out


def schedule(ctx: ServiceContext, start: datetime, end: datetime, now: datetime | None = None,
             routes: list[str] | None = None) -> list[Slot]:
    """Every slot scheduled in [start, end) with its status at ``now``."""
    require(ctx.actor, GATE, _("read the patrol schedule"))
    return _schedule(ctx, start, end, now or ctx.now(), routes)


def _schedule(ctx: ServiceContext, start: datetime, end: datetime, now: datetime,
              routes: list[str] | None = None) -> list[Slot]:
    ref = load_reference()
    chosen = [r for r in ref.routes if routes is None or r.code in routes]
    plan = {r.code: _slot_times(r, start, end, ctx.tz) for r in chosen}
    spans = [t for slots in plan.values() for t in slots]
    if not spans:
        return []
    lo = min(s for s, _e in spans) - EARLY
    hi = max(e for _s, e in spans)
    with ctx.db.read() as session:
        rounds = session.execute(
            select(PatrolRound).where(PatrolRound.started_at >= lo).where(PatrolRound.started_at < hi)
            .where(PatrolRound.status != "abandoned").order_by(PatrolRound.started_at)).scalars().all()
        missed = session.execute(select(MissedRound).where(MissedRound.slot_at >= start)
                                 .where(MissedRound.slot_at < end)).scalars().all()
    reasons = {(m.route, as_utc(m.slot_at)): m for m in missed}
    by_route: dict[str, list[PatrolRound]] = {}
    for r in rounds:
        by_route.setdefault(r.route, []).append(r)
    out: list[Slot] = []
    for code, slots in plan.items():
        for at, nxt in slots:
            opens, closes = at - EARLY, nxt - EARLY
            hit = next((r for r in by_route.get(code, []) if opens <= as_utc(r.started_at) < closes
                        and r.status == "done"), None) or next(
                (r for r in by_route.get(code, []) if opens <= as_utc(r.started_at) < closes), None)
            m = reasons.get((code, at))
            if hit is not None:
                out.append(Slot(code, at, opens, closes, "done" if hit.status == "done" else "in_progress",
                                hit.id, hit.too_fast, hit.anomalies))
            elif closes <= now:
                out.append(Slot(code, at, opens, closes, "missed", reason=m.reason if m else "",
                                note=m.note if m else ""))
            elif opens <= now:
                out.append(Slot(code, at, opens, closes, "due"))
            else:
                out.append(Slot(code, at, opens, closes, "upcoming"))
    out.sort(key=lambda s: (s.at, s.route))
    return out


def missed_rounds(ctx: ServiceContext, start: datetime, end: datetime, now: datetime | None = None) -> list[Slot]:
    return [s for s in schedule(ctx, start, end, now) if s.status == "missed"]


def explain_missed(ctx: ServiceContext, route: object, slot_at: datetime, reason: object,
                   note: object = "") -> MissedRound:
    """Give the reason code for a missed round (a second reason replaces nothing: Conflict)."""
    require(ctx.actor, GATE, _("explain a missed round"))
    r = route_of(route)
    code = str(reason or "").strip()
    if not code:
        raise ValidationError("reason", _("Choose a reason"))
    try:
        load_reference().missed_round_reason(code)
    except LookupError:
        raise ValidationError("reason", _("Unknown reason")) from None
    note = clean_text(note, field="note", max_len=500)
    slot_at = as_utc(slot_at)
    now = ctx.now()
    slot = next((s for s in _schedule(ctx, slot_at, slot_at + timedelta(seconds=1), now, [r.code])), None)
    if slot is None or slot.at != slot_at:
        raise ValidationError("slot", _("No round of this route is scheduled at that time"))
    if slot.status != "missed":
        raise Conflict(_("This round was not missed"))
    with ctx.db.write() as session:
        if session.execute(select(MissedRound.id).where(MissedRound.route == r.code)
                           .where(MissedRound.slot_at == slot_at)).first():
            raise Conflict(_("A reason was already given for this round"))
        row = MissedRound(route=r.code, slot_at=slot_at, reason=code, note=note, staff_id=ctx.actor.id,  # type: ignore[arg-type]
                          recorded_at=now)
        session.add(row)
        session.flush()
        audit.record(session, ctx.actor, now, "patrol.missed_reason", "patrol_missed", row.id,
                     after={"route": r.code, "slot_at": slot_at.isoformat(), "reason": code, "note": note})
    return row


# --- walking a round ---------------------------------------------------------------------


def current_round(ctx: ServiceContext) -> PatrolRound | None:
    """The acting guard's round in progress, if any."""
    require(ctx.actor, GATE, _("walk a patrol round"))
    with ctx.db.read() as session:
        return session.execute(select(PatrolRound).where(PatrolRound.staff_id == ctx.actor.id)
                               .where(PatrolRound.status == "in_progress")
                               .order_by(PatrolRound.id.desc()).limit(1)).scalar_one_or_none()


def start_round(ctx: ServiceContext, route: object) -> PatrolRound:
    require(ctx.actor, GATE, _("walk a patrol round"))
    r = route_of(route)
    with ctx.db.write() as session:
        busy = session.execute(select(PatrolRound.id).where(PatrolRound.staff_id == ctx.actor.id)
                               .where(PatrolRound.status == "in_progress")).first()
        if busy:
            raise Conflict(_("Finish or abandon your round #{id} first").format(id=busy[0]))
        row = PatrolRound(route=r.code, staff_id=ctx.actor.id, started_at=ctx.now())  # type: ignore[arg-type]
        session.add(row)
        session.flush()
        audit.record(session, ctx.actor, ctx.now(), "patrol.start", "patrol_round", row.id, after={"route": r.code})
    return row


def next_checkpoint(rnd: PatrolRound) -> Checkpoint | None:
    route = load_reference().route(rnd.route)
    if rnd.checkpoints_done >= len(route.checkpoints):
        return None
    return route.checkpoints[rnd.checkpoints_done]


@dataclass(frozen=True)
class ItemResult:
    item: str
    ok: bool
    note: str = ""


def check_results(cp: Checkpoint, results: list[ItemResult]) -> list[ItemResult]:
    """Every item of the checkpoint exactly once; an anomaly needs a note."""
    given = {r.item: r for r in results}
    unknown = [r.item for r in results if r.item not in cp.items]
    if unknown or len(given) != len(results):
        raise ValidationError("item", _("Not an item of this checkpoint: {item}").format(item=", ".join(unknown)))
    out = []
    for code in cp.items:
        r = given.get(code)
        if r is None:
            raise ValidationError(f"item_{code}", _("Mark every item OK or anomaly"))
        note = clean_text(r.note, field=f"note_{code}", max_len=500, multiline=False)
        if not r.ok and not note:
            raise ValidationError(f"note_{code}", _("Describe the anomaly"))
        out.append(ItemResult(code, bool(r.ok), note))
    return out


def record_checkpoint(ctx: ServiceContext, round_id: int, checkpoint: object, results: list[ItemResult],
                      tag: object = "") -> PatrolRound:
    """Record one checkpoint of a round in progress; the last one ends the round."""
    require(ctx.actor, GATE, _("walk a patrol round"))
    ref = load_reference()
    tag_s = clean_text(tag, field="tag", max_len=20).upper().replace(" ", "")
    now = ctx.now()
    with ctx.db.read() as session:
        rnd = session.get(PatrolRound, round_id)
    if rnd is None:
        raise NotFound(_("No patrol round #{id}").format(id=round_id))
    if rnd.status != "in_progress":
        raise Conflict(_("Round #{id} is not in progress").format(id=round_id))
    if rnd.staff_id != ctx.actor.id:
        raise Conflict(_("Round #{id} is another guard's").format(id=round_id))
    cp = next_checkpoint(rnd)
    if cp is None or cp.code != str(checkpoint or ""):
        raise ValidationError("checkpoint", _("The next checkpoint is {name}").format(
            name=cp.label if cp else "-"))
    if tag_s and tag_s != cp.tag:
        raise ValidationError("tag", _("This is not the tag of {name}").format(name=cp.label))
    checked = check_results(cp, results)
    route = ref.route(rnd.route)
    with ctx.db.write() as session:
        rnd = session.get(PatrolRound, round_id)
        assert rnd is not None
        if rnd.status != "in_progress" or next_checkpoint(rnd) != cp:
            raise Conflict(_("Round #{id} changed meanwhile; reopen it").format(id=round_id))
        post = "patrol" if "patrol" in ref.codes("post") else ref.posts[0].code
        for r in checked:
            incident_id = None
            if not r.ok:
                kind = ITEM_DUTY_TYPE.get(r.item, "other")
                if kind not in ref.codes("duty_type"):
                    kind = ref.duty_types[-1].code
                item_ref = ref.item(r.item)
                severity = item_ref.severity if item_ref.severity in ref.codes("severity") else (
                    "warning" if "warning" in ref.codes("severity") else ref.severities[0].code)
                major = item_ref.major_type if item_ref.major_type in ref.codes("major_type") else ""
                text = f"{route.label} {cp.label}: {ref.label('item', r.item)}: {r.note}"
                entry, _esc = dutylog.add_in(session, ctx, dutylog.EntryInput(post, kind, severity, text[:2000],
                                                                              True, major),
                                             source="patrol", source_ref=f"round:{round_id}")
                incident_id = entry.id
                rnd.anomalies += 1
            session.add(PatrolCheck(round_id=round_id, checkpoint=cp.code, at=now, tag_confirmed=bool(tag_s),
                                    item=r.item, ok=r.ok, note=r.note, incident_id=incident_id))
        rnd.checkpoints_done += 1
        after: dict = {"checkpoint": cp.code, "tag": tag_s,
                       "results": [[r.item, r.ok, r.note] for r in checked]}
        if rnd.checkpoints_done >= len(route.checkpoints):
            rnd.status = "done"
            rnd.ended_at = now
            rnd.too_fast = now - as_utc(rnd.started_at) < min_duration(route)
            after.update({"finished": True, "too_fast": rnd.too_fast})
        audit.record(session, ctx.actor, now, "patrol.checkpoint", "patrol_round", round_id, after=after)
    return rnd


def abandon_round(ctx: ServiceContext, round_id: int, note: object) -> PatrolRound:
    require(ctx.actor, GATE, _("walk a patrol round"))
    note = clean_text(note, field="note", max_len=500, required=True)
    with ctx.db.write() as session:
        rnd = session.get(PatrolRound, round_id)
        if rnd is None:
            raise NotFound(_("No patrol round #{id}").format(id=round_id))
        if rnd.status != "in_progress":
            raise Conflict(_("Round #{id} is not in progress").format(id=round_id))
        rnd.status = "abandoned"
        rnd.ended_at = ctx.now()
        rnd.note = note
        audit.record(session, ctx.actor, ctx.now(), "patrol.abandon", "patrol_round", round_id, after={"note": note})
    return rnd


@dataclass(frozen=True)
class RoundDetail:
    round: PatrolRound
    staff_name: str
    checks: list[PatrolCheck]


def round_detail(ctx: ServiceContext, round_id: int) -> RoundDetail:
    require(ctx.actor, GATE, _("read patrol rounds"))
    with ctx.db.read() as session:
        row = session.execute(select(PatrolRound, Staff.name).join(Staff, Staff.id == PatrolRound.staff_id)
                              .where(PatrolRound.id == round_id)).first()
        if row is None:
            raise NotFound(_("No patrol round #{id}").format(id=round_id))
        checks = list(session.execute(select(PatrolCheck).where(PatrolCheck.round_id == round_id)
                                      .order_by(PatrolCheck.id)).scalars())
    return RoundDetail(row[0], row[1], checks)


def anomalies_between(ctx: ServiceContext, start: datetime, end: datetime) -> list[tuple[PatrolRound, PatrolCheck]]:
    with ctx.db.read() as session:
        return [(r[0], r[1]) for r in session.execute(
            select(PatrolRound, PatrolCheck).join(PatrolCheck, PatrolCheck.round_id == PatrolRound.id)
            .where(PatrolRound.started_at >= start).where(PatrolRound.started_at < end)
            .where(PatrolCheck.ok.is_(False)).order_by(PatrolCheck.id)).all()]


# --- what the handover carries -------------------------------------------------------------


def slot_title(slot: Slot, ctx: ServiceContext) -> str:
    ref = load_reference()
    when = ctx.local(slot.at).strftime("%m-%d %H:%M")
    return f"{ref.label('route', slot.route)} {when}"


@provider("patrol_round", N_("Patrol rounds this shift"))
def _rounds_this_shift(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    win = handover_shift(ctx, now)
    items = []
    for s in _schedule(ctx, win.start, win.end, now):
        if s.status not in ("done", "in_progress"):
            continue
        parts = [slot_title(s, ctx), _("walked") if s.status == "done" else _("in progress")]
        if s.anomalies:
            parts.append(_("{n} anomalies").format(n=s.anomalies))
        if s.too_fast:
            parts.append(_("too fast"))
        items.append(OpenItem("patrol_round", f"patrol_round:{s.round_id}", "，".join(parts), s.at,
                              bool(s.anomalies or s.too_fast),
                              {"route": s.route, "anomalies": s.anomalies, "too_fast": s.too_fast}))
    for rnd, check in anomalies_between(ctx, win.start, win.end):
        ref = load_reference()
        items.append(OpenItem("patrol_round", f"patrol_check:{check.id}", _("Anomaly: {cp} {item}: {note}").format(
            cp=ref.label("checkpoint", check.checkpoint), item=ref.label("item", check.item), note=check.note)[:200],
            check.at, True, {"round": rnd.id, "incident": check.incident_id}))
    return items


@provider("patrol_missed", N_("Missed patrol rounds"))
def _missed_this_shift(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    win = handover_shift(ctx, now)
    ref = load_reference()
    items = []
    for s in _schedule(ctx, win.start, win.end, now):
        if s.status == "missed":
            reason = ref.label("missed_round_reason", s.reason) if s.reason else _("no reason given")
            items.append(OpenItem("patrol_missed", f"patrol_slot:{s.route}@{s.at.isoformat()}",
                                  _("Missed: {slot} ({reason})").format(slot=slot_title(s, ctx), reason=reason),
                                  s.at, True, {"route": s.route, "slot_at": s.at.isoformat(), "reason": s.reason}))
        elif s.status == "due":
            items.append(OpenItem("patrol_missed", f"patrol_slot:{s.route}@{s.at.isoformat()}",
                                  _("Due now, not yet walked: {slot}").format(slot=slot_title(s, ctx)),
                                  s.at, False, {"route": s.route, "slot_at": s.at.isoformat(), "due": True}))
    return items
