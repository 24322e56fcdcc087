"""A supervisor's name and PIN, for overrides, acknowledgements and quitting a kiosk.

Returns the verified supervisor as an Actor, or None when cancelled.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.core import staff
from wuye_tui.services.core.context import Actor


class SupervisorPinDialog(ModalScreen[Actor | None]):
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]
    DEFAULT_CSS = """
    SupervisorPinDialog { align: center middle; }
    SupervisorPinDialog > Vertical { width: 60; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    SupervisorPinDialog #pin-error { color: $error; height: auto; }
    """

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.reason, id="pin-reason")
            yield Label(_("Supervisor name"))
            yield Input(id="sup-name")
            yield Label(_("PIN"))
            yield Input(id="sup-pin", password=True, max_length=8)
            yield Static("", id="pin-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "sup-name":
            self.query_one("#sup-pin", Input).focus()
            return

        name = self.query_one("#sup-name", Input).value
        pin = self.query_one("#sup-pin", Input).value
        try:
            actor = staff.verify_supervisor(self.app.ctx, name, pin)  # type: ignore[attr-defined]
        except WuyeError as exc:
            self.query_one("#pin-error", Static).update(str(exc))
            self.query_one("#sup-pin", Input).value = ""
            return
        self.dismiss(actor)

    def action_cancel(self) -> None:
        self.dismiss(None)
