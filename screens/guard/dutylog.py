"""Duty log (值班记录): write an entry by post with type and severity; incidents stay
open until closed with a note; a major type escalates at once."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, DataTable, Select, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.reference import load_reference
from wuye_tui.services.guard import dutylog

from ..base import WuyeScreen
from ..widgets.form import FormField
from .confirm import ConfirmDialog

CSS = str(Path(__file__).with_name("guard.tcss"))
PAGE = 50


def _options(collection: str) -> list[tuple[str, str]]:
    ref = load_reference()
    return [(o.label, o.code) for o in getattr(ref, ref.COLLECTIONS[collection])]


class DutyLogScreen(WuyeScreen):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("f2", "save", N_("Save entry"), id="dutylog-save"),
        Binding("f4", "close_incident", N_("Close incident"), id="dutylog-close"),
        Binding("f5", "reload", N_("Refresh"), id="dutylog-reload"),
        Binding("f6", "toggle_open", N_("Open incidents only"), id="dutylog-open-only"),
        Binding("pagedown", "older", N_("Older"), id="dutylog-older", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.open_only = False
        self.last_id: int | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("Duty log"), classes="title")
        with Vertical(classes="guard-form"):
            with Horizontal(classes="guard-row"):
                yield Select(_options("post"), prompt=_("Post"), id="sel-post", value="main_gate")
                yield Select(_options("duty_type"), prompt=_("Type"), id="sel-type", value="security")
                yield Select(_options("severity"), prompt=_("Severity"), id="sel-severity", value="info")
                yield Select(_options("major_type"), prompt=_("Major type (escalates)"), id="sel-major")
                yield Checkbox(_("Incident"), id="chk-incident")
            yield FormField(_("Entry"), "text", placeholder=_("What happened, where, what was done"))
            yield FormField(_("Close note"), "close_note", placeholder=_("How the selected incident was settled (F4)"))
        yield DataTable(id="duty-table", cursor_type="row", classes="guard-table")

    def on_mount(self) -> None:
        table = self.query_one("#duty-table", DataTable)
        table.add_columns("#", _("Time"), _("Post"), _("Type"), _("Severity"), _("Status"), _("Text"), _("By"))
        self.action_reload()
        self.query_one("#in-text").focus()

    # ---- list -----------------------------------------------------------------------

    def _add_rows(self, rows: list[dutylog.EntryRow]) -> None:
        ref = load_reference()
        table = self.query_one("#duty-table", DataTable)
        status = {"open": _("incident open"), "closed": _("closed"), "": ""}  # not "open" (a complaint's 待回复)
        for r in rows:
            e = r.entry
            mark = status.get(e.status, e.status)
            if e.major_type:
                mark = Text(f"{mark}!", style="bold")  # type: ignore[assignment]
            table.add_row(str(e.id), self.ctx.local(e.at).strftime("%m-%d %H:%M"), ref.label("post", e.post),
                          ref.label("duty_type", e.duty_type), ref.label("severity", e.severity), mark,
                          e.text.replace("\n", " ")[:40], r.staff_name, key=str(e.id))
            self.last_id = e.id

    def action_reload(self) -> None:
        self.query_one("#duty-table", DataTable).clear()
        self.last_id = None
        try:
            self._add_rows(dutylog.list_entries(self.ctx, limit=PAGE, open_only=self.open_only))
        except WuyeError as exc:
            self.report(exc)

    def action_older(self) -> None:
        if self.last_id is None:
            return
        try:
            self._add_rows(dutylog.list_entries(self.ctx, before_id=self.last_id, limit=PAGE,
                                                open_only=self.open_only))
        except WuyeError as exc:
            self.report(exc)

    def action_toggle_open(self) -> None:
        self.open_only = not self.open_only
        self.action_reload()

    # ---- write ------------------------------------------------------------------------

    def _select(self, sel_id: str) -> str:
        value = self.query_one(sel_id, Select).value
        return "" if value is Select.NULL or value is None else str(value)

    def action_save(self) -> None:
        """Checked here, written in a worker (``run_db``); the form clears once committed."""
        try:
            text = self.query_one("#field-text", FormField).validate_now()
        except ValidationError as exc:
            self.report(exc)
            return

        def refused(exc: WuyeError) -> None:
            if isinstance(exc, ValidationError) and exc.field in ("post", "duty_type", "severity", "major_type"):
                self.notify(exc.message, title=_("Not saved"), severity="error")
                return
            self.report(exc)

        def saved(entry) -> None:  # type: ignore[no-untyped-def]
            self.query_one("#field-text", FormField).set_value("")
            self.query_one("#chk-incident", Checkbox).value = False
            self.query_one("#sel-major", Select).clear()
            msg = _("Saved entry #{id}").format(id=entry.id)
            if entry.escalation_id:
                msg += " " + _("and escalated to the supervisors")
            self.notify(msg)
            self.action_reload()

        self.run_db(dutylog.add_entry, self.ctx, self._select("#sel-post"), self._select("#sel-type"),
                    self._select("#sel-severity"), text or "",
                    incident=self.query_one("#chk-incident", Checkbox).value,
                    major_type=self._select("#sel-major"), on_done=saved, on_error=refused)

    def selected_id(self) -> int | None:
        table = self.query_one("#duty-table", DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key else None

    def action_close_incident(self) -> None:
        entry_id = self.selected_id()
        if entry_id is None:
            self.notify(_("Select an incident in the list first"), severity="warning")
            return

        field = self.query_one("#field-close_note", FormField)
        try:
            if not field.raw.strip():  # the note first: nothing is asked for a close that would be refused
                dutylog.close_incident(self.ctx, entry_id, field.raw)
            row = dutylog.get_entry(self.ctx, entry_id)
        except WuyeError as exc:
            self.report(exc)
            return

        def done(ok: bool | None) -> None:
            if not ok:
                return
            self.run_db(dutylog.close_incident, self.ctx, entry_id, field.raw, on_done=closed,
                        on_error=self.report)

        def closed(_entry: object) -> None:
            field.set_value("")
            self.notify(_("Incident #{id} closed").format(id=entry_id))
            self.action_reload()

        text = _("Incident #{id}: {text}").format(id=entry_id, text=row.entry.text[:300])
        self.app.push_screen(ConfirmDialog(_("Close this incident?"), text), done)
