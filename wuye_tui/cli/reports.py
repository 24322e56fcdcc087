"""``wuye export``, ``wuye report ...`` and ``wuye db restore``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from .root import app
from ..i18n import _
from .core import db_app
from .common import AsOption, acting_ctx


def _progress_bar(label: str):  # type: ignore[no-untyped-def]
    """A Rich progress display on a terminal, nothing otherwise. Returns (progress, cb)."""
    if not sys.stdout.isatty():
        return None, None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), transient=True)
    task = bar.add_task(label, total=None)
    return bar, (lambda n: bar.update(task, completed=n))


@app.command("export", help=_("Export a register for a date range (CSV with BOM, XLSX or JSON)."))
def export_cmd(
    register: Annotated[str, typer.Argument(help=_("Register: visitors, vehicles, passes, complaints, audit..."))],
    from_: Annotated[str, typer.Option("--from", help=_("First day (YYYY-MM-DD), local time."))],
    to: Annotated[str, typer.Option("--to", help=_("Last day (YYYY-MM-DD), included."))],
    out: Annotated[Path, typer.Option("--out", help=_("File to write (mode 0600)."))],
    fmt: Annotated[str, typer.Option("--format", help=_("csv, xlsx or json."))] = "csv",
    reveal: Annotated[bool, typer.Option("--reveal",
                                         help=_("Unmasked ID numbers (supervisors; audited)."))] = False,
    as_: AsOption = None,
) -> None:
    from ..exports.exporter import check_format, check_target, get_register
    from ..validators import parse_date_range

    # Everything the user typed is checked before the PIN and the database.
    start, end = parse_date_range(from_, to)
    fmt = check_format(fmt)
    get_register(register)
    check_target(out)
    ctx = acting_ctx(as_)
    from ..exports.exporter import export

    bar, cb = _progress_bar(_("Exporting {name}").format(name=register))
    if bar is not None:
        with bar:
            result = export(ctx, register, start, end, fmt, out, reveal=reveal, progress=cb)
    else:
        result = export(ctx, register, start, end, fmt, out, reveal=reveal)
    typer.echo(_("{n} rows written to {path}").format(n=result.rows, path=result.path))


report_app = typer.Typer(help=_("Supervisor's reports."), no_args_is_help=True)
app.add_typer(report_app, name="report")


def _write_report(text_or_writer, out: Path | None) -> None:  # type: ignore[no-untyped-def]
    from ..exports.exporter import check_target, write_private

    if out is None:
        typer.echo(text_or_writer if isinstance(text_or_writer, str) else "")
        return
    path = check_target(out)

    def produce(tmp: Path) -> int:
        if isinstance(text_or_writer, str):
            tmp.write_text(text_or_writer, encoding="utf-8")
        else:
            text_or_writer(tmp)
        return 0

    write_private(path, produce)
    typer.echo(_("Report written to {path}").format(path=path))


@report_app.command("monthly", help=_("The monthly complaint statistics (客户月投诉统计表)."))
def report_monthly(
    month: Annotated[str, typer.Option("--month", help=_("YYYY-MM"))],
    fmt: Annotated[str, typer.Option("--format", help=_("xlsx, pdf, csv or md"))] = "md",
    out: Annotated[Path | None, typer.Option("--out",
                                             help=_("File to write; md prints when missing."))] = None,
    as_: AsOption = None,
) -> None:
    from ..errors import ValidationError
    from ..validators import parse_month

    year, mon = parse_month(month, field="month")
    fmt = (fmt or "").strip().lower()
    if fmt not in ("xlsx", "pdf", "csv", "md"):
        raise ValidationError("format", _("Format must be one of: {formats}").format(formats="xlsx, pdf, csv, md"))
    if fmt != "md" and out is None:
        raise ValidationError("out", _("Say where to write the file"))
    if out is not None:
        from ..exports.exporter import check_target

        check_target(out)
    ctx = acting_ctx(as_)
    from ..exports.reports import complaints as reports_monthly

    stats = reports_monthly.load(ctx, year, mon)
    _write_report(reports_monthly.render(ctx, stats, fmt, year, mon), out)


def _report_format(fmt: str | None, out: Path | None) -> str:
    from ..errors import ValidationError

    f = (fmt or (out.suffix.lstrip(".") if out is not None else "") or "md").strip().lower()
    if f not in ("md", "csv", "xlsx", "pdf"):
        raise ValidationError("format", _("Format must be one of: {formats}").format(formats="md, csv, xlsx, pdf"))
    if f != "md" and out is None:
        raise ValidationError("out", _("Say where to write the file"))
    return f


def _guard_writer(report, fmt: str, pdf):  # type: ignore[no-untyped-def]
    from ..exports.reports.common import renderer

    if fmt == "pdf":
        return lambda path: pdf(report, path)
    return renderer(report, fmt)


@report_app.command("handover", help=_("The shift-handover report for a day or one shift."))
def report_handover(
    date_: Annotated[str, typer.Option("--date", help=_("Day (YYYY-MM-DD)"))],
    shift: Annotated[str | None, typer.Option("--shift", help=_("Shift code or name"))] = None,
    out: Annotated[Path | None, typer.Option("--out",
                                             help=_("Markdown file to write; printed when missing."))] = None,
    fmt: Annotated[str | None, typer.Option("--format",
                                            help=_("md, csv, xlsx or pdf; by the file's name when missing."))] = None,
    as_: AsOption = None,
) -> None:
    from ..validators import parse_date

    day = parse_date(date_, field="date")
    fmt = _report_format(fmt, out)
    if shift is not None:
        from ..services.guard.reports import resolve_shift

        resolve_shift(shift)
    if out is not None:
        from ..exports.exporter import check_target

        check_target(out)
    ctx = acting_ctx(as_)
    from ..exports import pdf_docs
    from ..exports.reports import guard as reports_guard

    import dataclasses

    from ..services.core.audit_checkpoint import checkpoint

    report = reports_guard.handover_report(ctx, day, shift)
    # The daily summary carries the audit chain head: a printed copy outside the database.
    head = checkpoint(ctx.db, "handover report")
    report = dataclasses.replace(report, subtitle=report.subtitle + "  " + _(
        "Audit chain checkpoint: row {id}, hash {hash} ({rows} rows)").format(
        id=head["id"], hash=str(head["hash"])[:16], rows=head["rows"]))
    _write_report(_guard_writer(report, fmt, pdf_docs.handover_pdf), out)


@report_app.command("visitors", help=_("A day's page of the visitor register (访客登记表) as PDF."))
def report_visitors(
    date_: Annotated[str, typer.Option("--date", help=_("Day (YYYY-MM-DD)"))],
    out: Annotated[Path, typer.Option("--out", help=_("PDF file to write."))],
    as_: AsOption = None,
) -> None:
    from ..validators import parse_date

    day = parse_date(date_, field="date")
    from ..exports.exporter import check_target

    check_target(out)
    ctx = acting_ctx(as_)
    from ..exports import visitor_page

    n, path = visitor_page.write(ctx, day, out)
    typer.echo(_("{n} visits on {path}").format(n=n, path=path))


@report_app.command("patrol", help=_("Patrol coverage: rounds done and missed, anomalies."))
def report_patrol(
    from_: Annotated[str, typer.Option("--from", help=_("First day (YYYY-MM-DD)"))],
    to: Annotated[str, typer.Option("--to", help=_("Last day (YYYY-MM-DD), included"))],
    out: Annotated[Path | None, typer.Option("--out",
                                             help=_("Markdown file to write; printed when missing."))] = None,
    fmt: Annotated[str | None, typer.Option("--format",
                                            help=_("md, csv, xlsx or pdf; by the file's name when missing."))] = None,
    as_: AsOption = None,
) -> None:
    from ..validators import parse_date_range

    start, end = parse_date_range(from_, to)
    fmt = _report_format(fmt, out)
    if out is not None:
        from ..exports.exporter import check_target

        check_target(out)
    ctx = acting_ctx(as_)
    from ..exports import pdf_docs
    from ..exports.reports import guard as reports_guard

    _write_report(_guard_writer(reports_guard.patrol_report(ctx, start, end), fmt, pdf_docs.report_pdf), out)


@db_app.command(
    "restore", help=_("Restore a SQLite backup (checked first; refuses to overwrite without --force)."))
def db_restore(
    file: Annotated[Path, typer.Argument(help=_("A backup made by `wuye db backup`."))],
    force: Annotated[bool, typer.Option("--force", help=_("Overwrite an existing database."))] = False,
    as_: AsOption = None,
) -> None:
    from ..config import resolve_db_url
    from ..services.core.wholedb import live_has_staff, restore_as
    from .common import STATE

    url = resolve_db_url(STATE.db_url)
    # A database with staff is replaced only by one of ITS supervisors (PIN checked on it).
    ctx = acting_ctx(as_) if live_has_staff(url) else None
    if ctx is not None:
        STATE._db.dispose()
        STATE._db = None
    checked = restore_as(ctx, url, file, force=force)
    typer.echo(_("Restored {file}: integrity ok, audit chain of {n} rows intact").format(
        file=checked.path, n=checked.audit_rows))
