"""Today's return visits (回访): one key per outcome, the method cycled with M; the
feedback of a visit is handled with H; supervisors plan a zone's quarter with P. G opens
the suggestions register."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _

from ..base import WuyeScreen
from .list import theme_colour
from .step_dialog import StepDialog


class ReturnVisitScreen(WuyeScreen):
    CSS_PATH = str(Path(__file__).with_name("complaints.tcss"))
    BINDINGS = [
        Binding("1", "outcome('satisfied')", N_("Satisfied"), id="rv-satisfied"),
        Binding("2", "outcome('issue')", N_("Feedback"), id="rv-issue"),
        Binding("3", "outcome('unreachable')", N_("Not reached"), id="rv-unreachable"),
        Binding("m", "cycle_method", N_("Method"), id="rv-method"),
        Binding("h", "handled", N_("Feedback handled"), id="rv-handled"),
        Binding("p", "plan_zone", N_("Plan zone"), id="rv-plan"),
        Binding("g", "suggestions", N_("Suggestions"), id="rv-suggestions"),
        Binding("f5", "reload", N_("Refresh"), id="reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.method_index = 1  # phone

    def compose_body(self) -> ComposeResult:
        yield Static(_("Return visits due today"), classes="title")
        yield Static("", id="rv-info", classes="subtitle")
        yield DataTable(id="rv-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#rv-table", DataTable)
        table.add_columns("#", _("Due"), _("Unit"), _("Resident"), _("Phone"), _("From"), _("Complaint"))
        self.action_reload()
        table.focus()

    def _method(self):  # type: ignore[no-untyped-def]
        from wuye_tui.reference import load_reference

        methods = load_reference().return_visit_methods
        return methods[self.method_index % len(methods)]

    def _info(self) -> None:
        from wuye_tui.services import return_visits

        waiting = len(return_visits.unhandled(self.ctx, limit=500))
        self.query_one("#rv-info", Static).update(
            _("Method: {m} (M to change)  Feedback waiting to be handled: {n}  Keys 1/2/3 record the outcome")
            .format(m=self._method().label, n=waiting))

    def action_reload(self) -> None:
        from wuye_tui.services import return_visits

        try:
            rows = return_visits.due_list(self.ctx, limit=200)
        except WuyeError as exc:
            self.report(exc)
            return
        table = self.query_one("#rv-table", DataTable)
        table.clear()
        red = theme_colour(self.app, "error", "red")
        for r in rows:
            v = r.visit
            style = f"bold {red}" if r.overdue else ""
            source = _("complaint") if v.source == "complaint" else f"{v.zone} {v.quarter}"
            cells = [str(v.id), str(v.due_date), r.unit_code or "-", r.resident or "-", r.phone or "-", source,
                     f"#{v.complaint_id}" if v.complaint_id else ""]
            table.add_row(*[Text(c, style=style) for c in cells], key=str(v.id))
        self._info()

    def _current(self) -> int | None:
        table = self.query_one("#rv-table", DataTable)
        if not table.row_count:
            self.notify(_("No visit selected"))
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value else None

    def action_cycle_method(self) -> None:
        self.method_index += 1
        self._info()

    def action_outcome(self, outcome: str) -> None:
        from wuye_tui.services import return_visits

        vid = self._current()
        if vid is None:
            return
        method = self._method().code
        if outcome == "issue":
            def done(values) -> None:  # type: ignore[no-untyped-def]
                self.action_reload()

            self.app.push_screen(StepDialog(_("Feedback from the visit"), [("feedback", _("Feedback"), "")],
                                            submit=lambda v: return_visits.record(self.ctx, vid, "issue", method,
                                                                                  v["feedback"])), done)
            return
        try:
            return_visits.record(self.ctx, vid, outcome, method)
        except WuyeError as exc:
            self.report(exc)
            return
        self.notify(_("Return visit #{id} recorded").format(id=vid))
        self.action_reload()

    def action_handled(self) -> None:
        from wuye_tui.services import return_visits

        waiting = return_visits.unhandled(self.ctx, limit=1)
        if not waiting:
            self.notify(_("No feedback waiting to be handled"))
            return
        v = waiting[0]
        self.app.push_screen(StepDialog(_("Feedback handled (visit #{id})").format(id=v.id),
                                        [("note", _("What was done"), "")], v.feedback,
                                        submit=lambda vals: return_visits.mark_handled(self.ctx, v.id, vals["note"])),
                             lambda _v: self.action_reload())

    def action_plan_zone(self) -> None:
        from wuye_tui.services import return_visits

        zones = "  ".join(return_visits.zones(self.ctx))
        self.app.push_screen(StepDialog(_("Plan a zone's quarterly visits"),
                                        [("zone", _("Zone"), ""), ("quarter", _("Quarter (e.g. 2026Q1)"), ""),
                                         ("due", _("Due date (YYYY-MM-DD)"), "")], zones,
                                        submit=lambda v: return_visits.plan_zone(self.ctx, v["zone"], v["quarter"],
                                                                                 v["due"])),
                             lambda _v: self.action_reload())

    def action_suggestions(self) -> None:
        from .suggestions import SuggestionScreen

        self.app.push_screen(SuggestionScreen())
