"""The duty roster (排班) from the command line: who is on duty at which post per shift.
The handover takes its outgoing and incoming guards from it."""

from __future__ import annotations

from typing import Annotated

import typer

from ..i18n import _
from .root import app
from .common import AsOption, acting_ctx

roster_app = typer.Typer(help=_("Duty roster (排班): who is on duty at which post."), no_args_is_help=True)
app.add_typer(roster_app, name="roster")


@roster_app.command("set", help=_("Put a guard on duty at a post for one shift."))
def roster_set(
    date: Annotated[str, typer.Option(help=_("Duty date, YYYY-MM-DD."))],
    shift: Annotated[str, typer.Option(help=_("Shift code (data/shifts.toml), e.g. morning."))],
    guard: Annotated[str, typer.Option(help=_("Name of the guard."))],
    post: Annotated[str, typer.Option(help=_("Post code (data/shifts.toml), e.g. main_gate."))] = "main_gate",
    as_: AsOption = None,
) -> None:
    from ..services.guard import duty as guard_duty

    guard_duty.assign(acting_ctx(as_), date, shift, post, guard)
    typer.echo(_("{guard} is on duty: {date} {shift} {post}").format(guard=guard, date=date, shift=shift, post=post))


@roster_app.command("show", help=_("The roster of one duty date."))
def roster_show(
    date: Annotated[str, typer.Option(help=_("Duty date, YYYY-MM-DD."))],
    as_: AsOption = None,
) -> None:
    from ..reference import load_reference
    from ..services.guard import duty as guard_duty
    from ..validators import parse_date

    ctx = acting_ctx(as_)
    ref = load_reference()
    for row, name in guard_duty.roster_of(ctx, parse_date(date)):
        typer.echo(f"{row.duty_date.isoformat()}  {ref.label('shift', row.shift)}  {ref.label('post', row.post)}  {name}")
