"""Escalation (重大投诉 / 突发事件), shared by complaints and the duty log.

``raise_in`` runs inside the caller's write transaction (the complaint or incident, its
escalation and one outbox row per configured receiver commit together, services/notify.py).
``notify_async`` then starts delivering at once; whatever is not delivered before the process
exits stays in the outbox for the next terminal. Every terminal polls ``unacknowledged`` and
shows the alert until a supervisor acknowledges it with their PIN; the escalation is then
handled (notes) and resolved with its outcome, each step an event with who and when.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from ...errors import Conflict, NotFound, ValidationError
from ...i18n import N_, _
from ...models import Escalation, EscalationEvent, Staff
from ...validators import clean_text
from . import audit
from .context import Actor, ServiceContext
from .permissions import STAFF, SUPERVISORS, require


def major_label(code: str) -> str:
    """The type's name; a code no longer in data/ shows as itself."""
    from ...reference import load_reference

    return load_reference().label("major_type", code)


def major_reply_hours(code: str) -> float:
    from ...reference import load_reference

    return float(load_reference().major_type(code).reply_hours)


EVENT_LABELS = {
    "raised": N_("raised"), "notified": N_("notified"), "notify_failed": N_("notification failed"),
    "acknowledged": N_("acknowledged"), "note": N_("handling note"), "resolved": N_("resolved"),
    "escalated": N_("sent up to the manager"),
}
LEVEL_LABELS = {0: N_("Major"), 1: N_("Sent up")}


def event_label(kind: str) -> str:
    return _(EVENT_LABELS[kind]) if kind in EVENT_LABELS else kind


def state_label(esc: Escalation) -> str:
    if esc.resolved_at is not None:
        return _("resolved")
    if esc.acknowledged_at is not None:
        return _("being handled")
    return _("waiting for acknowledgement")


def location_of(session: Session, source: str, source_id: str) -> str:
    """Where it happened, for the alert line: the unit and place of a complaint, the post of
    an incident, the units of a collective complaint."""
    from ...models import Unit
    from ...models.complaints import Complaint
    from ...models.guard import DutyEntry

    try:
        ids = [int(x) for x in source_id.split(",") if x.strip()]
    except ValueError:
        return ""
    if not ids:
        return ""
    if source == "complaint":
        c = session.get(Complaint, ids[0])
        if c is None:
            return ""
        unit = session.get(Unit, c.unit_id) if c.unit_id else None
        return " ".join(p for p in ((unit.code if unit else ""), c.location) if p)[:200]
    if source == "incident":
        from ...reference import load_reference

        row = session.get(DutyEntry, ids[0])
        if row is None:
            return ""
        what = (row.text.splitlines() or [""])[0].strip()
        what = what if len(what) <= 40 else what[:39] + "…"
        return f"{what}（{load_reference().label('post', row.post)}）"[:200]
    if source == "collective":
        codes = session.execute(select(Unit.code).join(Complaint, Complaint.unit_id == Unit.id)
                                .where(Complaint.id.in_(ids)).order_by(Complaint.id)).scalars().all()
        codes = list(dict.fromkeys(codes))
        if not codes:
            return ""
        more = _(" ({n} households in all)").format(n=len(codes)) if len(codes) > 2 else ""
        return ("、".join(codes[:2]) + more)[:200]
    return ""


def waited_text(minutes: int) -> str:
    if minutes < 1:
        return _("just now")
    if minutes < 60:
        return _("waited {m} min").format(m=minutes)
    return _("waited {h} h {m} min").format(h=minutes // 60, m=minutes % 60)


def alert_text(ctx: ServiceContext, esc: Escalation, now: datetime | None = None, waited: bool = True) -> str:
    """One line for every terminal: level, type, where, when and how long it has waited,
    e.g. 重大：电梯困人 3栋2单元 电梯 B2（12:04，已 3 分钟）. Plain text (no markup)."""
    from ...clock import as_utc

    now = now or ctx.now()
    minutes = max(0, int((now - as_utc(esc.raised_at)).total_seconds() // 60))
    where = esc.location or esc.title
    if not waited:  # a line that stays the same while it waits (the handover's open items)
        return _("{level}: {type} {where} ({time})").format(
            level=_(LEVEL_LABELS.get(esc.level, LEVEL_LABELS[1])), type=major_label(esc.major_type), where=where,
            time=ctx.local(esc.raised_at).strftime("%m-%d %H:%M"))
    return _("{level}: {type} {where} ({time}, {waited})").format(
        level=_(LEVEL_LABELS.get(esc.level, LEVEL_LABELS[1])), type=major_label(esc.major_type), where=where,
        time=ctx.local(esc.raised_at).strftime("%H:%M"), waited=waited_text(minutes))


def _event(session: Session, esc_id: int, at: datetime, actor: Actor | None, kind: str, note: str = "") -> None:
    session.add(EscalationEvent(escalation_id=esc_id, at=at, staff_id=actor.id if actor else None,
                                kind=kind, note=note[:2000]))


def _notified_names(session: Session) -> str:
    names = session.execute(
        select(Staff.name).where(Staff.role.in_(("supervisor", "manager"))).where(Staff.active.is_(True))
        .order_by(Staff.name)
    ).scalars().all()
    return "、".join(names)[:500]


def raise_in(session: Session, ctx: ServiceContext, major_type: str, source: str, source_id: str,
             title: str, detail: str = "", reply_due_at: datetime | None = None) -> Escalation:
    """Create an escalation inside an open write transaction (audited)."""
    now = ctx.now()
    check_major_type(major_type)
    title = clean_text(title, field="title", max_len=200, required=True)
    detail = clean_text(detail, field="detail", max_len=2000, multiline=True)
    if reply_due_at is None:
        reply_due_at = now + timedelta(hours=major_reply_hours(major_type))
    esc = Escalation(major_type=major_type, source=source, source_id=source_id[:200], title=title,
                     detail=detail, raised_at=now, raised_by=ctx.actor.id, reply_due_at=reply_due_at,
                     notified=_notified_names(session), location=location_of(session, source, source_id))
    session.add(esc)
    session.flush()
    _event(session, esc.id, now, ctx.actor, "raised", title)  # type: ignore[arg-type]
    _event(session, esc.id, now, ctx.actor, "notified", esc.notified)  # type: ignore[arg-type]
    from . import notify

    rows = notify.enqueue_in(session, ctx, "major", alert_text(ctx, esc, now), _message_body(ctx, esc), esc.id)
    esc.notify_status = " ".join(f"{r.channel}:pending" for r in rows)[:200]
    audit.record(session, ctx.actor, now, "escalation.raise", "escalation", esc.id,
                 after={"major_type": major_type, "source": source, "source_id": source_id, "title": title})
    return esc


def _message_body(ctx: ServiceContext, esc: Escalation) -> str:
    lines = [esc.title]
    if esc.detail:
        lines.append(esc.detail)
    if esc.reply_due_at:
        lines.append(_("Reply promised by {t}").format(t=ctx.local(esc.reply_due_at).strftime("%m-%d %H:%M")))
    lines.append(_("Escalation #{id}; acknowledge at any terminal with F9 (supervisor PIN)").format(id=esc.id))
    return "\n".join(lines)


def raise_escalation(ctx: ServiceContext, major_type: str, title: str, detail: str = "",
                     source: str = "manual", source_id: str = "") -> Escalation:
    require(ctx.actor, STAFF, _("raise an escalation"))
    with ctx.db.write() as session:
        esc = raise_in(session, ctx, major_type, source, source_id, title, detail)
    notify_async(ctx, esc)
    return esc


def payload(esc: Escalation, ctx: ServiceContext) -> dict:
    return {
        "id": esc.id, "major_type": esc.major_type, "major_type_label": major_label(esc.major_type),
        "source": esc.source, "source_id": esc.source_id, "title": esc.title, "detail": esc.detail,
        "raised_at": ctx.local(esc.raised_at).isoformat(),
        "reply_due_at": ctx.local(esc.reply_due_at).isoformat() if esc.reply_due_at else None,
        "notified": esc.notified, "location": esc.location, "level": esc.level,
        "text": alert_text(ctx, esc),
    }


def notify_async(ctx: ServiceContext, esc: Escalation) -> threading.Thread:
    """Start delivering the escalation's outbox rows now (they were written with it)."""
    from . import notify

    return notify.kick(ctx)


def unacknowledged(ctx: ServiceContext, limit: int = 20) -> list[Escalation]:
    with ctx.db.read() as session:
        return list(session.execute(
            select(Escalation).where(Escalation.acknowledged_at.is_(None))
            .order_by(Escalation.id.desc()).limit(limit)
        ).scalars())


def _load(session: Session, esc_id: int, still_open: bool = False) -> Escalation:
    """The escalation, or NotFound; with ``still_open``, Conflict once it is resolved."""
    esc = session.get(Escalation, esc_id)
    if esc is None:
        raise NotFound(_("No escalation #{id}").format(id=esc_id))
    if still_open and esc.resolved_at is not None:
        raise Conflict(_("Escalation #{id} is already resolved").format(id=esc_id))
    return esc


def acknowledge(ctx: ServiceContext, esc_id: int, note: str = "") -> Escalation:
    """Acknowledged by the acting supervisor (screens verify their PIN first)."""
    require(ctx.actor, SUPERVISORS, _("acknowledge an escalation"))
    note = clean_text(note, field="note", max_len=500)
    with ctx.db.write() as session:
        esc = _load(session, esc_id)
        if esc.acknowledged_at is not None:
            raise Conflict(_("Escalation #{id} was already acknowledged").format(id=esc_id))
        esc.acknowledged_at = ctx.now()
        esc.acknowledged_by = ctx.actor.id
        _event(session, esc_id, ctx.now(), ctx.actor, "acknowledged", note)
        audit.record(session, ctx.actor, ctx.now(), "escalation.ack", "escalation", esc_id, after={"note": note})
    return esc


def resolve(ctx: ServiceContext, esc_id: int, resolution: str) -> Escalation:
    require(ctx.actor, SUPERVISORS, _("resolve an escalation"))
    resolution = clean_text(resolution, field="resolution", max_len=2000, required=True, multiline=True)
    with ctx.db.write() as session:
        esc = _load(session, esc_id, still_open=True)
        if esc.acknowledged_at is None:
            raise Conflict(_("Escalation #{id} is not acknowledged yet: acknowledge it first (F9)").format(id=esc_id))
        esc.resolved_at = ctx.now()
        esc.resolved_by = ctx.actor.id
        esc.resolution = resolution
        _event(session, esc_id, ctx.now(), ctx.actor, "resolved", resolution)
        audit.record(session, ctx.actor, ctx.now(), "escalation.resolve", "escalation", esc_id,
                     after={"resolution": resolution})
    return esc


def add_note(ctx: ServiceContext, esc_id: int, note: str) -> None:
    require(ctx.actor, STAFF, _("add a note to an escalation"))
    note = clean_text(note, field="note", max_len=2000, required=True, multiline=True)
    with ctx.db.write() as session:
        _load(session, esc_id, still_open=True)
        _event(session, esc_id, ctx.now(), ctx.actor, "note", note)
        audit.record(session, ctx.actor, ctx.now(), "escalation.note", "escalation", esc_id, after={"note": note})


@dataclass
class Timeline:
    escalation: Escalation
    events: list[tuple[EscalationEvent, str]]  # event, staff name


def timeline(ctx: ServiceContext, esc_id: int) -> Timeline:
    with ctx.db.read() as session:
        esc = _load(session, esc_id)
        rows = session.execute(
            select(EscalationEvent, Staff.name).join(Staff, Staff.id == EscalationEvent.staff_id, isouter=True)
            .where(EscalationEvent.escalation_id == esc_id).order_by(EscalationEvent.id)
        ).all()
    return Timeline(esc, [(r[0], r[1] or _("system")) for r in rows])


def version(ctx: ServiceContext) -> tuple[int, int]:
    """Changes whenever any escalation is raised, acknowledged, noted or resolved anywhere."""
    from sqlalchemy import func

    with ctx.db.read() as session:
        last = session.execute(select(func.max(EscalationEvent.id))).scalar() or 0
        level = session.execute(select(func.coalesce(func.sum(Escalation.level), 0))).scalar() or 0
    return (int(last), int(level))


def unresolved(ctx: ServiceContext, limit: int = 200) -> list[Escalation]:
    with ctx.db.read() as session:
        return list(session.execute(
            select(Escalation).where(Escalation.resolved_at.is_(None)).order_by(Escalation.id).limit(limit)
        ).scalars())


def list_escalations(ctx: ServiceContext, start: datetime | None = None, end: datetime | None = None,
                     before_id: int | None = None, limit: int = 50, open_only: bool = False) -> list[Escalation]:
    with ctx.db.read() as session:
        q = select(Escalation).order_by(Escalation.id.desc()).limit(limit)
        if open_only:
            q = q.where(Escalation.resolved_at.is_(None))
        if start is not None:
            q = q.where(Escalation.raised_at >= start)
        if end is not None:
            q = q.where(Escalation.raised_at < end)
        if before_id is not None:
            q = q.where(Escalation.id < before_id)
        return list(session.execute(q).scalars())


def check_major_type(code: str, field: str = "major_type") -> str:
    try:
        from ...reference import load_reference

        load_reference().major_type(code)
    except LookupError:
        raise ValidationError(field, _("Unknown major type")) from None
    return code
