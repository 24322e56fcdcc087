"""The frame every desk screen shares: status line, alert area, body, footer.

Subclasses implement ``compose_body``. ``self.ctx`` is the app's ServiceContext (acting
staff member and clock); ``self.report(exc)`` shows a domain error at its field when the
screen has a FormField of that name, else as a notification.

Database work: ``self.run_db(fn, *args, on_done=...)`` runs it in a thread worker and hands
the result (or the error, as one line) back on the UI thread; "保存中…" shows after a short
delay and Esc cancels. Storage errors raised anywhere in a screen become one line and the
screen is kept (``screens/faults.py`` explains both).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.core.context import ServiceContext

from .faults import StorageSafe
from .widgets.alert_bar import AlertBar
from .widgets.footer import WuyeFooter
from .widgets.form import show_at_field
from .widgets.status_bar import StatusBar


class WuyeScreen(StorageSafe, Screen):
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="back"),
    ]
    TITLE_ID = ""  # English id of the screen title

    @property
    def ctx(self) -> ServiceContext:
        return self.app.ctx  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status")
        yield AlertBar(id="alerts")
        yield from self.compose_body()
        yield WuyeFooter()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_screen_resume(self) -> None:
        refresh = getattr(self.app, "refresh_alerts_now", None)
        if refresh:
            refresh()

    def action_back(self) -> None:
        if self.db_busy:  # Esc while saving cancels the save, the screen stays
            self.cancel_db()
            return
        if len(self.app.screen_stack) > 1:  # the home screen is the bottom one
            self.app.pop_screen()

    def report(self, exc: WuyeError) -> None:

        if show_at_field(self, exc):
            return
        self.notify(exc.message, title=_("Not saved"), severity="error", timeout=6)
