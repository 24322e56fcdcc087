"""Alarms (#12): an escalation's whole life (show, note, resolve next to list/ack) and the
notification outbox (list, retry, send, summary)."""

from __future__ import annotations

from typing import Annotated

import typer

from .root import app
from ..i18n import _
from .common import AsOption, acting_ctx
from .complaints import escalation_app

notify_app = typer.Typer(help=_("Notifications: the outbox and its receivers."), no_args_is_help=True)
app.add_typer(notify_app, name="notify")
reminders_app = typer.Typer(help=_("Reminders by time (rules in data/reminders.toml)."), no_args_is_help=True)
app.add_typer(reminders_app, name="reminders")


def _when(ctx, value) -> str:  # type: ignore[no-untyped-def]
    return ctx.local(value).strftime("%Y-%m-%d %H:%M") if value else "-"


@escalation_app.command("show", help=_("One escalation with its timeline."))
def escalation_show(esc_id: int, as_: AsOption = None) -> None:
    from ..services.core import escalation

    ctx = acting_ctx(as_)
    tl = escalation.timeline(ctx, esc_id)
    e = tl.escalation
    typer.echo(f"#{e.id} {escalation.alert_text(ctx, e)}")
    typer.echo(_("Title: {text}").format(text=e.title))
    if e.detail:
        typer.echo(_("Detail: {text}").format(text=e.detail))
    typer.echo(_("State: {state}").format(state=escalation.state_label(e)))
    if e.reply_due_at:
        typer.echo(_("Reply promised by {t}").format(t=_when(ctx, e.reply_due_at)))
    typer.echo(_("Notified: {names}").format(names=e.notified or "-"))
    if e.resolution:
        typer.echo(_("Outcome: {text}").format(text=e.resolution))
    for ev, who in tl.events:
        typer.echo("\t".join([_when(ctx, ev.at), who, escalation.event_label(ev.kind), ev.note]).rstrip())


@escalation_app.command("note", help=_("Add a handling note to an escalation."))
def escalation_note(esc_id: int, text: str, as_: AsOption = None) -> None:
    from ..services.core import escalation

    escalation.add_note(acting_ctx(as_), esc_id, text)
    typer.echo(_("Note added to #{id}").format(id=esc_id))


@escalation_app.command("resolve", help=_("Resolve an acknowledged escalation with its outcome (supervisors)."))
def escalation_resolve(esc_id: int, outcome: Annotated[str, typer.Option("--outcome", help=_("What was done."))],
                       as_: AsOption = None) -> None:
    from ..services.core import escalation

    escalation.resolve(acting_ctx(as_), esc_id, outcome)
    typer.echo(_("Escalation #{id} resolved").format(id=esc_id))


@notify_app.command("list", help=_("Notifications and their state (supervisors)."))
def notify_list(state: Annotated[str | None, typer.Option(help=_("pending, delivered or failed."))] = None,
                limit: Annotated[int, typer.Option(min=1, max=500)] = 50, as_: AsOption = None) -> None:
    from ..services.core import notify

    ctx = acting_ctx(as_)
    for line in notify.list_outbox(ctx, state=state, limit=limit):
        r = line.row
        typer.echo("\t".join([str(r.id), _when(ctx, r.created_at), line.event_label, line.channel_label,
                              line.state_label, str(r.attempts), r.title, r.last_error]).rstrip())


@notify_app.command("retry", help=_("Send a failed or waiting notification again now (supervisors)."))
def notify_retry(row_id: int, as_: AsOption = None) -> None:
    from ..services.core import notify

    ctx = acting_ctx(as_)
    notify.retry(ctx, row_id)
    notify.deliver_due(ctx, ids=[row_id])
    line = next((x for x in notify.list_outbox(ctx, limit=500) if x.row.id == row_id), None)
    if line is None or line.row.state != "delivered":
        typer.echo(_("Notification #{id} not delivered yet: {err}").format(
            id=row_id, err=line.row.last_error if line else "-"))
        raise typer.Exit(1)
    typer.echo(_("Notification #{id} delivered").format(id=row_id))


@notify_app.command("send", help=_("Deliver every notification that is due now."))
def notify_send(as_: AsOption = None) -> None:
    from ..services.core import notify

    n = notify.deliver_due(acting_ctx(as_), limit=200)
    typer.echo(_("{n} delivered").format(n=n))


@notify_app.command("summary", help=_("Send the daily summary now (supervisors) and print it."))
def notify_summary(as_: AsOption = None) -> None:
    from ..services.core import notify, reminders

    ctx = acting_ctx(as_)
    text = reminders.send_summary(ctx)
    typer.echo(text)
    notify.deliver_due(ctx)


@reminders_app.command("check", help=_("Give the reminders that are due now (once across terminals)."))
def reminders_check(as_: AsOption = None) -> None:
    from ..services.core import notify, reminders

    ctx = acting_ctx(as_)
    n = reminders.run_due(ctx)
    notify.deliver_due(ctx)
    typer.echo(_("{n} reminders given").format(n=n))


@reminders_app.command("list", help=_("Reminders given in the last day."))
def reminders_list(as_: AsOption = None) -> None:
    from ..services.core import reminders

    ctx = acting_ctx(as_)
    for r in reminders.recent(ctx):
        typer.echo("\t".join([str(r.id), _when(ctx, r.at), reminders.rule_label(r.rule), r.text]))
