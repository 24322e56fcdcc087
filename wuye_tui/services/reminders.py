"""Reminders by time (placeholder, filled in below)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from ..models.escalation import ReminderClaim
from .context import ServiceContext

SHOW_HOURS = 24


def active_for(ctx: ServiceContext, role: str | None, limit: int = 20) -> list[ReminderClaim]:
    if role is None:
        return []
    since = ctx.now() - timedelta(hours=SHOW_HOURS)
    with ctx.db.read() as session:
        rows = session.execute(select(ReminderClaim).where(ReminderClaim.dismissed_at.is_(None))
                               .where(ReminderClaim.at >= since).order_by(ReminderClaim.id.desc())
                               .limit(200)).scalars().all()
    return [r for r in rows if role in r.roles.split(",")][:limit]


def run_due(ctx: ServiceContext) -> int:
    return 0


def dismiss_first(ctx: ServiceContext, role: str) -> None:
    return None
