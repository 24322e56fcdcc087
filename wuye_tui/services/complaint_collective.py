"""Collective complaints (客户集体投诉, article 1: three households or more).

Inside the intake transaction: complaints of the same category from at least N distinct
households (units) whose receipt lies within the window (default 24 hours, the new
complaint's time included, the boundary counted) make ONE escalation linking them all. A
later complaint of the same category while a linked one is still inside the window is
linked to that escalation instead of raising a second one. The same household twice
counts once; complaints without a unit do not count.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from ..i18n import _
from ..models import Escalation, EscalationEvent
from ..models.complaints import Complaint
from . import audit
from .complaint_common import (
    DEFAULT_COLLECTIVE_HOUSEHOLDS,
    DEFAULT_COLLECTIVE_HOURS,
    add_event,
    ref_label,
    settings_value,
)
from .context import ServiceContext

MAJOR_TYPE = "collective_complaint"


def window() -> timedelta:
    return timedelta(hours=settings_value("collective_window_hours", DEFAULT_COLLECTIVE_HOURS))


def min_households() -> int:
    return settings_value("collective_min_households", DEFAULT_COLLECTIVE_HOUSEHOLDS)


def detect_in(session: Session, ctx: ServiceContext, new: Complaint) -> Escalation | None:
    """Link ``new`` to a running collective escalation or raise one; returns a newly
    raised escalation (for notification after commit) or None."""
    from . import escalation

    if new.unit_id is None or new.kind == "suggestion":
        return None
    now = ctx.now()
    since = new.received_at - window()
    peers = session.execute(
        select(Complaint).where(Complaint.category == new.category)
        .where(Complaint.received_at >= since).where(Complaint.received_at <= new.received_at)
        .where(Complaint.unit_id.is_not(None)).order_by(Complaint.id)
    ).scalars().all()
    linked = [p for p in peers if p.id != new.id and p.escalation_id is not None and _is_collective(session, p)]
    if linked:
        esc = session.get(Escalation, linked[-1].escalation_id)
        assert esc is not None
        _link(session, ctx, new, esc)
        ids = esc.source_id.split(",") if esc.source_id else []
        joined = ",".join(ids + [str(new.id)])
        if len(joined) <= 200:
            esc.source_id = joined
        session.add(EscalationEvent(escalation_id=esc.id, at=now, staff_id=ctx.actor.id, kind="note",  # type: ignore[arg-type]
                                    note=_("Complaint #{id} joined this collective complaint").format(id=new.id)))
        audit.record(session, ctx.actor, now, "complaint.collective_link", "complaint", new.id,
                     after={"escalation": esc.id})
        return None
    households = {p.unit_id for p in peers}
    if len(households) < min_households():
        return None
    cluster = [p for p in peers if p.escalation_id is None or p.id == new.id]
    cat = ref_label("category", new.category)
    title = _("Collective complaint: {category}, {n} households").format(category=cat, n=len(households))
    detail = _("Complaints {ids} within {h} hours").format(
        ids=", ".join(f"#{p.id}" for p in peers), h=int(window().total_seconds() // 3600))
    esc = escalation.raise_in(session, ctx, MAJOR_TYPE, "collective", ",".join(str(p.id) for p in peers)[:200],
                              title, detail)
    for p in cluster:
        _link(session, ctx, p, esc)
    return esc


def _is_collective(session: Session, c: Complaint) -> bool:
    esc = session.get(Escalation, c.escalation_id)
    return esc is not None and esc.major_type == MAJOR_TYPE


def _link(session: Session, ctx: ServiceContext, c: Complaint, esc: Escalation) -> None:
    if c.escalation_id is None:
        c.escalation_id = esc.id
    c.is_major = True
    add_event(session, c, ctx.now(), ctx.actor, "collective", note=_("Escalation #{id}").format(id=esc.id))
