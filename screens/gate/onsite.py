"""On site now (在场人员): visitors and strange vehicles inside, time in and time on site,
overstays written out (超时). The board opens with the focus in its find box: typing a
name or plate filters both tables; Enter moves to the visitors. Space marks several (a
group). Enter or F5 asks to check out the marked rows, or the highlighted one, showing the
names: Y confirms (a vehicle that came with the visitor leaves too, N keeps it inside),
Esc cancels. F4 undoes the last check-out for a few minutes (same guard). F6 lets a
vehicle out; a vehicle whose driver has left is flagged."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.reference import load_reference
from wuye_tui.services.gate import vehicles as gate_vehicles
from wuye_tui.services.gate import visits as gate_visits

from ..base import WuyeScreen
from .ask import KeyChoiceDialog
from .devices import OnSiteScans
from .message import GateMessage
from .reveal import reveal_visit_id


def _duration(now: datetime, since: datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    return f"{minutes // 60}:{minutes % 60:02d}"


class OnSiteScreen(GateMessage, OnSiteScans, WuyeScreen):
    CSS_PATH = "gate.tcss"
    BINDINGS = [
        Binding("f5", "checkout", N_("Check out"), id="checkout"),
        Binding("f4", "undo", N_("Undo check-out"), id="undo"),
        Binding("space", "mark", N_("Mark"), id="mark"),
        Binding("f6", "vehicle_out", N_("Vehicle out"), id="vehicle_out"),
        Binding("f7", "refresh", N_("Refresh"), id="refresh"),
        Binding("f3", "reveal", N_("Reveal ID"), id="reveal"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.marked: set[int] = set()
        self.rows: list = []  # type: ignore[type-arg]
        self.last_out: list[int] = []  # the visits of the last check-out, for undo

    def compose_body(self) -> ComposeResult:
        with Vertical(id="gate-body"):
            yield Static(_("On site now"), classes="title", id="onsite-title")
            yield Input(placeholder=_("Find by name or plate"), id="onsite-find", max_length=20)
            yield DataTable(id="onsite-table", cursor_type="row", zebra_stripes=True)
            yield Static(_("Strange vehicles inside"), classes="subtitle")
            yield DataTable(id="vehicles-table", cursor_type="row")
            yield Static("", id="gate-msg")

    def on_mount(self) -> None:
        t = self.query_one("#onsite-table", DataTable)
        t.add_columns(_("Mark"), _("No."), _("Name"), _("People"), _("Host unit"), _("Purpose"), _("Plate"),
                      _("ID number"), _("Time in"), _("On site"), _("State"))
        v = self.query_one("#vehicles-table", DataTable)
        v.add_columns(_("Plate"), _("Kind"), _("Driver"), _("Host unit"), _("Time in"), _("On site"), _("State"))
        self.action_refresh()
        self.query_one("#onsite-find", Input).focus()

    def action_refresh(self) -> None:

        text = self.query_one("#onsite-find", Input).value.strip()
        try:
            self.rows = gate_visits.find_on_site(self.ctx, text) if text else gate_visits.on_site(self.ctx)
            vehicles = gate_vehicles.vehicles_on_site(self.ctx, find=text)
        except WuyeError as exc:
            self.report(exc)
            return
        self._fill_table()
        ref = __import__("wuye_tui.reference", fromlist=["load_reference"]).load_reference()
        now = self.ctx.now()
        v = self.query_one("#vehicles-table", DataTable)
        v.clear()
        for r in vehicles:
            style = "bold red" if r.overstay or r.driver_left else ""
            state = "  ".join(x for x in (_("overstay") if r.overstay else "",
                                          _("driver left") if r.driver_left else "") if x)
            v.add_row(Text(r.plate, style=style), ref.label("vehicle_kind", r.kind), Text(r.driver), Text(r.unit),
                      f"{self.ctx.local(r.in_at):%m-%d %H:%M}", _duration(now, r.in_at), Text(state, style=style),
                      key=r.plate)
        people = sum(r.headcount for r in self.rows)
        self.query_one("#onsite-title", Static).update(
            _("On site now: {n} visits, {p} people, {v} strange vehicles").format(n=len(self.rows), p=people,
                                                                                  v=len(vehicles)))

    def _fill_table(self) -> None:

        ref = load_reference()
        now = self.ctx.now()
        t = self.query_one("#onsite-table", DataTable)
        t.clear()
        for r in self.rows:
            style = "bold red" if r.overstay else ""
            t.add_row("*" if r.visit_id in self.marked else "", str(r.visit_id), Text(r.name, style=style),
                      str(r.headcount), Text(r.unit), ref.label("visit_purpose", r.purpose), Text(r.plate),
                      Text(r.id_masked),
                      f"{self.ctx.local(r.checked_in_at):%m-%d %H:%M}", _duration(now, r.checked_in_at),
                      Text(_("overstay"), style=style) if r.overstay else "", key=str(r.visit_id))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "onsite-find":
            self.action_refresh()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#onsite-table", DataTable).focus()

    def _current(self) -> int | None:
        t = self.query_one("#onsite-table", DataTable)
        if not self.rows or t.cursor_row is None or t.cursor_row >= len(self.rows):
            return None
        return self.rows[t.cursor_row].visit_id

    def action_mark(self) -> None:
        vid = self._current()
        if vid is None:
            return
        self.marked ^= {vid}
        t = self.query_one("#onsite-table", DataTable)
        row = t.cursor_row
        self._fill_table()
        t.move_cursor(row=min(row + 1, len(self.rows) - 1))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.data_table.id == "onsite-table":
            self.action_checkout()
        elif event.data_table.id == "vehicles-table":
            self.action_vehicle_out()

    def action_checkout(self) -> None:
        """Ask first: the names leaving, and whether their vehicle leaves with them."""


        ids = sorted(self.marked) if self.marked else [v for v in [self._current()] if v is not None]
        if not ids:
            return
        try:
            previews = [gate_visits.check_out_preview(self.ctx, vid) for vid in ids]
        except WuyeError as exc:
            self.message(exc.message, "-error")
            return
        lines = [_("{name}  {unit}  {n} people  (No. {id})").format(name=p.name, unit=p.unit, n=p.headcount,
                                                                   id=p.visit_id) for p in previews]
        plates = [p.plate for p in previews if p.plate]
        if plates:
            lines.append(_("Came by vehicle: {plates}").format(plates=" ".join(plates)))
            choices = [("y", _("Check out, the vehicle leaves too"), "with"),
                       ("n", _("Check out, the vehicle stays inside"), "alone")]
        else:
            choices = [("y", _("Check out"), "alone")]
        title = (_("Check out {n} visitors?").format(n=len(ids)) if len(ids) > 1
                 else _("Check out {name}?").format(name=previews[0].name))

        def done(answer) -> None:  # type: ignore[no-untyped-def]
            if answer is not None:
                self._do_checkout(ids, [p.name for p in previews], answer == "with")

        self.app.push_screen(KeyChoiceDialog(title, lines, choices), done)

    def _do_checkout(self, ids: list[int], names: list[str], with_vehicle: bool) -> None:
        """The check-out is written in a worker (``run_db``); the board says so once committed."""

        def write() -> str:
            if len(ids) > 1:
                n = gate_visits.check_out_group(self.ctx, ids, with_vehicle=with_vehicle)
                return _("Checked out {n} visits together").format(n=n)
            gate_visits.check_out(self.ctx, ids[0], with_vehicle=with_vehicle)
            return _("Checked out {name} (No. {id})").format(name=names[0], id=ids[0])

        def done(text: str) -> None:
            self.last_out = ids
            self.marked.clear()
            self.message(text + "  " + _("F4 undoes it within {n} minutes").format(n=gate_visits.UNDO_MINUTES))
            self.action_refresh()

        def refused(exc: WuyeError) -> None:
            self.message(exc.message, "-error")
            self.notify(exc.message, severity="error")
            self.marked.clear()
            self.action_refresh()

        self.run_db(write, on_done=done, on_error=refused)

    def action_undo(self) -> None:

        if not self.last_out:
            self.message(_("Nothing to undo"), "-warn")
            return

        def done(n: int) -> None:
            self.last_out = []
            self.message(_("Check-out undone: {n} back on site").format(n=n), "-warn")
            self.action_refresh()

        self.run_db(gate_visits.undo_check_out, self.ctx, self.last_out, on_done=done,
                    on_error=lambda exc: self.message(exc.message, "-error"))

    def action_vehicle_out(self) -> None:

        v = self.query_one("#vehicles-table", DataTable)
        if v.row_count == 0 or v.cursor_row is None:
            return
        plate = str(v.coordinate_to_cell_key(v.cursor_coordinate).row_key.value)

        def done(_m: object) -> None:
            self.message(_("Vehicle {plate} left").format(plate=plate))
            self.action_refresh()

        self.run_db(gate_vehicles.vehicle_out, self.ctx, plate, on_done=done,
                    on_error=lambda exc: self.message(exc.message, "-error"))

    def action_reveal(self) -> None:
        vid = self._current()
        if vid is None:
            return

        reveal_visit_id(self, vid)
