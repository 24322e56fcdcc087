"""Login: type (or pick) the staff name, then the PIN. Shown before the database is open;
the app fills in the names when its worker has opened it. On a new database it asks for
the first supervisor instead."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _

from .faults import StorageSafe
from .widgets.footer import WuyeFooter


class LoginScreen(StorageSafe, Screen):
    BINDINGS = [
        Binding("f11", "app.toggle_language", N_("中文/English"), id="language"),
        Binding("ctrl+q", "app.request_quit", N_("Quit"), id="quit", priority=True),
        Binding("escape", "cancel", N_("Cancel"), id="cancel", show=False),
    ]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box"):
            yield Static(getattr(self.app, "site_name", "") or _("wuye"), id="login-site", classes="title")
            yield Static(_("Staff login"), classes="subtitle")
            yield Label(_("Name"))
            yield Input(id="login-name", placeholder=_("type your name"))
            yield Label(_("PIN"))
            yield Input(id="login-pin", password=True, max_length=8, placeholder=_("4-8 digits"))
            yield Static(_("Opening the database..."), id="login-message")
            yield Static("", id="login-names", classes="hint")
        yield WuyeFooter()

    _typed_ahead = False  # Enter on the PIN came before the database was open

    def on_mount(self) -> None:
        self.query_one("#login-name", Input).focus()
        if getattr(self.app, "db_ready", False):
            self.database_ready()

    def database_ready(self) -> None:
        self.show_names()
        self.query_one("#login-message", Static).update("")
        if self._typed_ahead:  # the login typed while the database opened: check it now
            self._typed_ahead = False
            self.attempt()

    def show_names(self) -> None:
        """The site and the staff names (from the first look at the file, or the open database)."""
        names = getattr(self.app, "staff_names", [])
        self.query_one("#login-name", Input).suggester = SuggestFromList([n for n, _r in names])
        self.query_one("#login-site", Static).update(getattr(self.app, "site_name", "") or _("wuye"))
        if names:
            self.query_one("#login-names", Static).update(_("Staff: ") + "  ".join(n for n, _r in names[:12]))

    def _release_keys(self) -> None:
        order = getattr(self.app, "key_order", None)
        if order is not None:
            order.unblock()

    def database_failed(self, message: str) -> None:
        self.query_one("#login-message", Static).update(message)
        self._release_keys()

    def show_storage_error(self, line: str) -> bool:
        self.database_failed(line)
        return True

    def show_busy(self, text: str | None) -> None:
        super().show_busy(text)
        if text:
            self.query_one("#login-message", Static).update(text)

    def action_cancel(self) -> None:
        self.cancel_db()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "login-name":
            self.query_one("#login-pin", Input).focus()
            return
        self.attempt()

    def attempt(self) -> None:
        """Check the PIN and open the session in a worker (the screen stays live)."""
        if not getattr(self.app, "db_ready", False):
            # typed ahead while the database opens: kept, and completed when it is ready
            self._typed_ahead = True
            order = getattr(self.app, "key_order", None)
            if order is not None:
                order.block()  # keys after this Enter wait for the login to finish
            down = getattr(self.app, "db_down", None)
            self.query_one("#login-message", Static).update(
                down or _("Opening the database... logging in when ready"))
            return
        name = self.query_one("#login-name", Input).value.strip()
        pin_input = self.query_one("#login-pin", Input)
        order = getattr(self.app, "key_order", None)
        if order is not None:
            order.block()  # keys typed during the check go to the home screen, once it is up
        self.run_db(self.app.log_in_db, name, pin_input.value,  # type: ignore[attr-defined]
                    on_done=self._logged_in, on_error=self._login_failed, busy=N_("Checking..."), delay=0.3)

    def _logged_in(self, result) -> None:  # type: ignore[no-untyped-def]
        self.app.finish_login(*result)  # type: ignore[attr-defined]
        order = getattr(self.app, "key_order", None)
        if order is not None:
            self.app.call_after_refresh(order.unblock)

    def _login_failed(self, exc: BaseException) -> None:
        self._release_keys()
        if isinstance(exc, WuyeError) and not hasattr(exc, "kind"):
            self.query_one("#login-message", Static).update(str(exc))
            pin_input = self.query_one("#login-pin", Input)
            pin_input.value = ""
            pin_input.focus()
            return
        self.show_failure(exc, self.attempt)


class FirstSupervisorScreen(StorageSafe, Screen):
    """A new database: create the first supervisor."""

    BINDINGS = [Binding("ctrl+q", "app.request_quit", N_("Quit"), id="quit", priority=True)]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box"):
            yield Static(_("New database: create the first supervisor"), classes="title")
            yield Label(_("Name"))
            yield Input(id="first-name")
            yield Label(_("PIN (4-8 digits)"))
            yield Input(id="first-pin", password=True, max_length=8)
            yield Label(_("PIN again"))
            yield Input(id="first-pin2", password=True, max_length=8)
            yield Static("", id="login-message")
        yield WuyeFooter()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        order = ["first-name", "first-pin", "first-pin2"]
        idx = order.index(event.input.id or "first-name")
        if idx < 2:
            self.query_one(f"#{order[idx + 1]}", Input).focus()
            return
        from wuye_tui.services.core import staff

        name = self.query_one("#first-name", Input).value
        pin = self.query_one("#first-pin", Input).value
        message = self.query_one("#login-message", Static)
        if pin != self.query_one("#first-pin2", Input).value:
            message.update(_("The two PINs differ"))
            return
        def create():  # type: ignore[no-untyped-def]
            staff.create_first_supervisor(self.app.ctx, name, pin)  # type: ignore[attr-defined]
            return self.app.log_in_db(name.strip(), pin)  # type: ignore[attr-defined]

        self.run_db(create, on_done=lambda r: self.app.finish_login(*r),  # type: ignore[attr-defined]
                    on_error=lambda exc: message.update(str(exc)) if isinstance(exc, WuyeError)
                    else self.show_failure(exc))

    def show_storage_error(self, line: str) -> bool:
        self.query_one("#login-message", Static).update(line)
        return True
