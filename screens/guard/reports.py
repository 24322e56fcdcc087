"""Supervisor views: the handover report of a day or a shift, and patrol coverage
(rounds walked against scheduled, per route per day)."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, Select, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.guard import reports as guard_reports
from wuye_tui.services.guard.report_text import render_handover_report
from wuye_tui.validators import parse_date

from ..base import WuyeScreen
from ..widgets.form import FormField
from .dutylog import CSS, _options


class HandoverReportScreen(WuyeScreen):
    CSS_PATH = CSS
    BINDINGS = [Binding("f2", "show", N_("Show report"), id="hreport-show")]

    def compose_body(self) -> ComposeResult:
        yield Static(_("Handover report"), classes="title")
        with Horizontal(classes="guard-row"):
            yield FormField(_("Date"), "date", check=lambda v: parse_date(v, field="date"),
                            value=self.ctx.local(self.ctx.now()).date().isoformat())
            yield Select(_options("shift"), prompt=_("Whole day"), id="sel-shift")
        with VerticalScroll(classes="panel"):
            yield Static("", id="hreport-body")

    def on_mount(self) -> None:
        self.action_show()

    def action_show(self) -> None:
        try:
            day = self.query_one("#field-date", FormField).validate_now()
            shift = self.query_one("#sel-shift", Select).value
            rep = guard_reports.handover_report(self.ctx, day, None if shift is Select.NULL else str(shift))
        except WuyeError as exc:
            self.report(exc)
            return
        self.query_one("#hreport-body", Static).update(Content.from_markup(render_handover_report(self.ctx, rep)))


class PatrolCoverageScreen(WuyeScreen):
    CSS_PATH = CSS
    BINDINGS = [Binding("f2", "show", N_("Show report"), id="coverage-show")]

    def compose_body(self) -> ComposeResult:
        today = self.ctx.local(self.ctx.now()).date()
        yield Static(_("Patrol coverage"), classes="title")
        with Horizontal(classes="guard-row"):
            yield FormField(_("Start date"), "start", check=lambda v: parse_date(v, field="start"),
                            value=(today - timedelta(days=6)).isoformat())
            yield FormField(_("End date"), "end", check=lambda v: parse_date(v, field="end"), value=today.isoformat())
        yield DataTable(id="coverage-table", classes="guard-table")
        yield Static("", id="coverage-total", classes="guard-msg")

    def on_mount(self) -> None:
        self.query_one("#coverage-table", DataTable).add_columns(
            _("Date"), _("Route"), _("Scheduled"), _("Walked"), _("Missed"), _("With reason"), _("Too fast"),
            _("Anomalies"), "%")
        self.action_show()

    def action_show(self) -> None:
        try:
            start = self.query_one("#field-start", FormField).validate_now()
            end = self.query_one("#field-end", FormField).validate_now()
            cov = guard_reports.patrol_coverage(self.ctx, start, end)
        except WuyeError as exc:
            self.report(exc)
            return
        table = self.query_one("#coverage-table", DataTable)
        table.clear()
        for r in cov.rows:
            pct = f"{r.percent:.0f}"
            table.add_row(r.day.isoformat(), r.label, str(r.scheduled), str(r.done),
                          Text(str(r.missed), style="bold red") if r.missed else "0", str(r.missed_with_reason),
                          str(r.too_fast), str(r.anomalies), pct)
        scheduled, done, missed = cov.totals()
        self.query_one("#coverage-total", Static).update(
            _("In all: {done} of {scheduled} rounds walked, {missed} missed").format(
                done=done, scheduled=scheduled, missed=missed))
