"""Confirm a one-key action on a record by naming it ("Return key K0102 (配电房), lent to
李师傅?"): Enter or F2 confirms, Esc cancels. Returns True or False."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from wuye_tui.i18n import N_, _


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="confirm-cancel"),
        Binding("enter", "confirm", N_("Confirm"), id="confirm-enter", priority=True),
        Binding("f2", "confirm", N_("Confirm"), id="confirm-f2", priority=True),
    ]
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 70; max-width: 95%; height: auto; border: thick $warning;
                               background: $surface; padding: 1 2; }
    ConfirmDialog #confirm-text { height: auto; padding: 1 0; }
    """

    def __init__(self, title: str, text: str) -> None:
        super().__init__()
        self.title_text = title
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.title_text), classes="title", id="confirm-title")
            yield Static(Text(self.text), id="confirm-text")
            yield Static(_("Enter or F2 confirms; Esc cancels."), classes="hint")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
