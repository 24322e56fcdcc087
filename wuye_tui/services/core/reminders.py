"""Reminders by time, with their rules in ``data/reminders.toml`` (an office edits them).

``run_due`` is called by every running terminal (and ``wuye reminders check``): it finds what
is due at the clock's time and *claims* each reminder by inserting a ``reminder_claim`` row
whose key is unique (e.g. ``key_overdue:12``). Only the terminal whose insert succeeds gives
the reminder, so each is given once across terminals. A claim is an alert line on the
terminals of the rule's roles (until someone there dismisses it, at most a day) and, when the
rule says ``notify``, an outbox row for the reminder receivers, in the same transaction.

A major escalation left unacknowledged for ``minutes`` goes up one level: its level becomes 1
(the alert says 已升级), an event is written and the manager's receivers are told.

The daily summary (open complaints, overdue items, missed rounds, unsigned handovers, and the
audit chain's head, so a copy of it lives outside the database) is given once a day at the
``summary_time`` setting, and on demand (``wuye notify summary``). The rules themselves:
``reminder_rules``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...clock import as_utc
from ...errors import NotFound
from ...i18n import _
from ...models.escalation import Escalation, ReminderClaim
from . import audit_checkpoint
from .context import ServiceContext
from .reminder_rules import FILE, RULE_LABELS, SHOW_HOURS, Rule, load_rules, parse_rules, rule_label  # noqa: F401


@dataclass(frozen=True)
class Due:
    rule: str
    key: str
    text: str
    escalation_id: int | None = None
    department: str = ""  # a complaint's: its people are @-mentioned too


def _claim(ctx: ServiceContext, rule: Rule, due: Due, conf: Any) -> bool:
    """Give one reminder unless another terminal already did (the unique key decides)."""
    from . import audit, notify

    now = ctx.now()
    try:
        with ctx.db.write() as session:
            if session.execute(select(ReminderClaim.id).where(ReminderClaim.key == due.key)).first():
                return False
            session.add(ReminderClaim(key=due.key[:200], rule=rule.code, at=now, terminal=ctx.terminal[:80],
                                      roles=",".join(rule.roles), text=due.text[:500]))
            session.flush()
            if due.rule == "escalation_unacknowledged" and due.escalation_id is not None:
                esc = session.get(Escalation, due.escalation_id)
                if esc is None or esc.acknowledged_at is not None or esc.level >= 1:
                    raise _Skip()
                esc.level = 1
                from .escalation import _event, alert_text

                _event(session, esc.id, now, None, "escalated",  # type: ignore[arg-type]
                       _("not acknowledged for {n} minutes").format(n=int(rule.minutes)))
                audit.record(session, None, now, "escalation.send_up", "escalation", esc.id, after={"level": 1})
                if rule.notify:
                    notify.enqueue_in(session, ctx, "escalate", alert_text(ctx, esc, now), due.text, esc.id, conf)
            elif rule.notify:
                event = "summary" if rule.code == "summary" else "reminder"
                title = rule_label(rule.code)
                notify.enqueue_in(session, ctx, event, title, due.text, due.escalation_id, conf, due.department)
    except _Skip:
        return False
    except IntegrityError:  # the other terminal's insert won the race
        return False
    return True


class _Skip(Exception):
    pass


# ---- the rules --------------------------------------------------------------------------

def _hm(ctx: ServiceContext, at: datetime) -> str:
    return ctx.local(at).strftime("%m-%d %H:%M")


def _unit_codes(session, ids) -> dict[int, str]:  # type: ignore[no-untyped-def]
    from ...models import Unit

    ids = {i for i in ids if i}
    if not ids:
        return {}
    return dict(session.execute(select(Unit.id, Unit.code).where(Unit.id.in_(ids))).all())


def _complaints(ctx: ServiceContext, rules: dict[str, Rule], now: datetime) -> list[Due]:
    from ...models.complaints import Complaint
    from ..complaints.common import OPEN_STATUSES, REPLIED

    out: list[Due] = []
    soon, late, unconf = rules["complaint_due"], rules["complaint_overdue"], rules["complaint_unconfirmed"]
    with ctx.db.read() as session:
        rows = []
        if soon.enabled or late.enabled:
            horizon = now + timedelta(hours=soon.hours_before if soon.enabled else 0)
            rows = session.execute(select(Complaint).where(Complaint.status.in_(OPEN_STATUSES))
                                   .where(Complaint.due_at <= horizon).order_by(Complaint.id)).scalars().all()
        replied = []
        if unconf.enabled:
            replied = session.execute(select(Complaint).where(Complaint.status == REPLIED)
                                      .where(Complaint.replied_at <= now - timedelta(days=unconf.days))
                                      .order_by(Complaint.id)).scalars().all()
        units = _unit_codes(session, [c.unit_id for c in [*rows, *replied]])
    for c in rows:
        due_at = as_utc(c.due_at)
        who = f"{units.get(c.unit_id, '')} {c.caller}".strip()
        if due_at <= now and late.enabled:
            out.append(Due("complaint_overdue", f"complaint_overdue:{c.id}:{due_at:%Y%m%d%H%M}",
                           _("Complaint #{id} ({who}) reply was due {t}").format(id=c.id, who=who, t=_hm(ctx, due_at)),
                           department=c.department))
        elif due_at > now and soon.enabled:
            out.append(Due("complaint_due", f"complaint_due:{c.id}:{due_at:%Y%m%d%H%M}",
                           _("Complaint #{id} ({who}) reply due by {t}").format(id=c.id, who=who, t=_hm(ctx, due_at)),
                           department=c.department))
    for c in replied:
        who = f"{units.get(c.unit_id, '')} {c.caller}".strip()
        out.append(Due("complaint_unconfirmed", f"complaint_unconfirmed:{c.id}",
                       _("Complaint #{id} ({who}) replied {t}, not confirmed yet").format(
                           id=c.id, who=who, t=_hm(ctx, as_utc(c.replied_at))),  # type: ignore[arg-type]
                       department=c.department))
    return out


def _patrol(ctx: ServiceContext, rule: Rule, now: datetime) -> list[Due]:
    from ...reference import load_reference
    from ..guard.patrol import _schedule

    grace = timedelta(minutes=rule.grace_minutes)
    slots = _schedule(ctx, now - timedelta(hours=12), now, now - grace)
    ref = load_reference()
    return [Due("patrol_missed", f"patrol_missed:{s.route}:{as_utc(s.at):%Y%m%d%H%M}",
                _("Patrol {route} at {t} was not walked").format(route=ref.label("route", s.route), t=_hm(ctx, s.at)))
            for s in slots if s.status == "missed" and not s.reason]


def _keys(ctx: ServiceContext, now: datetime) -> list[Due]:
    from ...models.guard import KeyItem, KeyLoan

    with ctx.db.read() as session:
        rows = session.execute(select(KeyLoan, KeyItem).join(KeyItem, KeyItem.id == KeyLoan.key_id)
                               .where(KeyLoan.returned_at.is_(None)).where(KeyLoan.due_at <= now)
                               .order_by(KeyLoan.id)).all()
    return [Due("key_overdue", f"key_overdue:{loan.id}",
                _("Key {code} {label} lent to {who} was due back {t}").format(
                    code=key.code, label=key.label, who=loan.lent_to, t=_hm(ctx, as_utc(loan.due_at))))
            for loan, key in rows]


def _visitors(ctx: ServiceContext, rule: Rule, now: datetime) -> list[Due]:
    from ...models.gate import Visit

    with ctx.db.read() as session:
        rows = session.execute(select(Visit).where(Visit.checked_out_at.is_(None))
                               .where(Visit.expected_out_at < now - timedelta(minutes=rule.grace_minutes))
                               .order_by(Visit.id)).scalars().all()
        units = _unit_codes(session, [v.host_unit_id for v in rows])
    return [Due("visitor_overstay", f"visitor_overstay:{v.id}",
                _("Visitor {name} to {unit} expected out by {t}, still on site").format(
                    name=v.name, unit=units.get(v.host_unit_id, ""), t=_hm(ctx, as_utc(v.expected_out_at))))
            for v in rows]


def _vehicles(ctx: ServiceContext, rule: Rule, now: datetime) -> list[Due]:
    from ...models.gate import VehicleMove

    with ctx.db.read() as session:
        rows = session.execute(select(VehicleMove).where(VehicleMove.out_at.is_(None))
                               .where(VehicleMove.resident.is_(False))
                               .where(VehicleMove.in_at < now - timedelta(hours=rule.hours))
                               .order_by(VehicleMove.id)).scalars().all()
    return [Due("vehicle_overstay", f"vehicle_overstay:{v.id}",
                _("Vehicle {plate} in since {t}, past {h} hours").format(
                    plate=v.plate, t=_hm(ctx, as_utc(v.in_at)), h=int(rule.hours)))
            for v in rows]


def _permits(ctx: ServiceContext, rule: Rule, now: datetime) -> list[Due]:
    from ...models.gate import RenovationPermit

    ending = ctx.local(now).date() + timedelta(days=int(rule.days_before))
    with ctx.db.read() as session:
        rows = session.execute(select(RenovationPermit).where(RenovationPermit.revoked_at.is_(None))
                               .where(RenovationPermit.end_date == ending).order_by(RenovationPermit.id)).scalars().all()
        units = _unit_codes(session, [p.unit_id for p in rows])
    return [Due("permit_ending", f"permit_ending:{p.id}:{p.end_date:%Y%m%d}",
                _("Renovation permit of {unit} ({company}) ends {d}").format(
                    unit=units.get(p.unit_id, ""), company=p.company, d=p.end_date.isoformat()))
            for p in rows]


def _escalations(ctx: ServiceContext, rule: Rule, now: datetime) -> list[Due]:
    from .escalation import alert_text

    with ctx.db.read() as session:
        rows = session.execute(select(Escalation).where(Escalation.acknowledged_at.is_(None))
                               .where(Escalation.level == 0)
                               .where(Escalation.raised_at <= now - timedelta(minutes=rule.minutes))
                               .order_by(Escalation.id)).scalars().all()
    return [Due("escalation_unacknowledged", f"escalation_up:{e.id}",
                _("Not acknowledged for {n} minutes, sent up to the manager: {text}").format(
                    n=int(rule.minutes), text=alert_text(ctx, e, now)), e.id) for e in rows]


def due_now(ctx: ServiceContext, now: datetime | None = None) -> list[Due]:
    """Everything due at ``now`` by the rules (claimed or not)."""
    rules = load_rules()
    now = now or ctx.now()
    out = _complaints(ctx, rules, now)
    if rules["patrol_missed"].enabled:
        out += _patrol(ctx, rules["patrol_missed"], now)
    if rules["key_overdue"].enabled:
        out += _keys(ctx, now)
    if rules["visitor_overstay"].enabled:
        out += _visitors(ctx, rules["visitor_overstay"], now)
    if rules["vehicle_overstay"].enabled:
        out += _vehicles(ctx, rules["vehicle_overstay"], now)
    if rules["permit_ending"].enabled:
        out += _permits(ctx, rules["permit_ending"], now)
    if rules["escalation_unacknowledged"].enabled:
        out += _escalations(ctx, rules["escalation_unacknowledged"], now)
    return out


def run_due(ctx: ServiceContext) -> int:
    """Give every due reminder not given yet (by any terminal); returns how many this one gave."""
    from . import settings

    rules = load_rules()
    conf = settings.load(ctx)
    now = ctx.now()
    with ctx.db.read() as session:
        given = set(session.execute(select(ReminderClaim.key).where(
            ReminderClaim.at >= now - timedelta(days=40))).scalars())
    n = 0
    for due in due_now(ctx, now):
        if due.key in given:
            continue
        if _claim(ctx, rules[due.rule], due, conf):
            n += 1
    n += _summary_if_time(ctx, rules["summary"], conf, now)
    return n


# ---- the daily summary ----------------------------------------------------------------

def summary_text(ctx: ServiceContext, now: datetime | None = None) -> str:
    from ...models.complaints import Complaint
    from ...models.guard import Handover
    from ..complaints.common import OPEN_STATUSES
    from ..guard.patrol import _schedule

    now = now or ctx.now()
    with ctx.db.read() as session:
        open_n = session.execute(select(func.count()).select_from(Complaint)
                                 .where(Complaint.status.in_(OPEN_STATUSES))).scalar_one()
        overdue_n = session.execute(select(func.count()).select_from(Complaint)
                                    .where(Complaint.status.in_(OPEN_STATUSES))
                                    .where(Complaint.due_at < now)).scalar_one()
        unsigned = session.execute(select(func.count()).select_from(Handover).where(Handover.status == "draft")
                                   .where(Handover.opened_at < now - timedelta(hours=1))).scalar_one()
        esc_n = session.execute(select(func.count()).select_from(Escalation)
                                .where(Escalation.resolved_at.is_(None))).scalar_one()
        head = audit_checkpoint.chain_head(session)
    missed = [s for s in _schedule(ctx, now - timedelta(hours=24), now, now) if s.status == "missed"]
    overdue_items = sum(1 for d in due_now(ctx, now) if d.rule in ("key_overdue", "visitor_overstay", "vehicle_overstay"))
    return _("{date} summary: open complaints {open} (overdue {overdue}); unresolved escalations {esc}; "
             "keys, visitors and vehicles overdue {items}; rounds missed in 24 h {missed}; unsigned handovers {unsigned}"
             ).format(date=ctx.local(now).strftime("%Y-%m-%d"), open=open_n, overdue=overdue_n, esc=esc_n,
                      items=overdue_items, missed=len(missed), unsigned=unsigned) + "\n" + _(
        # the chain head leaves the database with the summary: an older copy put back no longer matches
        "Audit chain head: No. {id} {hash} ({rows} rows)").format(id=head["id"], hash=head["hash"][:16], rows=head["rows"])


def _summary_if_time(ctx: ServiceContext, rule: Rule, conf: Any, now: datetime) -> int:
    at = str(conf.summary_time or "")
    if not rule.enabled or not at:
        return 0
    local = ctx.local(now)
    if local.strftime("%H:%M") < at:
        return 0
    key = f"summary:{local:%Y-%m-%d}"
    with ctx.db.read() as session:
        if session.execute(select(ReminderClaim.id).where(ReminderClaim.key == key)).first():
            return 0  # given today (by this terminal or another)
    due = Due("summary", key, summary_text(ctx, now))
    return 1 if _claim(ctx, rule, due, conf) else 0


def send_summary(ctx: ServiceContext) -> str:
    """The summary now, on demand (supervisors): shown, and sent to the summary receivers."""
    from . import notify, settings
    from .permissions import SUPERVISORS, require

    require(ctx.actor, SUPERVISORS, _("send the daily summary"))
    text = summary_text(ctx)
    conf = settings.load(ctx)
    with ctx.db.write() as session:
        notify.enqueue_in(session, ctx, "summary", rule_label("summary"), text, None, conf)
    return text


# ---- what terminals show -----------------------------------------------------------------

def active_for(ctx: ServiceContext, role: str | None, limit: int = 20) -> list[ReminderClaim]:
    """Reminders not yet dismissed, for a role's terminals (none on a logged-out screen)."""
    if role is None:
        return []
    since = ctx.now() - timedelta(hours=SHOW_HOURS)
    with ctx.db.read() as session:
        rows = session.execute(select(ReminderClaim).where(ReminderClaim.dismissed_at.is_(None))
                               .where(ReminderClaim.at >= since).order_by(ReminderClaim.id.desc())
                               .limit(200)).scalars().all()
    return [r for r in rows if role in r.roles.split(",")][:limit]


def dismiss(ctx: ServiceContext, claim_id: int) -> None:
    from .permissions import STAFF, require

    require(ctx.actor, STAFF, _("dismiss a reminder"))
    with ctx.db.write() as session:
        row = session.get(ReminderClaim, claim_id)
        if row is None:
            raise NotFound(_("No reminder #{id}").format(id=claim_id))
        if row.dismissed_at is None:
            row.dismissed_at = ctx.now()


def dismiss_first(ctx: ServiceContext, role: str) -> None:
    rows = active_for(ctx, role, limit=1)
    if rows:
        dismiss(ctx, rows[0].id)  # type: ignore[arg-type]


def recent(ctx: ServiceContext, hours: int = SHOW_HOURS) -> list[ReminderClaim]:
    with ctx.db.read() as session:
        return list(session.execute(select(ReminderClaim).where(ReminderClaim.at >= ctx.now() - timedelta(hours=hours))
                                    .order_by(ReminderClaim.id)).scalars())
