"""Suggestions (合理化建议): F2 logs one, R reports it to a supervisor (chosen by number),
O records the decision (supervisors only; 1 adopted, 2 planned, 3 declined)."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.complaints import suggestions as sg
from wuye_tui.services.core.permissions import SUPERVISORS, allowed

from ..base import WuyeScreen
from .step_dialog import StepDialog


class SuggestionScreen(WuyeScreen):
    CSS_PATH = str(Path(__file__).with_name("complaints.tcss"))
    BINDINGS = [
        Binding("f2", "new", N_("New"), id="sg-new"),
        Binding("r", "report_to", N_("Report"), id="sg-report"),
        Binding("o", "decide", N_("Decide"), id="sg-decide"),
        Binding("f5", "reload", N_("Refresh"), id="reload"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(_("Suggestions"), classes="title")
        yield DataTable(id="sg-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#sg-table", DataTable).add_columns("#", _("Received"), _("Name"), _("Suggestion"),
                                                            _("Status"), _("Outcome"))
        self.action_reload()
        self.query_one("#sg-table", DataTable).focus()

    def action_reload(self) -> None:

        table = self.query_one("#sg-table", DataTable)
        table.clear()
        for s in sg.list_suggestions(self.ctx, limit=100):
            outcome = _(sg.OUTCOMES[s.outcome]) if s.outcome in sg.OUTCOMES else ""
            table.add_row(str(s.id), self.ctx.local(s.received_at).strftime("%m-%d %H:%M"), Text(s.name),
                          Text(s.content[:40]), _(sg.STATUS_LABELS.get(s.status, s.status)), outcome, key=str(s.id))

    def _current(self) -> int | None:
        table = self.query_one("#sg-table", DataTable)
        if not table.row_count:
            return None
        return int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0) or None

    def action_new(self) -> None:

        self.app.push_screen(StepDialog(_("New suggestion"), [("name", _("Name"), ""), ("unit", _("Unit"), ""),
                                                               ("phone", _("Phone"), ""),
                                                               ("content", _("Suggestion"), "")],
                                        submit=lambda v: sg.log(self.ctx, v["name"], v["content"], v["unit"],
                                                                v["phone"])),
                             lambda _v: self.action_reload())

    def action_report_to(self) -> None:

        sid = self._current()
        if sid is None:
            return

        names = sg.supervisors(self.ctx)
        hint = Content.from_markup("  ".join(f"[b]{i}[/b] {escape(n)}" for i, n in enumerate(names, 1)))
        self.app.push_screen(StepDialog(_("Report suggestion #{id}").format(id=sid),
                                        [("supervisor", _("Supervisor (number or name)"), "1" if len(names) == 1 else "")],
                                        hint, submit=lambda v: sg.report(self.ctx, sid, v["supervisor"])),
                             lambda _v: self.action_reload())

    def action_decide(self) -> None:

        sid = self._current()
        if sid is None:
            return
        hint = Content.from_markup("  ".join(f"[b]{i}[/b] {escape(_(label))}"
                                            for i, label in enumerate(sg.OUTCOMES.values(), 1)))
        self.app.push_screen(StepDialog(_("Decide suggestion #{id}").format(id=sid),
                                        [("outcome", _("Outcome"), ""), ("outcome_note", _("Note"), "")], hint,
                                        submit=lambda v: sg.decide(self.ctx, sid, v["outcome"].strip(),
                                                                   v["outcome_note"])),
                             lambda _v: self.action_reload())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:

        if action == "decide":  # only a supervisor decides: the front desk is not offered it
            return allowed(self.ctx.actor, SUPERVISORS)
        return True

    def report(self, exc: WuyeError) -> None:
        super().report(exc)
