"""Front desk commands: ``wuye complaint add|list|show|step|letter`` and
``wuye escalation list|ack`` (acknowledging needs a supervisor: --as / WUYE_USER / WUYE_PIN)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .root import app
from ..i18n import _
from .common import AsOption, acting_ctx

complaint_app = typer.Typer(help=_("Complaints and requests (front desk)."), no_args_is_help=True)
escalation_app = typer.Typer(help=_("Escalations: list, acknowledge (supervisors)."), no_args_is_help=True)
app.add_typer(complaint_app, name="complaint")
app.add_typer(escalation_app, name="escalation")

STEPS = ("dispatch", "start", "defer", "reply", "confirm", "contact-failed", "archive", "archive-unconfirmed",
         "note", "correct", "validity")


def _row(ctx, row) -> str:  # type: ignore[no-untyped-def]
    from ..services.complaints.common import ref_label, status_label, unconfirmed_days

    c = row.complaint
    waiting = unconfirmed_days(c, ctx.now())
    flags = " ".join(f for f, on in ((_("OVERDUE"), row.overdue), (_("MAJOR"), c.is_major),
                                     (_("unconfirmed {n} days").format(n=waiting), waiting)) if on)
    return "\t".join([str(c.id), ctx.local(c.received_at).strftime("%Y-%m-%d %H:%M"), row.unit_code or "-",
                      c.caller, ref_label("category", c.category), status_label(c.status),
                      ref_label("department", c.department), ctx.local(c.due_at).strftime("%Y-%m-%d %H:%M"),
                      flags]).rstrip()


@complaint_app.command("add", help=_("Log a complaint or request (same validation as the form)."))
def complaint_add(
    caller: Annotated[str, typer.Option(help=_("Caller's name."))],
    channel: Annotated[str, typer.Option(help=_("phone, visit, written, online (or its number)."))],
    category: Annotated[str, typer.Option(help=_("Category code or number."))],
    cause: Annotated[str, typer.Option(help=_("Cause code or number."))],
    description: Annotated[str, typer.Option(help=_("What the customer said."))],
    unit: Annotated[str, typer.Option(help=_("Unit number, name, phone or pinyin (one match)."))] = "",
    phone: Annotated[str, typer.Option()] = "",
    location: Annotated[str, typer.Option()] = "",
    department: Annotated[str, typer.Option(help=_("Default: the category's department."))] = "",
    reply_by: Annotated[str, typer.Option("--reply-by",
                                          help=_("Promised reply time YYYY-MM-DD HH:MM."))] = "",
    major: Annotated[str, typer.Option(help=_("Major type code: escalates at once."))] = "",
    as_: AsOption = None,
) -> None:
    from ..services.complaints import intake as complaints

    ctx = acting_ctx(as_)
    c = complaints.add_complaint(ctx, caller=caller, unit=unit, phone=phone, channel=channel, category=category,
                                 cause=cause, description=description, location=location, department=department,
                                 promised_reply=reply_by, major_type=major)
    typer.echo(str(c.id))
    if c.escalation_id:
        typer.echo(_("Escalation #{id}").format(id=c.escalation_id))
    _wait_notifications()


def _wait_notifications() -> None:
    """Let the notification threads finish before the process exits (bounded by their timeout)."""
    import threading

    for t in threading.enumerate():
        if t.name.startswith("notify-"):
            t.join(130)


@complaint_app.command("list", help=_("List complaints, newest first (one page)."))
def complaint_list(
    status: Annotated[str, typer.Option(help=_("A status, or 'open'."))] = "",
    category: Annotated[str, typer.Option()] = "",
    department: Annotated[str, typer.Option()] = "",
    overdue: Annotated[bool, typer.Option("--overdue")] = False,
    major: Annotated[bool, typer.Option("--major")] = False,
    search: Annotated[str, typer.Option(help=_("Unit, name, phone or pinyin initials."))] = "",
    before: Annotated[int | None, typer.Option(help=_("Page: ids below this one."))] = None,
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    as_: AsOption = None,
) -> None:
    from ..services.complaints import intake as complaints
    from ..services.complaints.common import resolve_choice

    ctx = acting_ctx(as_)
    f = complaints.Filters(status=status, overdue=overdue, major=major, text=search,
                           category=resolve_choice("category", category, "category", required=False),
                           department=resolve_choice("department", department, "department", required=False))
    for row in complaints.list_complaints(ctx, f, before_id=before, limit=limit):
        typer.echo(_row(ctx, row))


@complaint_app.command("show", help=_("A complaint with its whole timeline and the next legal steps."))
def complaint_show(complaint_id: int, as_: AsOption = None) -> None:
    from ..services.complaints import intake as complaints
    from ..services.complaints.common import event_label, ref_label, status_label

    ctx = acting_ctx(as_)
    d = complaints.detail(ctx, complaint_id)
    c = d.complaint
    fmt = "%Y-%m-%d %H:%M"
    typer.echo(f"#{c.id} {status_label(c.status)} {ref_label('category', c.category)}"
               + (f" {_('MAJOR')}" if c.is_major else "") + (f" {_('OVERDUE')}" if d.overdue else ""))
    typer.echo(_("Unit: {unit}  Caller: {caller}  Phone: {phone}").format(unit=d.unit_code or "-", caller=c.caller,
                                                                         phone=c.phone or "-"))
    typer.echo(_("Received: {at}  Reply due: {due}").format(at=ctx.local(c.received_at).strftime(fmt),
                                                           due=ctx.local(c.due_at).strftime(fmt)))
    typer.echo(c.description)
    for ev, who in d.events:
        typer.echo(f"  #{ev.id} {ctx.local(ev.at).strftime(fmt)} {who} {event_label(ev.kind)}"
                   + (f": {ev.note}" if ev.note else ""))
    state = d.escalation_state(ctx)
    if state:
        typer.echo(state)
    from ..services.complaints.common import step_label

    from ..i18n import get_language

    sep = "、" if get_language().startswith("zh") else ", "
    typer.echo(_("Next steps: {steps}").format(steps=sep.join(step_label(s) for s in d.next_steps)))


@complaint_app.command(
    "step", help=_("Take one workflow step (refused with the reason when it is not legal now)."))
def complaint_step(
    complaint_id: int,
    action: Annotated[str, typer.Argument(help=_("The step: {steps}.").format(steps=", ".join(STEPS)))],
    text: Annotated[str, typer.Option("--text", "-t", help=_("Note, reply, explanation or reason."))] = "",
    department: Annotated[str, typer.Option()] = "",
    next_reply: Annotated[str, typer.Option("--next-reply", help=_("For defer: YYYY-MM-DD HH:MM."))] = "",
    satisfaction: Annotated[str, typer.Option(help=_("For confirm: code or number."))] = "",
    event: Annotated[int | None, typer.Option(help=_("For correct: the event number corrected."))] = None,
    invalid: Annotated[bool, typer.Option("--invalid",
                                          help=_("For validity: not a valid complaint."))] = False,
    reopen: Annotated[bool, typer.Option("--reopen",
                                         help=_("For confirm with a neutral grade: the customer wants more done."))] = False,
    as_: AsOption = None,
) -> None:
    from ..errors import ValidationError
    from ..services.complaints import workflow as wf

    ctx = acting_ctx(as_)
    cid = complaint_id
    calls = {
        "dispatch": lambda: wf.dispatch(ctx, cid, department, text),
        "start": lambda: wf.start(ctx, cid, text),
        "defer": lambda: wf.defer(ctx, cid, text, next_reply),
        "reply": lambda: wf.reply(ctx, cid, text),
        "confirm": lambda: wf.confirm(ctx, cid, satisfaction, text, reopen=reopen),
        "contact-failed": lambda: wf.contact_failed(ctx, cid, text),
        "archive": lambda: wf.archive(ctx, cid, text),
        "archive-unconfirmed": lambda: wf.archive_unconfirmed(ctx, cid, text),
        "note": lambda: wf.add_note(ctx, cid, text),
        "correct": lambda: wf.correct(ctx, cid, event or 0, text),
        "validity": lambda: wf.set_validity(ctx, cid, not invalid, text),
    }
    action = _step_code(action)
    if action not in calls:
        raise ValidationError("action", _("Unknown step: use one of {steps}").format(steps=", ".join(STEPS)))
    calls[action]()
    from ..services.complaints import intake as complaints
    from ..services.complaints.common import status_label

    typer.echo(f"#{cid} {status_label(complaints.get(ctx, cid).status)}")


def _step_code(text: str) -> str:
    """A step by its code (dispatch, contact-failed) or its name in either language (派单)."""
    from ..services.complaints.common import STEP_LABELS

    low = text.strip().lower()
    for code, label in STEP_LABELS.items():
        if low in (label.lower(), _(label).lower(), code):
            return code.replace("_", "-")
    return low


@complaint_app.command("link", help=_("Link a complaint to a collective complaint (supervisors)."))
def complaint_link(
    complaint_id: int,
    collective: Annotated[int, typer.Option("--collective", help=_("The collective complaint's escalation number."))],
    reason: Annotated[str, typer.Option("--reason", "-t", help=_("Why it is the same problem."))],
    as_: AsOption = None,
) -> None:
    from ..services.complaints import collective as complaint_collective

    ctx = acting_ctx(as_)
    complaint_collective.link(ctx, complaint_id, collective, reason)
    typer.echo(_("Complaint #{id} linked to collective complaint #{e}").format(id=complaint_id, e=collective))


@complaint_app.command("unlink", help=_("Take a complaint out of its collective complaint (supervisors)."))
def complaint_unlink(
    complaint_id: int,
    reason: Annotated[str, typer.Option("--reason", "-t", help=_("Why it is not the same problem."))],
    as_: AsOption = None,
) -> None:
    from ..services.complaints import collective as complaint_collective

    ctx = acting_ctx(as_)
    complaint_collective.unlink(ctx, complaint_id, reason)
    typer.echo(_("Complaint #{id} taken out of its collective complaint").format(id=complaint_id))


@complaint_app.command("letter", help=_("Write the reply letter of a (written) complaint to a file."))
def complaint_letter(complaint_id: int, out: Annotated[Path, typer.Option("--out", help=_("PDF (.pdf) or text file."))],
                     as_: AsOption = None) -> None:
    from ..exports.letters import write_letter

    ctx = acting_ctx(as_)
    write_letter(ctx, complaint_id, out)
    typer.echo(_("Wrote {path}").format(path=out))


@escalation_app.command("list", help=_("Unacknowledged escalations (or the most recent, with --all)."))
def escalation_list(all_: Annotated[bool, typer.Option("--all", help=_("Also acknowledged ones."))] = False,
                    limit: Annotated[int, typer.Option(min=1, max=500)] = 50, as_: AsOption = None) -> None:
    from ..services.core import escalation

    ctx = acting_ctx(as_)
    from ..services.core import notify

    rows = escalation.list_escalations(ctx, limit=limit) if all_ else escalation.unacknowledged(ctx, limit=limit)
    for e in rows:
        ack = ctx.local(e.acknowledged_at).strftime("%Y-%m-%d %H:%M") if e.acknowledged_at else _("waiting")
        typer.echo("\t".join([str(e.id), escalation.major_label(e.major_type), e.title,
                              ctx.local(e.raised_at).strftime("%Y-%m-%d %H:%M"), ack,
                              notify.status_text(e.notify_status)]).rstrip())


@escalation_app.command(
    "ack", help=_("Acknowledge an escalation as the supervisor named by --as / WUYE_USER (PIN from WUYE_PIN)."))
def escalation_ack(esc_id: int, note: Annotated[str, typer.Option()] = "", as_: AsOption = None) -> None:
    from ..services.core import escalation

    ctx = acting_ctx(as_)
    escalation.acknowledge(ctx, esc_id, note)
    typer.echo(_("Acknowledged #{id}").format(id=esc_id))
