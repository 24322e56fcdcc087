"""A report shown as tables over the whole screen (F6 on the reports desk): scroll with the
arrows and Page Up/Down, Esc returns."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from wuye_tui.i18n import N_


class ReportPreview(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", N_("Back"), id="preview-close")]
    DEFAULT_CSS = """
    ReportPreview { background: $background; }
    ReportPreview > VerticalScroll { height: 1fr; border: round $primary; padding: 0 1; }
    """

    def __init__(self, renderable: Any) -> None:
        super().__init__()
        self.renderable = renderable

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="preview-scroll"):
            yield Static(self.renderable, id="preview-body")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#preview-scroll", VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)
