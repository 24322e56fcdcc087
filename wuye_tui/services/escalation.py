"""Escalation (重大投诉 / 突发事件), shared by complaints and the duty log.

``raise_in`` runs inside the caller's write transaction (the complaint or incident and its
escalation commit together). The optional notification command runs after commit, in a
background thread, with the escalation as JSON on standard input and a time limit; its
outcome is recorded and never blocks a terminal. Every terminal polls ``unacknowledged``
and shows the alert until a supervisor acknowledges it with their PIN.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from ..errors import Conflict, NotFound, ValidationError
from ..i18n import _
from ..models import Escalation, EscalationEvent, Staff
from ..validators import clean_text
from . import audit, settings
from .context import Actor, ServiceContext
from .permissions import STAFF, SUPERVISORS, require


def major_label(code: str) -> str:
    """The type's name; a code no longer in data/ shows as itself."""
    from ..reference import load_reference

    return load_reference().label("major_type", code)


def major_reply_hours(code: str) -> float:
    from ..reference import load_reference

    return float(load_reference().major_type(code).reply_hours)


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
                     notified=_notified_names(session))
    session.add(esc)
    session.flush()
    _event(session, esc.id, now, ctx.actor, "raised", title)  # type: ignore[arg-type]
    _event(session, esc.id, now, ctx.actor, "notified", esc.notified)  # type: ignore[arg-type]
    audit.record(session, ctx.actor, now, "escalation.raise", "escalation", esc.id,
                 after={"major_type": major_type, "source": source, "source_id": source_id, "title": title})
    return esc


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
        "notified": esc.notified,
    }


def run_notify_command(ctx: ServiceContext, esc: Escalation) -> str:
    """Run the configured command; record and return its outcome ("" when none is set)."""
    conf = settings.load(ctx)
    if not conf.notify_command.strip():
        return ""
    data = json.dumps(payload(esc, ctx), ensure_ascii=False).encode("utf-8")
    try:
        proc = subprocess.run(shlex.split(conf.notify_command), input=data, capture_output=True,
                              timeout=conf.notify_timeout_seconds, check=False)
        status = "ok" if proc.returncode == 0 else (
            f"failed: exit {proc.returncode} {proc.stderr.decode('utf-8', 'replace').strip()[:120]}")
    except subprocess.TimeoutExpired:
        status = f"timeout after {conf.notify_timeout_seconds}s"
    except OSError as exc:
        status = f"failed: {exc.strerror or exc}"[:200]
    with ctx.db.write() as session:
        row = session.get(Escalation, esc.id)
        if row is not None:
            row.notify_status = status[:200]
            _event(session, row.id, ctx.now(), None,  # type: ignore[arg-type]
                   "notified" if status == "ok" else "notify_failed", _("Notification command: {s}").format(s=status))
            audit.record(session, None, ctx.now(), "escalation.notify", "escalation", row.id, after={"status": status})
    return status


def notify_async(ctx: ServiceContext, esc: Escalation) -> threading.Thread:
    thread = threading.Thread(target=run_notify_command, args=(ctx, esc), daemon=True, name=f"notify-{esc.id}")
    thread.start()
    return thread


def unacknowledged(ctx: ServiceContext, limit: int = 20) -> list[Escalation]:
    with ctx.db.read() as session:
        return list(session.execute(
            select(Escalation).where(Escalation.acknowledged_at.is_(None))
            .order_by(Escalation.id.desc()).limit(limit)
        ).scalars())


def acknowledge(ctx: ServiceContext, esc_id: int, note: str = "") -> Escalation:
    """Acknowledged by the acting supervisor (screens verify their PIN first)."""
    require(ctx.actor, SUPERVISORS, _("acknowledge an escalation"))
    note = clean_text(note, field="note", max_len=500)
    with ctx.db.write() as session:
        esc = session.get(Escalation, esc_id)
        if esc is None:
            raise NotFound(_("No escalation #{id}").format(id=esc_id))
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
        esc = session.get(Escalation, esc_id)
        if esc is None:
            raise NotFound(_("No escalation #{id}").format(id=esc_id))
        if esc.resolved_at is not None:
            raise Conflict(_("Escalation #{id} is already resolved").format(id=esc_id))
        esc.resolved_at = ctx.now()
        esc.resolution = resolution
        _event(session, esc_id, ctx.now(), ctx.actor, "resolved", resolution)
        audit.record(session, ctx.actor, ctx.now(), "escalation.resolve", "escalation", esc_id,
                     after={"resolution": resolution})
    return esc


def add_note(ctx: ServiceContext, esc_id: int, note: str) -> None:
    require(ctx.actor, STAFF, _("add a note to an escalation"))
    note = clean_text(note, field="note", max_len=2000, required=True, multiline=True)
    with ctx.db.write() as session:
        if session.get(Escalation, esc_id) is None:
            raise NotFound(_("No escalation #{id}").format(id=esc_id))
        _event(session, esc_id, ctx.now(), ctx.actor, "note", note)
        audit.record(session, ctx.actor, ctx.now(), "escalation.note", "escalation", esc_id, after={"note": note})


@dataclass
class Timeline:
    escalation: Escalation
    events: list[tuple[EscalationEvent, str]]  # event, staff name


def timeline(ctx: ServiceContext, esc_id: int) -> Timeline:
    with ctx.db.read() as session:
        esc = session.get(Escalation, esc_id)
        if esc is None:
            raise NotFound(_("No escalation #{id}").format(id=esc_id))
        rows = session.execute(
            select(EscalationEvent, Staff.name).join(Staff, Staff.id == EscalationEvent.staff_id, isouter=True)
            .where(EscalationEvent.escalation_id == esc_id).order_by(EscalationEvent.id)
        ).all()
    return Timeline(esc, [(r[0], r[1] or _("system")) for r in rows])


def list_escalations(ctx: ServiceContext, start: datetime | None = None, end: datetime | None = None,
                     before_id: int | None = None, limit: int = 50) -> list[Escalation]:
    with ctx.db.read() as session:
        q = select(Escalation).order_by(Escalation.id.desc()).limit(limit)
        if start is not None:
            q = q.where(Escalation.raised_at >= start)
        if end is not None:
            q = q.where(Escalation.raised_at < end)
        if before_id is not None:
            q = q.where(Escalation.id < before_id)
        return list(session.execute(q).scalars())


def check_major_type(code: str, field: str = "major_type") -> str:
    try:
        from ..reference import load_reference

        load_reference().major_type(code)
    except LookupError:
        raise ValidationError(field, _("Unknown major type")) from None
    return code
