"""Supervisor views: the handover report of a day or a shift, and patrol coverage
(rounds walked against scheduled, per route per day)."""

from __future__ import annotations

from datetime import timedelta

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Select, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.reference import load_reference
from wuye_tui.services import guard_reports
from wuye_tui.services.open_items import KIND_LABELS
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
        self.query_one("#hreport-body", Static).update(render_handover_report(self.ctx, rep))


def render_handover_report(ctx, rep: guard_reports.HandoverReport) -> str:  # type: ignore[no-untyped-def]
    ref = load_reference()
    t = lambda d: ctx.local(d).strftime("%m-%d %H:%M") if d else "-"  # noqa: E731
    out: list[str] = []
    for s in rep.shifts:
        out.append(f"[b]{escape(s.label)}[/b]  {t(s.start)} - {t(s.end)}  " + _(
            "rounds {done}/{scheduled}, missed {missed}, anomalies {anomalies}").format(
            done=s.rounds_done, scheduled=s.rounds_scheduled, missed=len(s.missed), anomalies=len(s.anomalies)))
        if s.missing:
            out.append("  [b $error]" + _("No signed handover for this shift") + "[/]")
        for w in s.left_without_handover:
            out.append("  [b $error]" + escape(_("{name} logged out without handover at {t}").format(
                name=w.staff, t=t(w.logged_out))) + "[/]")
        for h in s.handovers:
            state = _("signed") if h.status == "signed" else _("draft")
            line = _("#{id} {out} -> {inc}, opened {opened}, {state} {signed}").format(
                id=h.id, out=h.outgoing, inc=h.incoming or "-", opened=t(h.opened_at), state=state,
                signed=t(h.signed_at) if h.signed_at else "")
            if h.late:
                line += "  " + _("LATE")
            if h.failed_signatures:
                line += "  " + _("{n} wrong PINs").format(n=h.failed_signatures)
            out.append("  " + escape(line))
            for it in h.items:
                mark = "[$error]![/] " if it.overdue else "  "
                out.append(f"    {mark}{escape(_(KIND_LABELS.get(it.kind, it.kind)))}: {escape(it.title)}")
            if h.equipment:
                out.append("    " + escape("，".join(f"{n} {c}" + (f"（{note}）" if note else "")
                                                    for n, c, note in h.equipment)))
            if h.notes:
                out.append("    " + escape(_("Notes: {text}").format(text=h.notes.replace("\n", " "))))
        for a in s.anomalies:
            out.append("  " + escape(_("Anomaly {t} {cp} {item}: {note}").format(
                t=t(a.at), cp=ref.label("checkpoint", a.checkpoint), item=ref.label("item", a.item), note=a.note)))
        for m in s.missed:
            reason = ref.label("missed_round_reason", m.reason) if m.reason else _("no reason given")
            out.append("  " + escape(_("Missed {t} {route} ({reason})").format(
                t=t(m.slot_at), route=ref.label("route", m.route), reason=reason)))
        out.append("")
    return "\n".join(out)


class PatrolCoverageScreen(WuyeScreen):
    CSS_PATH = CSS
    BINDINGS = [Binding("f2", "show", N_("Show report"), id="coverage-show")]

    def compose_body(self) -> ComposeResult:
        today = self.ctx.local(self.ctx.now()).date()
        yield Static(_("Patrol coverage"), classes="title")
        with Horizontal(classes="guard-row"):
            yield FormField(_("From"), "start", check=lambda v: parse_date(v, field="start"),
                            value=(today - timedelta(days=6)).isoformat())
            yield FormField(_("To"), "end", check=lambda v: parse_date(v, field="end"), value=today.isoformat())
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
                          f"[b $error]{r.missed}[/]" if r.missed else "0", str(r.missed_with_reason),
                          str(r.too_fast), str(r.anomalies), pct)
        scheduled, done, missed = cov.totals()
        self.query_one("#coverage-total", Static).update(
            _("In all: {done} of {scheduled} rounds walked, {missed} missed").format(
                done=done, scheduled=scheduled, missed=missed))
