"""Today's return visits (回访): one key per outcome, the method cycled with M; H handles
one feedback item chosen from the list of those waiting; supervisors plan a zone's
quarter with P and the director's visit with D; O records the half-yearly residents'
forum. A household not reached (3) comes back the next day until the configured number of
attempts on different days is reached. G opens the suggestions register."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.reference import load_reference
from wuye_tui.services.complaints import return_visits
from wuye_tui.services.core.permissions import SUPERVISORS, allowed

from ..base import WuyeScreen
from .list import theme_colour
from .step_dialog import StepDialog
from .suggestions import SuggestionScreen


class ReturnVisitScreen(WuyeScreen):
    CSS_PATH = str(Path(__file__).with_name("complaints.tcss"))
    BINDINGS = [
        Binding("1", "outcome('satisfied')", N_("Satisfied"), id="rv-satisfied"),
        Binding("2", "outcome('issue')", N_("Feedback"), id="rv-issue"),
        Binding("3", "outcome('unreachable')", N_("Not reached"), id="rv-unreachable"),
        Binding("m", "cycle_method", N_("Method"), id="rv-method"),
        Binding("h", "handled", N_("Feedback handled"), id="rv-handled"),
        Binding("p", "plan_zone", N_("Plan zone"), id="rv-plan"),
        Binding("d", "plan_director", N_("Director's visit"), id="rv-director"),
        Binding("o", "forum", N_("Residents' forum"), id="rv-forum"),
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

        methods = load_reference().return_visit_methods
        return methods[self.method_index % len(methods)]

    def _info(self) -> None:

        waiting = len(return_visits.unhandled(self.ctx, limit=500))
        self.query_one("#rv-info", Static).update(
            _("Method: {m} (M to change)  Feedback waiting to be handled: {n}  Keys 1/2/3 record the outcome")
            .format(m=self._method().label, n=waiting))

    def action_reload(self) -> None:

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
            source = return_visits.source_label(v)
            if v.attempts:
                source += "  " + _("attempts {n}/{m}").format(n=v.attempts, m=return_visits.attempts_needed())
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
        self.run_db(return_visits.record, self.ctx, vid, outcome, method,
                    on_done=lambda rv: self._recorded(vid, rv), on_error=self.report)

    def _recorded(self, vid: int, rv) -> None:  # type: ignore[no-untyped-def]
        if rv.status == "planned":
            self.notify(_("Attempt {n} of {m} recorded: try again on another day").format(
                n=rv.attempts, m=return_visits.attempts_needed()), timeout=8)
        else:
            self.notify(_("Return visit #{id} recorded").format(id=vid))
        self.action_reload()

    def action_handled(self) -> None:
        """Choose which waiting feedback item was handled (by its number in the list)."""


        waiting = return_visits.unhandled(self.ctx, limit=9)
        if not waiting:
            self.notify(_("No feedback waiting to be handled"))
            return
        lines = [f"[b]{i}[/b] #{v.id} {escape(return_visits.source_label(v))}：{escape(v.feedback[:50])}"
                 for i, v in enumerate(waiting, 1)]

        if len(waiting) == 1:
            v = waiting[0]
            self.app.push_screen(StepDialog(_("Feedback handled (visit #{id})").format(id=v.id),
                                            [("note", _("What was done"), "")], Content.from_markup("\n".join(lines)),
                                            submit=lambda vals: return_visits.mark_handled(self.ctx, v.id,
                                                                                           vals["note"])),
                                 lambda _v: self.action_reload())
            return

        def submit(vals: dict[str, str]) -> object:
            text = vals["item"].strip()
            if not text.isdigit() or not 1 <= int(text) <= len(waiting):
                raise ValidationError("item", _("Choose a number from 1 to {n}").format(n=len(waiting)))
            return return_visits.mark_handled(self.ctx, waiting[int(text) - 1].id, vals["note"])

        self.app.push_screen(StepDialog(_("Feedback handled"),
                                        [("item", _("Feedback item (number)"), ""),
                                         ("note", _("What was done"), "")], Content.from_markup("\n".join(lines)), submit=submit),
                             lambda _v: self.action_reload())

    def action_plan_director(self) -> None:

        self.app.push_screen(StepDialog(_("Plan the director's home visit"),
                                        [("unit", _("Unit"), ""), ("due", _("Due date (YYYY-MM-DD)"), "")],
                                        _("At most two a year for a household."),
                                        submit=lambda v: return_visits.plan_director(self.ctx, v["unit"], v["due"])),
                             lambda _v: self.action_reload())

    def action_forum(self) -> None:

        self.app.push_screen(StepDialog(_("Residents' forum (one each half-year)"),
                                        [("half", _("Half-year (e.g. 2026H1)"), ""),
                                         ("held_on", _("Held on (YYYY-MM-DD)"), ""),
                                         ("feedback", _("Feedback to handle (empty: none)"), "")],
                                        submit=lambda v: return_visits.record_forum(self.ctx, v["half"], v["held_on"],
                                                                                    v["feedback"])),
                             lambda _v: self.action_reload())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:

        if action in ("plan_zone", "plan_director"):
            return allowed(self.ctx.actor, SUPERVISORS)
        return True

    def action_plan_zone(self) -> None:

        zones = "  ".join(return_visits.zones(self.ctx))
        self.app.push_screen(StepDialog(_("Plan a zone's quarterly visits"),
                                        [("zone", _("Zone"), ""), ("quarter", _("Quarter (e.g. 2026Q1)"), ""),
                                         ("due", _("Due date (YYYY-MM-DD)"), "")], zones,
                                        submit=lambda v: return_visits.plan_zone(self.ctx, v["zone"], v["quarter"],
                                                                                 v["due"])),
                             lambda _v: self.action_reload())

    def action_suggestions(self) -> None:

        self.app.push_screen(SuggestionScreen())
