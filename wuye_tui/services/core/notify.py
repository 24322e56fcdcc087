"""Notifications that reach people outside the terminals: a durable outbox and its senders.

Every message is first written to ``notify_outbox`` in the same transaction as what it
reports (``enqueue_in``), one row per receiver. ``deliver_due`` is run by whichever process
is up (every terminal on a timer, a CLI command before it exits with a bounded wait): it
claims due rows one by one (a conditional UPDATE, so two terminals never send one row twice),
sends, and records the outcome. A failure is retried with backoff; after ``MAX_ATTEMPTS`` the
row is ``failed`` until a supervisor retries it. Nothing here raises to the caller on a
network or receiver error: it is recorded on the row.

Receivers (configured in the site settings, checked when set): 企业微信 group bot, 钉钉 bot
(HMAC-SHA256 signature), 飞书 bot, a generic JSON webhook, and a command run with an argument
list (never a shell) and the message as JSON on standard input. Their message bodies and
sending are in ``notify_receivers``, the settings' checks in ``notify_settings``; this module
holds the outbox: writing it, delivering it, and what supervisors see and do with it.
"""

from __future__ import annotations

import atexit
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlmodel import Session

from ...clock import as_utc
from ...errors import NotFound, ValidationError
from ...i18n import _
from ...models.escalation import NotifyOutbox
from .context import ServiceContext
from .permissions import SUPERVISORS, require

from .notify_settings import (  # noqa: F401  (the settings' checks, the limits and labels, named here too)
    BACKOFF_SECONDS,
    CHANNELS,
    CHANNEL_LABELS,
    CHECKS,
    CLAIM_MARGIN_SECONDS,
    DINGTALK_TEXT_BYTES,
    EVENTS,
    EVENT_LABELS,
    FEISHU_TEXT_BYTES,
    MANAGER_KEYS,
    MAX_ATTEMPTS,
    MOBILE_RE,
    SECRET_KEYS,
    STATE_LABELS,
    URL_KEYS,
    WECOM_MARKDOWN_BYTES,
    WECOM_PER_MINUTE,
    WECOM_TEXT_BYTES,
    _is_ip,
    _is_local,
    channels_for,
    check_bool,
    check_channels,
    check_command,
    check_department_mobiles,
    check_mobiles,
    check_msgtype,
    check_secret,
    check_setting,
    check_time_of_day,
    check_url,
    configured,
    department_mobiles,
    shown_value,
)
from .notify_receivers import (  # noqa: F401  (the receivers: bodies, signatures, sending)
    ESCALATION_MODULE,
    SendError,
    dingtalk_body,
    dingtalk_sign,
    dingtalk_url,
    feishu_body,
    feishu_sign,
    message_text,
    send,
    trim_bytes,
    webhook_body,
    wecom_body,
)


def enqueue_in(session: Session, ctx: ServiceContext, event: str, title: str, body: str,
               escalation_id: int | None = None, conf: Any = None, department: str = "") -> list[NotifyOutbox]:
    """Write one outbox row per receiver inside the caller's open write transaction. The
    people @-mentioned: those set for the kind of event, plus the department's (if given)."""
    from . import settings

    conf = conf or settings.load(ctx)
    now = ctx.now()
    mentions = str(getattr(conf, f"notify_{event}_mobiles", "") or "")
    if event == "escalate" and not mentions:
        mentions = str(conf.notify_major_mobiles or "")
    if department:
        extra = department_mobiles(conf, department)
        mentions = ",".join(dict.fromkeys([m for m in mentions.split(",") if m] + extra))
    rows = []
    for channel in channels_for(conf, event):
        row = NotifyOutbox(created_at=now, event=event, channel=channel, escalation_id=escalation_id,
                           title=title[:200], body=body[:4000], mentions=mentions[:500], state="pending",
                           attempts=0, next_attempt_at=now)
        session.add(row)
        rows.append(row)
    session.flush()
    return rows


# ---- delivering the outbox ------------------------------------------------------------

def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS)) - 1])


def _claim(ctx: ServiceContext, row_id: int, conf: Any) -> NotifyOutbox | None:
    now = ctx.now()
    until = now + timedelta(seconds=float(conf.notify_timeout_seconds) + CLAIM_MARGIN_SECONDS)
    with ctx.db.write() as session:
        result = session.execute(
            update(NotifyOutbox).where(NotifyOutbox.id == row_id).where(NotifyOutbox.state == "pending")
            .where(or_(NotifyOutbox.claimed_until.is_(None), NotifyOutbox.claimed_until < now))
            .values(claimed_until=until))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None
        row = session.get(NotifyOutbox, row_id)
        session.expunge(row)
        return row


def _wecom_busy(ctx: ServiceContext) -> datetime | None:
    """When the WeCom bot may take another message (None: now). Its limit is 20 a minute."""
    now = ctx.now()
    with ctx.db.read() as session:
        times = session.execute(
            select(NotifyOutbox.delivered_at).where(NotifyOutbox.channel == "wecom")
            .where(NotifyOutbox.delivered_at > now - timedelta(seconds=60))
            .order_by(NotifyOutbox.delivered_at)).scalars().all()
    if len(times) < WECOM_PER_MINUTE:
        return None
    return as_utc(times[-WECOM_PER_MINUTE]) + timedelta(seconds=60)


def _record(ctx: ServiceContext, row_id: int, error: SendError | None, postpone_to: datetime | None = None) -> None:
    from ...models import Escalation

    now = ctx.now()
    with ctx.db.write() as session:
        row = session.get(NotifyOutbox, row_id)
        if row is None:
            return
        row.claimed_until = None
        if postpone_to is not None:
            row.next_attempt_at = postpone_to
            return
        row.attempts += 1
        if error is None:
            row.state, row.delivered_at, row.last_error = "delivered", now, ""
        else:
            row.last_error = str(error)[:300]
            if error.retry_after is not None:
                row.next_attempt_at = now + timedelta(seconds=error.retry_after)
            elif row.attempts >= MAX_ATTEMPTS:
                row.state = "failed"
            else:
                row.next_attempt_at = now + _backoff(row.attempts)
        if row.escalation_id is not None:
            esc = session.get(Escalation, row.escalation_id)
            if esc is not None:
                esc.notify_status = _status_line(session, row.escalation_id)[:200]


def _status_line(session: Session, esc_id: int) -> str:
    rows = session.execute(select(NotifyOutbox.channel, NotifyOutbox.state)
                           .where(NotifyOutbox.escalation_id == esc_id).order_by(NotifyOutbox.id)).all()
    return " ".join(f"{c}:{s}" for c, s in rows)


def deliver_due(ctx: ServiceContext, limit: int = 20, ids: list[int] | None = None) -> int:
    """Send what is due now (or the given rows when due); returns how many were delivered."""
    from . import settings

    conf = settings.load(ctx)
    now = ctx.now()
    with ctx.db.read() as session:
        q = (select(NotifyOutbox.id, NotifyOutbox.channel).where(NotifyOutbox.state == "pending")
             .where(NotifyOutbox.next_attempt_at <= now)
             .where(or_(NotifyOutbox.claimed_until.is_(None), NotifyOutbox.claimed_until < now))
             .order_by(NotifyOutbox.next_attempt_at, NotifyOutbox.id).limit(limit))
        if ids is not None:
            q = q.where(NotifyOutbox.id.in_(ids))
        due = session.execute(q).all()
    delivered = 0
    for row_id, channel in due:
        if channel == "wecom":
            later = _wecom_busy(ctx)
            if later is not None:
                with ctx.db.write() as session:
                    session.execute(update(NotifyOutbox).where(NotifyOutbox.id == row_id)
                                    .where(NotifyOutbox.state == "pending").values(next_attempt_at=later))
                continue
        row = _claim(ctx, row_id, conf)
        if row is None:
            continue  # another terminal has it
        try:
            send(ctx, row, conf)
        except SendError as exc:
            _record(ctx, row_id, exc)
            continue
        except Exception as exc:  # noqa: BLE001  (a receiver's oddity is recorded, never raised)
            _record(ctx, row_id, SendError(f"{type(exc).__name__}: {exc}"[:200]))
            continue
        _record(ctx, row_id, None)
        delivered += 1
    return delivered


# ---- delivering from a short-lived process -----------------------------------------------

_threads: list[threading.Thread] = []
_atexit_registered = False


def kick(ctx: ServiceContext, ids: list[int] | None = None) -> threading.Thread:
    """Deliver in a background thread now; a process that exits waits a little for it."""
    global _atexit_registered

    def run() -> None:
        try:
            deliver_due(ctx, ids=ids)
        except Exception:  # noqa: BLE001  (database gone: the rows stay pending for the next terminal)
            pass

    thread = threading.Thread(target=run, daemon=True, name="notify-send")
    thread.start()
    _threads.append(thread)
    if not _atexit_registered:
        atexit.register(_at_exit)
        _atexit_registered = True
    return thread


EXIT_WAIT_SECONDS = 8.0


def _at_exit() -> None:
    """A process that raised an escalation (a CLI command) waits a little for its sends; what
    is not through by then stays in the outbox and the next terminal delivers it."""
    import sys

    if not wait_for_sends(EXIT_WAIT_SECONDS):
        print(_("Notifications not sent within {n}s stay in the outbox; the next terminal sends them").format(
            n=int(EXIT_WAIT_SECONDS)), file=sys.stderr)


def wait_for_sends(seconds: float = 8.0) -> bool:
    """Wait at most ``seconds`` for the sends started here; True when all finished."""
    deadline = time.monotonic() + seconds
    for thread in list(_threads):
        thread.join(max(0.0, deadline - time.monotonic()))
    alive = [t for t in _threads if t.is_alive()]
    _threads[:] = alive
    return not alive


# ---- what supervisors see and do ---------------------------------------------------------

@dataclass
class OutboxLine:
    row: NotifyOutbox

    @property
    def state_label(self) -> str:
        return _(STATE_LABELS.get(self.row.state, self.row.state))

    @property
    def channel_label(self) -> str:
        return _(CHANNEL_LABELS.get(self.row.channel, self.row.channel))

    @property
    def event_label(self) -> str:
        return _(EVENT_LABELS.get(self.row.event, self.row.event))


def list_outbox(ctx: ServiceContext, state: str | None = None, limit: int = 50) -> list[OutboxLine]:
    require(ctx.actor, SUPERVISORS, _("read the notifications"))
    if state is not None and state not in STATE_LABELS:
        raise ValidationError("state", _("Must be one of {names}").format(names=", ".join(STATE_LABELS)))
    with ctx.db.read() as session:
        q = select(NotifyOutbox).order_by(NotifyOutbox.id.desc()).limit(limit)
        if state:
            q = q.where(NotifyOutbox.state == state)
        return [OutboxLine(r) for r in session.execute(q).scalars()]


def counts(ctx: ServiceContext) -> dict[str, int]:
    with ctx.db.read() as session:
        rows = session.execute(select(NotifyOutbox.state, func.count()).group_by(NotifyOutbox.state)).all()
    return {s: n for s, n in rows}


def retry(ctx: ServiceContext, row_id: int) -> NotifyOutbox:
    """Put a failed (or waiting) notification back to be sent now."""
    from . import audit

    require(ctx.actor, SUPERVISORS, _("retry a notification"))
    with ctx.db.write() as session:
        row = session.get(NotifyOutbox, row_id)
        if row is None:
            raise NotFound(_("No notification #{id}").format(id=row_id))
        if row.state == "delivered":
            raise ValidationError("id", _("Notification #{id} was already delivered").format(id=row_id))
        row.state, row.next_attempt_at, row.claimed_until = "pending", ctx.now(), None
        if row.attempts >= MAX_ATTEMPTS:
            row.attempts = MAX_ATTEMPTS - 3  # three more tries before it fails again
        audit.record(session, ctx.actor, ctx.now(), "notify.retry", "notify_outbox", row_id, after={"state": "pending"})
        session.flush()
        session.expunge(row)
    return row


def status_text(status: str) -> str:
    """An escalation's ``notify_status`` ("wecom:delivered dingtalk:pending") for people:
    "已送达 1 · 待发送 1" ("" when nothing was sent)."""
    if not status.strip():
        return ""
    counts: dict[str, int] = {}
    for part in status.split():
        state = part.split(":", 1)[-1]
        counts[state] = counts.get(state, 0) + 1
    return " · ".join(f"{_(STATE_LABELS[s]) if s in STATE_LABELS else s} {n}" for s, n in counts.items())
