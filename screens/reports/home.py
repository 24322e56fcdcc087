"""Reports and exports for supervisors: pick a register or report, a date range, a format
and a file; F5 runs it in a thread worker with a progress bar, so the screen never
freezes; F6 previews the monthly statistics (客户月投诉统计表) when the front desk's
statistics are installed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich import box
from rich.console import Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.exports.exporter import check_target, export, write_private
from wuye_tui.exports.printable import report_document
from wuye_tui.exports.registers import load_registers
from wuye_tui.exports.reports import complaints as reports_monthly
from wuye_tui.exports.reports import guard as reports_guard
from wuye_tui.exports.reports.common import renderer
from wuye_tui.i18n import N_, _
from wuye_tui.services.core import printing
from wuye_tui.validators import parse_date, parse_date_range, parse_month

from ..base import WuyeScreen
from ..widgets.form import FormField
from .preview import ReportPreview

REPORTS = (("report:monthly", N_("Monthly complaint statistics")),
           ("report:handover", N_("Shift handover report")),
           ("report:patrol", N_("Patrol coverage report")))
FORMATS = {"register": ("csv", "xlsx", "json"), "report:monthly": ("xlsx", "csv", "md"),
           "report:handover": ("md", "csv", "xlsx"), "report:patrol": ("md", "csv", "xlsx")}


def _check_format(kind: str):  # type: ignore[no-untyped-def]
    def check(value: str) -> str:
        v = value.strip().lower()
        allowed = FORMATS["register" if not kind.startswith("report:") else kind]
        if v not in allowed:
            raise ValidationError("format", _("Format must be one of: {formats}").format(formats=", ".join(allowed)))
        return v
    return check


def report_renderable(report: Any) -> Any:
    """A report as Rich tables (the title, then one ruled table per section, notes under
    them): what the screen shows instead of Markdown source. Every cell is plain Text."""

    parts: list[Any] = [Text(report.title, style="bold"), Text(report.subtitle)]
    for sec in report.sections:
        t = Table(title=Text(sec.title, style="bold"), title_justify="left", box=box.SQUARE, expand=False,
                  show_lines=False, pad_edge=True)
        for c, h in enumerate(sec.header):
            numeric = bool(sec.rows) and all(isinstance(r[c], (int, float)) and not isinstance(r[c], bool)
                                             for r in sec.rows if c < len(r) and r[c] not in ("", "-", None))
            t.add_column(Text(str(h)), overflow="fold", justify="right" if numeric else "left")
        for row in sec.rows:
            t.add_row(*[Text(report.cell(v)) for v in row])
        if not sec.rows:
            t.add_row(*([Text(_("(none)"))] + [Text("")] * (len(sec.header) - 1)))
        parts.append(t)
        if sec.note:
            parts.append(Text(sec.note, style="italic"))
    return Group(*parts)


class ReportScreen(WuyeScreen):
    CSS_PATH = str(Path(__file__).with_name("reports.tcss"))
    BINDINGS = [
        Binding("f5", "run", N_("Run export"), id="report-run"),
        Binding("f6", "preview", N_("Preview"), id="report-preview"),
        Binding("f7", "print", N_("Print"), id="report-print"),
    ]

    def compose_body(self) -> ComposeResult:

        today = self.ctx.local(self.ctx.now()).date()
        self.items: list[tuple[str, str]] = []
        for name, reg in sorted(load_registers().items()):
            if self.ctx.actor.role in reg.roles:
                self.items.append((f"register:{name}", _(reg.title)))
        self.items.extend((key, _(label)) for key, label in REPORTS)
        with Horizontal(id="rp-body"):
            with Vertical(id="rp-left"):
                yield OptionList(*[Option(label, id=key) for key, label in self.items], id="rp-choice")
            with Vertical(id="rp-right"):
                yield FormField(_("From date"), "from", self._date("from"), value=today.replace(day=1).isoformat())
                yield FormField(_("To date"), "to", self._date("to"), value=today.isoformat())
                yield FormField(_("Month"), "month", self._month, value=today.strftime("%Y-%m"))
                yield FormField(_("Shift"), "shift", None, placeholder=_("all shifts"))
                yield FormField(_("Format"), "format", lambda v: _check_format(self.kind)(v), value="csv")
                yield FormField(_("File"), "out", None, placeholder=_("empty: a name in your home folder"))
                yield ProgressBar(total=100, id="rp-progress", show_eta=False)
                yield Static(_("F5 runs the export; F6 shows the monthly statistics; F7 prints a report."),
                             id="rp-status")
                with VerticalScroll(id="rp-preview"):
                    yield Static("", id="rp-preview-text")

    @staticmethod
    def _date(field: str):  # type: ignore[no-untyped-def]

        return lambda v: parse_date(v, field=field)

    @staticmethod
    def _month(value: str) -> tuple[int, int]:

        return parse_month(value, field="month")

    def on_mount(self) -> None:
        self.running = False
        self.query_one("#rp-choice", OptionList).focus()
        if self.items:
            self.query_one("#rp-choice", OptionList).highlighted = 0

    @property
    def kind(self) -> str:
        ol = self.query_one("#rp-choice", OptionList)
        if ol.highlighted is None or not self.items:
            return ""
        key = self.items[ol.highlighted][0]
        return "register" if key.startswith("register:") else key

    @property
    def choice(self) -> str:
        ol = self.query_one("#rp-choice", OptionList)
        return "" if ol.highlighted is None or not self.items else self.items[ol.highlighted][0]

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        kind = self.kind
        allowed = FORMATS["register" if kind == "register" else kind] if kind else ("csv",)
        fmt = self.field("format")
        if fmt.raw.strip().lower() not in allowed:
            fmt.set_value(allowed[0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.field("from").input.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def _status(self, text: str, cls: str = "") -> None:
        st = self.query_one("#rp-status", Static)
        st.set_classes(cls)
        st.update(text)

    def _params(self) -> dict[str, Any]:
        choice = self.choice
        if not choice:
            raise ValidationError("choice", _("Choose a register or report"))
        p: dict[str, Any] = {"choice": choice, "fmt": self.field("format").validate_now() or "csv"}
        if choice == "report:monthly":
            p["month"] = self.field("month").validate_now()
            if p["month"] is None:
                raise ValidationError("month", _("This field is required"))
        else:
            p["start"] = self.field("from").validate_now()
            p["end"] = self.field("to").validate_now() if choice != "report:handover" else p["start"]
            if p["start"] is None or p["end"] is None:
                raise ValidationError("from" if p["start"] is None else "to", _("This field is required"))
            p["start"], p["end"] = parse_date_range(p["start"], p["end"])
            p["shift"] = self.field("shift").raw.strip() or None
        out = self.field("out").raw.strip()
        if not out:
            stem = choice.split(":")[1]
            span = (f"{p['month'][0]}-{p['month'][1]:02d}" if "month" in p
                    else f"{p['start']:%Y%m%d}-{p['end']:%Y%m%d}")
            out = str(Path.home() / f"{stem}_{span}.{p['fmt']}")
            self.field("out").set_value(out)

        try:
            p["out"] = check_target(out)
        except WuyeError as exc:
            raise ValidationError("out", exc.message) from None
        return p

    def action_run(self) -> None:
        if self.running:
            self.notify(_("An export is already running"), severity="warning")
            return
        try:
            params = self._params()
        except WuyeError as exc:
            self.report(exc)
            return
        self.running = True
        bar = self.query_one("#rp-progress", ProgressBar)
        bar.update(total=None, progress=0)
        self._status(_("Exporting..."))
        self.run_worker(lambda: self._work(params), thread=True, exclusive=True, group="report-export",
                        exit_on_error=False)

    def _work(self, p: dict[str, Any]) -> Any:
        """Runs in a thread: never touch widgets here except through call_from_thread."""
        ctx = self.ctx
        choice = p["choice"]

        def progress(n: int) -> None:
            self.app.call_from_thread(self._progress, n)

        if choice.startswith("register:"):

            res = export(ctx, choice.split(":", 1)[1], p["start"], p["end"], p["fmt"], p["out"], progress=progress)
            return res.rows, res.path

        if choice == "report:monthly":

            report = reports_monthly.build(ctx, reports_monthly.load(ctx, *p["month"]))
        elif choice == "report:handover":

            report = reports_guard.handover_report(ctx, p["start"], p["shift"])
        else:

            report = reports_guard.patrol_report(ctx, p["start"], p["end"])
        out = renderer(report, p["fmt"])

        def produce(tmp: Path) -> int:
            if isinstance(out, str):
                tmp.write_text(out, encoding="utf-8")
            else:
                out(tmp)
            return sum(len(s.rows) for s in report.sections)

        return write_private(p["out"], produce), p["out"]

    def action_print(self) -> None:
        """Print the chosen report as PDF on the configured printer (in a thread)."""
        choice = self.choice
        if not choice.startswith("report:"):
            self._status(_("Choose a report to print (registers are exported, not printed)"), "-error")
            return
        try:
            kw: dict[str, Any] = {}
            if choice == "report:monthly":
                kw["month"] = self.field("month").validate_now()
            else:
                kw["start"] = self.field("from").validate_now()
                kw["end"] = self.field("to").validate_now() if choice == "report:patrol" else kw["start"]
                if kw["start"] is None or kw["end"] is None:
                    raise ValidationError("from" if kw["start"] is None else "to", _("This field is required"))
                kw["start"], kw["end"] = parse_date_range(kw["start"], kw["end"])
                kw["shift"] = self.field("shift").raw.strip() or None if choice == "report:handover" else None
            if kw.get("month", 0) is None:
                raise ValidationError("month", _("This field is required"))
        except WuyeError as exc:
            self.report(exc)
            return

        ctx, kind = self.ctx, choice.split(":", 1)[1]
        self._status(_("Printing..."))

        def work() -> None:

            try:
                name, produce = report_document(ctx, kind, **kw)
                job = printing.print_document(ctx, name, produce)
            except WuyeError as exc:
                self.app.call_from_thread(self._status, escape(str(exc)), "-error")
                return
            self.app.call_from_thread(self._status, escape(_("Sent {file} to {printer}: {job}").format(
                file=job.file, printer=job.printer, job=job.job)), "-done")

        self.run_worker(work, thread=True, group="report-print", exit_on_error=False)

    def _progress(self, n: int) -> None:
        self.query_one("#rp-progress", ProgressBar).update(progress=n)
        self._status(_("{n} rows written...").format(n=n))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "report-export":
            return
        if event.state == WorkerState.SUCCESS:
            self.running = False
            rows, path = event.worker.result
            bar = self.query_one("#rp-progress", ProgressBar)
            bar.update(total=max(rows, 1), progress=max(rows, 1))
            self._status(_("{n} rows written to {path}").format(n=rows, path=path), "-done")
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.running = False
            self.query_one("#rp-progress", ProgressBar).update(total=100, progress=0)
            err = event.worker.error
            if isinstance(err, WuyeError):
                self._status(str(err), "-error")
                self.report(err)
            else:
                self._status(_("The export failed: {reason}").format(reason=err), "-error")

    def action_preview(self) -> None:
        try:
            year, month = self.field("month").validate_now()

            report = reports_monthly.build(self.ctx, reports_monthly.load(self.ctx, year, month))
        except (WuyeError, TypeError) as exc:
            if isinstance(exc, WuyeError):
                self.report(exc)
            return
        renderable = report_renderable(report)
        self.query_one("#rp-preview-text", Static).update(renderable)

        self.app.push_screen(ReportPreview(renderable))
