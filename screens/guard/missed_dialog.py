"""Reasons for missed patrol rounds (漏巡原因), for the rounds of one shift.

Opened with F7 from the patrol screen (the current shift) and from the handover screen
(the handover's shift, with the highlighted missed round preselected). The list shows
every missed round of the shift and the reason already given; the guard picks a round
(arrows), a reason code from data/ and an optional note, and saves with F2. The dialog
stays open so several rounds can be explained in a row; Esc returns the number saved.
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Input, Select, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.reference import load_reference
from wuye_tui.services.guard import patrol
from wuye_tui.services.guard.patrol import Slot

from .dutylog import CSS, _options


class MissedRoundDialog(ModalScreen[int]):
    """Give reasons for the missed rounds scheduled in [start, end)."""

    CSS_PATH = CSS
    BINDINGS = [
        Binding("f2", "save", N_("Save reason"), id="missed-save"),
        Binding("escape", "close", N_("Back"), id="missed-close"),
    ]

    def __init__(self, start: datetime, end: datetime, heading: str = "",
                 focus_slot: tuple[str, datetime] | None = None) -> None:
        super().__init__()
        self.start, self.end = start, end
        self.heading = heading
        self.focus_slot = focus_slot
        self.slots: list[Slot] = []
        self.saved = 0

    @property
    def ctx(self):  # type: ignore[no-untyped-def]
        return self.app.ctx  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        with Vertical(id="missed-box"):
            yield Static(self.heading or _("Reasons for missed rounds"), classes="cp-title", id="missed-title")
            yield DataTable(id="missed-table", cursor_type="row")
            yield Static("", id="missed-empty", classes="guard-msg")
            yield Select(_options("missed_round_reason"), prompt=_("Reason"), id="sel-missed-reason")
            yield Static("", id="err-reason", classes="guard-error")
            # one full-width input below the Select: its list opens over widgets without
            # inner edges, where a wide character would be cut
            yield Input(placeholder=_("Note (optional): what happened"), id="in-note")
            yield Static("", id="err-note", classes="guard-error")
            yield Static(_("Up/Down choose a round, Tab to the reason and the note, F2 saves, Esc returns."),
                         classes="guard-msg")
            yield Static("", id="missed-error", classes="guard-error")

    def on_mount(self) -> None:
        table = self.query_one("#missed-table", DataTable)
        table.add_column(_("Route"), width=20)
        table.add_column(_("Scheduled"), width=11)
        table.add_column(_("Reason"), width=28)
        self.reload(focus=self.focus_slot)
        table.focus()

    # ---- list -------------------------------------------------------------------------

    def reload(self, focus: tuple[str, datetime] | None = None) -> None:
        ref = load_reference()
        table = self.query_one("#missed-table", DataTable)
        table.clear()
        try:
            self.slots = patrol.missed_rounds(self.ctx, self.start, self.end)
        except WuyeError as exc:
            self.slots = []
            self._say("#missed-error", str(exc))
        for s in self.slots:
            reason = ref.label("missed_round_reason", s.reason) if s.reason else _("(no reason yet)")
            table.add_row(ref.label("route", s.route), self.ctx.local(s.at).strftime("%m-%d %H:%M"), reason,
                          key=f"{s.route}@{s.at.isoformat()}")
        self._say("#missed-empty", "" if self.slots else _("No round of this shift was missed."))
        if not self.slots:
            return
        target = None
        if focus is not None:
            target = next((i for i, s in enumerate(self.slots) if (s.route, s.at) == focus), None)
        if target is None:  # the first round still without a reason
            target = next((i for i, s in enumerate(self.slots) if not s.reason), 0)
        table.move_cursor(row=target)

    def selected(self) -> Slot | None:
        table = self.query_one("#missed-table", DataTable)
        if not self.slots or not table.row_count:
            return None
        return self.slots[min(table.cursor_row, len(self.slots) - 1)]

    # ---- saving -----------------------------------------------------------------------

    def _say(self, where: str, message: str) -> None:
        """A message line, shown only when it has something to say."""
        line = self.query_one(where, Static)
        line.update(message)
        line.display = bool(message)

    def _clear_errors(self) -> None:
        self._say("#err-reason", "")
        self.query_one("#sel-missed-reason", Select).remove_class("-invalid")
        self._say("#missed-error", "")
        self._say("#err-note", "")
        self.query_one("#in-note", Input).remove_class("-invalid")

    def _show(self, exc: WuyeError) -> None:
        where = {"reason": ("#err-reason", "#sel-missed-reason"), "note": ("#err-note", "#in-note")}
        if isinstance(exc, ValidationError) and exc.field in where:
            line, widget = where[exc.field]
            self._say(line, exc.message)
            self.query_one(widget).add_class("-invalid")
            self.query_one(widget).focus()
        else:
            self._say("#missed-error", getattr(exc, "message", "") or str(exc))

    def action_save(self) -> None:
        self._clear_errors()
        slot = self.selected()
        if slot is None:
            self._say("#missed-error", _("No missed round to explain."))
            return
        if slot.reason:
            self._say("#missed-error", _("A reason was already given for this round"))
            return
        reason = self.query_one("#sel-missed-reason", Select).value
        note = self.query_one("#in-note", Input).value
        try:
            patrol.explain_missed(self.ctx, slot.route, slot.at, "" if reason is Select.NULL else reason, note)
        except WuyeError as exc:
            self._show(exc)
            return
        self.saved += 1
        self.query_one("#in-note", Input).value = ""
        self.notify(_("Reason recorded for {slot}").format(slot=patrol.slot_title(slot, self.ctx)))
        self.reload()
        self.query_one("#missed-table", DataTable).focus()

    def action_close(self) -> None:
        self.dismiss(self.saved)
