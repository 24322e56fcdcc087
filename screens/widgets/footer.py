"""A Footer that translates binding descriptions when it draws them.

Bindings carry English message ids (``N_("Check in")``), so switching the language in
the app only needs the footer to recompose.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from wuye_tui.i18n import _


class WuyeFooter(Footer):
    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.description:
                widget.description = _(widget.description)
            yield widget
