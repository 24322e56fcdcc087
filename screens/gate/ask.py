"""A question answered with one explicit key (never Enter by accident).

``KeyChoiceDialog(title, lines, choices)`` shows the title and the lines as plain text (no
markup: names are user text) and one legend line per choice; ``choices`` is a list of
``(key, label, value)``, e.g. ``("y", _("Check out"), "out")``. Pressing a choice's key
dismisses the dialog with its value; Esc dismisses with None. Enter does nothing, so a
guard's habitual Enter never confirms a change. Used by the on-site board (check-out) and
the check-in form (a visitor already on site).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from wuye_tui.i18n import _


class KeyChoiceDialog(ModalScreen[Any]):
    DEFAULT_CSS = """
    KeyChoiceDialog { align: center middle; }
    KeyChoiceDialog > Vertical { width: 76; max-width: 100%; height: auto; border: thick $warning;
                                 background: $surface; padding: 0 1; }
    KeyChoiceDialog .ask-title { text-style: bold; }
    KeyChoiceDialog .ask-keys { color: $text; padding: 1 0 0 0; }
    """

    def __init__(self, title: str, lines: list[str], choices: list[tuple[str, str, Any]]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Static(Text(self.title_text), classes="ask-title", id="ask-title")
            for line in self.lines:
                yield Static(Text(line), classes="ask-line")
            keys = "   ".join(f"{k.upper()} {label}" for k, label, _v in self.choices)
            yield Static(Text(keys + "   " + _("Esc cancels")), classes="ask-keys", id="ask-keys")

    def on_key(self, event: events.Key) -> None:
        event.stop()
        event.prevent_default()
        if event.key == "escape":
            self.dismiss(None)
            return
        for key, _label, value in self.choices:
            if event.key == key or (event.character or "").lower() == key:
                self.dismiss(value)
                return
