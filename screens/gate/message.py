"""The gate desks' message line (``#gate-msg``) under the form: what the last action did,
as plain text. A save that failed or was cancelled replaces it (``show_storage_error``): the
line would otherwise still say "已登记：<the previous visitor>" while the form holds the next;
the toast says it too."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class GateMessage:
    def message(self, text: str, cls: str = "") -> None:
        msg = self.query_one("#gate-msg", Static)  # type: ignore[attr-defined]
        msg.set_classes(cls)
        msg.update(Text(text))

    def show_storage_error(self, line: str) -> bool:
        self.message(line, "-error")
        return False  # the App shows its toast as well
