"""Core registers: the audit trail and escalations (supervisors)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ...clock import as_utc
from ...i18n import N_, _
from ...models import AuditEntry, Escalation
from ...services.core.context import ServiceContext
from ...services.core.permissions import SUPERVISORS
from ..registry import Column, Register, keyset_rows, register, staff_names


def _utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


AUDIT_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("at", N_("Time"), "datetime", 18),
    Column("staff", N_("Staff member"), "text", 10),
    Column("action", N_("Action"), "text", 22),
    Column("entity", N_("Entity"), "text", 12),
    Column("entity_id", N_("Entity id"), "text", 10),
    Column("before", N_("Before"), "text", 30),
    Column("after", N_("After"), "text", 40),
    Column("hash", N_("Hash"), "text", 20),
)


def audit_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool) -> Iterator[tuple[Any, ...]]:
    names = staff_names(ctx)
    system = _("system")
    stmt = select(AuditEntry.id, AuditEntry.at, AuditEntry.staff_id, AuditEntry.action, AuditEntry.entity,
                  AuditEntry.entity_id, AuditEntry.before, AuditEntry.after, AuditEntry.hash
                  ).where(AuditEntry.at >= start, AuditEntry.at < end)
    for r in keyset_rows(ctx, stmt, AuditEntry.id):
        who = names.get(r[2], str(r[2])) if r[2] is not None else system
        yield (r[0], as_utc(r[1]), who, r[3], r[4], r[5], r[6], r[7], r[8])


ESCALATION_COLUMNS = (
    Column("id", N_("No."), "int", 8),
    Column("raised_at", N_("Raised at"), "datetime", 18),
    Column("major_type", N_("Major type"), "text", 14),
    Column("source", N_("Source"), "text", 10),
    Column("source_id", N_("Source record"), "text", 12),
    Column("title", N_("Title"), "text", 30),
    Column("detail", N_("Detail"), "text", 40),
    Column("raised_by", N_("Raised by"), "text", 10),
    Column("reply_due_at", N_("Reply due"), "datetime", 18),
    Column("notified", N_("Notified"), "text", 16),
    Column("notify_status", N_("Notification"), "text", 12),
    Column("acknowledged_at", N_("Acknowledged at"), "datetime", 18),
    Column("acknowledged_by", N_("Acknowledged by"), "text", 10),
    Column("resolved_at", N_("Resolved at"), "datetime", 18),
    Column("resolution", N_("Resolution"), "text", 30),
)


def escalation_rows(ctx: ServiceContext, start: datetime, end: datetime, reveal: bool
                    ) -> Iterator[tuple[Any, ...]]:
    from ...services.core.escalation import major_label
    from ..labels import notify_label, status_label

    names = staff_names(ctx)
    labels: dict[str, str] = {}
    stmt = select(Escalation.id, Escalation.raised_at, Escalation.major_type, Escalation.source,
                  Escalation.source_id, Escalation.title, Escalation.detail, Escalation.raised_by,
                  Escalation.reply_due_at, Escalation.notified, Escalation.notify_status,
                  Escalation.acknowledged_at, Escalation.acknowledged_by, Escalation.resolved_at,
                  Escalation.resolution).where(Escalation.raised_at >= start, Escalation.raised_at < end)
    for r in keyset_rows(ctx, stmt, Escalation.id):
        if r[2] not in labels:
            labels[r[2]] = major_label(r[2])
        yield (r[0], as_utc(r[1]), labels[r[2]], status_label("escalation_source", r[3]), r[4], r[5], r[6],
               names.get(r[7], "") if r[7] else "", _utc(r[8]), r[9], notify_label(r[10]), _utc(r[11]), names.get(r[12], "") if r[12] else "", _utc(r[13]), r[14])


register(Register("audit", N_("Audit trail"), AUDIT_COLUMNS, audit_rows, SUPERVISORS))
register(Register("escalations", N_("Escalation register"), ESCALATION_COLUMNS, escalation_rows, SUPERVISORS))
