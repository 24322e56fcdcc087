"""``wuye print FILE | --letter N | --report monthly|handover|patrol|visitors``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .root import app
from ..errors import ValidationError
from ..i18n import _
from .common import AsOption, acting_ctx


@app.command("print", help=_("Print a file, a complaint's reply letter or a report on the configured printer."))
def print_cmd(
    file: Annotated[Path | None, typer.Argument(help=_("A file to print (PDF, text)."))] = None,
    letter: Annotated[int | None, typer.Option("--letter", help=_("The reply letter of complaint N."))] = None,
    report: Annotated[str | None, typer.Option("--report", help=_("monthly, handover, patrol or visitors."))] = None,
    month: Annotated[str | None, typer.Option("--month", help=_("YYYY-MM (monthly)"))] = None,
    date_: Annotated[str | None, typer.Option("--date", help=_("Day (YYYY-MM-DD): handover, visitors; "
                                                                "first day of patrol"))] = None,
    to: Annotated[str | None, typer.Option("--to", help=_("Last day of patrol (YYYY-MM-DD)"))] = None,
    shift: Annotated[str | None, typer.Option("--shift", help=_("Shift code or name"))] = None,
    as_: AsOption = None,
) -> None:
    chosen = [x for x in (file, letter, report) if x is not None]
    if len(chosen) != 1:
        raise ValidationError("print", _("Print one thing: a FILE, --letter N or --report NAME"))
    kw: dict = {}
    if report is not None:
        from ..exports.printable import REPORTS

        if report.strip().lower() not in REPORTS:
            raise ValidationError("report", _("Unknown report {name}; known: {names}").format(
                name=report, names=", ".join(REPORTS)))
        from ..validators import parse_date, parse_date_range, parse_month

        if month:
            kw["month"] = parse_month(month, field="month")
        if date_:
            kw["start"] = parse_date(date_, field="date")
        if to:
            kw["start"], kw["end"] = parse_date_range(date_ or to, to)
        if shift:
            from ..services.guard.reports import resolve_shift

            resolve_shift(shift)
            kw["shift"] = shift
    if file is not None and not Path(file).expanduser().is_file():
        raise ValidationError("file", _("No such file: {path}").format(path=file))
    ctx = acting_ctx(as_)
    from ..exports import letters
    from ..services.core import printing

    if file is not None:
        job = printing.print_file(ctx, file)
    elif letter is not None:
        job = letters.print_letter(ctx, letter)
    else:
        from ..exports.printable import report_document

        name, produce = report_document(ctx, report or "", **kw)
        job = printing.print_document(ctx, name, produce)
    typer.echo(_("Sent {file} to {printer}: {job}").format(file=job.file, printer=job.printer, job=job.job))
