"""Guard post commands: duty log, handover report, patrol (missed rounds, coverage), keys."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .root import app
from .common import AsOption, acting_ctx

dutylog_app = typer.Typer(help=_("Duty log (值班记录)."), no_args_is_help=True)
handover_app = typer.Typer(help=_("Shift handover (交接班)."), no_args_is_help=True)
patrol_app = typer.Typer(help=_("Patrol rounds (巡逻)."), no_args_is_help=True)
key_app = typer.Typer(help=_("Key register (钥匙)."), no_args_is_help=True)
app.add_typer(dutylog_app, name="dutylog")
app.add_typer(handover_app, name="handover")
app.add_typer(patrol_app, name="patrol")
app.add_typer(key_app, name="key")


def _when(ctx, value) -> str:  # type: ignore[no-untyped-def]
    return ctx.local(value).strftime("%Y-%m-%d %H:%M") if value else "-"


# --- duty log ----------------------------------------------------------------------------


@dutylog_app.command("add", help=_("Write a duty-log entry."))
def dutylog_add(
    text: Annotated[str, typer.Argument(help=_("What happened, where, what was done."))],
    post: Annotated[str, typer.Option(help=_("Post code (data/shifts.toml), e.g. main_gate."))] = "main_gate",
    type_: Annotated[str, typer.Option("--type",
                                       help=_("security, fire, equipment, noise, renovation, other."))] = "other",
    severity: Annotated[str, typer.Option(help=_("info, warning, serious, critical."))] = "info",
    incident: Annotated[bool, typer.Option("--incident",
                                           help=_("Stays open until closed with a note."))] = False,
    major: Annotated[str, typer.Option("--major", help=_("Major type: escalates at once (e.g. fire)."))] = "",
    as_: AsOption = None,
) -> None:
    from ..services.guard import dutylog

    ctx = acting_ctx(as_)
    e = dutylog.add_entry(ctx, post, type_, severity, text, incident=incident, major_type=major)
    typer.echo(_("Saved entry #{id}").format(id=e.id))
    if e.escalation_id:
        typer.echo(_("Escalation #{id} raised").format(id=e.escalation_id))


@dutylog_app.command("list", help=_("The newest entries."))
def dutylog_list(
    open_only: Annotated[bool, typer.Option("--open", help=_("Open incidents only."))] = False,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    as_: AsOption = None,
) -> None:
    from ..reference import load_reference
    from ..services.guard import dutylog

    ctx = acting_ctx(as_)
    ref = load_reference()
    for r in dutylog.list_entries(ctx, limit=limit, open_only=open_only):
        e = r.entry
        typer.echo("\t".join([str(e.id), _when(ctx, e.at), ref.label("post", e.post), ref.label("duty_type", e.duty_type),
                              ref.label("severity", e.severity), e.status or "-", r.staff_name,
                              e.text.replace("\n", " ")]))


@dutylog_app.command("close", help=_("Close an incident with a note."))
def dutylog_close(
    entry_id: Annotated[int, typer.Argument(help=_("Incident number."))],
    note: Annotated[str, typer.Option(help=_("How it was settled."))],
    as_: AsOption = None,
) -> None:
    from ..services.guard import dutylog

    dutylog.close_incident(acting_ctx(as_), entry_id, note)
    typer.echo(_("Incident #{id} closed").format(id=entry_id))


# --- handover ----------------------------------------------------------------------------


@handover_app.command("show", help=_("The handover report of a day or one shift (supervisors)."))
def handover_show(
    date: Annotated[str, typer.Option("--date",
                                      help=_("Duty date YYYY-MM-DD (the night shift belongs to its start)."))],
    shift: Annotated[str | None, typer.Option("--shift",
                                              help=_("morning, middle or night; all when missing."))] = None,
    as_json: Annotated[bool, typer.Option("--json", help=_("JSON instead of text."))] = False,
    as_: AsOption = None,
) -> None:
    from ..services.guard import reports as guard_reports
    from ..validators import parse_date

    ctx = acting_ctx(as_)
    rep = guard_reports.handover_report(ctx, parse_date(date, field="date"), shift)
    if as_json:
        typer.echo(guard_reports.report_json(rep))
        return
    from ..services.guard.report_text import render_handover_report

    typer.echo(render_handover_report(ctx, rep, markup=False))


# --- patrol --------------------------------------------------------------------------------


@patrol_app.command("missed", help=_("Rounds missed on a day (by scheduled time), with the reason given."))
def patrol_missed(
    date: Annotated[str, typer.Option("--date", help=_("Local day YYYY-MM-DD."))],
    as_: AsOption = None,
) -> None:
    from ..reference import load_reference
    from ..services.guard import patrol
    from ..services.guard.shifts import day_bounds
    from ..validators import parse_date

    ctx = acting_ctx(as_)
    ref = load_reference()
    start, end = day_bounds(ctx, parse_date(date, field="date"))
    missed = patrol.missed_rounds(ctx, start, end)
    for s in missed:
        reason = ref.label("missed_round_reason", s.reason) if s.reason else _("no reason given")
        typer.echo("\t".join([_when(ctx, s.at), ref.label("route", s.route), reason, s.note]))
    typer.echo(_("{n} missed rounds").format(n=len(missed)))


@patrol_app.command("coverage", help=_("Rounds walked against scheduled, per route per day (supervisors)."))
def patrol_coverage(
    start: Annotated[str, typer.Option("--from", help=_("First day YYYY-MM-DD."))],
    end: Annotated[str, typer.Option("--to", help=_("Last day YYYY-MM-DD."))],
    as_: AsOption = None,
) -> None:
    from ..services.guard import reports as guard_reports
    from ..validators import parse_date

    ctx = acting_ctx(as_)
    cov = guard_reports.patrol_coverage(ctx, parse_date(start, field="from"), parse_date(end, field="to"))
    for r in cov.rows:
        typer.echo(f"{r.day.isoformat()}\t{r.label}\t{r.done}/{r.scheduled}\t{r.missed}\t{r.percent:.0f}%")
    scheduled, done, missed = cov.totals()
    typer.echo(_("In all: {done} of {scheduled} rounds walked, {missed} missed").format(
        done=done, scheduled=scheduled, missed=missed))


# --- keys ----------------------------------------------------------------------------------


@key_app.command("add", help=_("Register a key held by the office."))
def key_add(
    code: Annotated[str, typer.Argument(help=_("Code on the key tag, e.g. K0102."))],
    label: Annotated[str, typer.Option(help=_("What it opens (a room)."))] = "",
    unit: Annotated[str, typer.Option(help=_("The unit, for an owner's key."))] = "",
    as_: AsOption = None,
) -> None:
    from ..services.guard import keys

    k = keys.add_key(acting_ctx(as_), code, label, unit)
    typer.echo(_("Key {code} registered").format(code=k.code))


@key_app.command("lend", help=_("Lend a key."))
def key_lend(
    code: Annotated[str, typer.Argument(help=_("Key code."))],
    to: Annotated[str, typer.Option("--to", help=_("Who takes it."))],
    purpose: Annotated[str, typer.Option(help=_("owner_request, repair, emergency, inspection, other."))],
    authorised_by: Annotated[str, typer.Option("--authorised-by", help=_("Who allowed it."))],
    phone: Annotated[str, typer.Option(help=_("Phone of the borrower."))] = "",
    note: Annotated[str, typer.Option(help=_("Note."))] = "",
    approver_pin: Annotated[str, typer.Option("--approver-pin", help=_(
        "PIN of the staff member who allowed it, when the site asks for it."))] = "",
    as_: AsOption = None,
) -> None:
    from ..services.guard import keys

    ctx = acting_ctx(as_)
    loan = keys.lend_key(ctx, code, to, purpose, authorised_by, phone, note, approver_pin)
    typer.echo(_("Key lent; due back by {due}").format(due=_when(ctx, loan.due_at)))


@key_app.command("return", help=_("Take a key back."))
def key_return(
    code: Annotated[str, typer.Argument(help=_("Key code."))],
    note: Annotated[str, typer.Option(help=_("Condition, remarks."))] = "",
    as_: AsOption = None,
) -> None:
    from ..services.guard import keys

    keys.return_key(acting_ctx(as_), code, note)
    typer.echo(_("Key {code} returned").format(code=code.upper()))


@key_app.command("list", help=_("Keys, with who has them."))
def key_list(
    out: Annotated[bool, typer.Option("--out", help=_("Keys lent out only (overdue marked)."))] = False,
    search: Annotated[str, typer.Option(help=_("Code, room or unit."))] = "",
    as_: AsOption = None,
) -> None:
    from ..services.guard import keys

    ctx = acting_ctx(as_)
    rows = keys.keys_out(ctx) if out and not search else keys.list_keys(ctx, search, out_only=out, limit=500)
    for r in rows:
        state = _("in the office")
        if r.loan is not None:
            state = (_("OVERDUE") + " " if r.overdue else "") + _("lent to {to} since {t}").format(
                to=r.loan.lent_to, t=_when(ctx, r.loan.lent_at))
        typer.echo("\t".join([r.key.code, r.key.label, r.unit_code or "-", state]))


from . import guard_roster  # noqa: E402,F401  (registers "wuye roster")
