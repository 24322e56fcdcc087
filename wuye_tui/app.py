"""The Textual App: login first (the database opens in a worker), a home screen per role,
idle lock, alert polling, kiosk mode and the language switch. Screens live in ``screens``.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

import screens
from screens.faults import StorageSafe
from screens.login import FirstSupervisorScreen, LoginScreen

from .app_alerts import ALERT_POLL_SECONDS, NOTIFY_SEND_SECONDS, REMINDER_CHECK_SECONDS, AlertsMixin
from .app_faults import RECONNECT_BACKOFF, StorageFaultsMixin
from .clock import Clock, SystemClock
from .config import terminal_name
from .errors import WuyeError
from .i18n import N_, _, get_language, set_language

if TYPE_CHECKING:
    from .services.core.context import ServiceContext

CSS_FILE = Path(screens.__file__).resolve().parent / "app.tcss"


class WuyeApp(StorageSafe, AlertsMixin, StorageFaultsMixin, App[None]):
    CSS_PATH = str(CSS_FILE)
    TITLE = "wuye"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "request_quit", N_("Quit"), id="quit", priority=True, show=False),
        Binding("ctrl+c", "noop", show=False, priority=True, id="ctrl-c"),
        Binding("ctrl+p", "command_palette", N_("Commands"), id="palette", show=False),
        Binding("f9", "acknowledge_alert", N_("Acknowledge alert"), id="ack-alert", show=False, priority=True),
        Binding("f11", "toggle_language", N_("中文/English"), id="language", show=False),
        Binding("ctrl+r", "retry_failed", N_("Retry"), id="retry", show=False, priority=True),
    ]

    def __init__(self, db_url: str, lang: str = "zh", kiosk: bool = False, clock: Clock | None = None,
                 terminal: str | None = None, idle_check_seconds: float = 5.0) -> None:
        set_language(lang)
        from screens.wide_cuts import install as keep_wide_chars

        keep_wide_chars()  # before any screen: toasts and overlays keep their wide characters
        super().__init__()
        self.db_url = db_url
        self.kiosk = kiosk
        self.clock = clock or SystemClock()
        self.terminal = terminal or terminal_name()
        self.db = None
        self.db_ready = False
        self.staff_names: list[tuple[str, str]] = []
        self.site_name = ""
        self.idle_lock_minutes = 5
        self.ctx: ServiceContext | None = None
        self.session_id: int | None = None
        self.last_activity = time.monotonic()
        self.alerts: list[tuple[int, str]] = []
        self.seen_alert_id = -1
        self.reminders: list[str] = []
        self.alert_bell = True
        self.alarm_version: tuple = ()
        self._idle_check_seconds = idle_check_seconds
        self.db_busy_text: str | None = None  # "保存中…" while a screen's database job runs
        self.db_down: str | None = None  # set while the database is unreachable
        self._retry = None  # what Ctrl+R runs again after a storage error
        self._crash: BaseException | None = None
        self.crash_log = None
        from screens.key_order import KeyOrder

        self.key_order = KeyOrder(self)  # keys are worked through one at a time, in order

    def notify(self, message: str, *, title: str = "", severity: str = "information",  # type: ignore[override]
               timeout: float | None = None, markup: bool = False) -> None:
        """Toasts never parse markup: their messages carry user text (names, errors)."""
        from screens.widgets.plain_text import clean

        super().notify(clean(message), title=clean(title), severity=severity,  # type: ignore[arg-type]
                       timeout=timeout, markup=False)

    # ---- start -------------------------------------------------------------------

    def on_mount(self) -> None:
        # After the login screen is drawn: the worker's imports (SQLAlchemy) hold the GIL.
        self.call_after_refresh(self.open_database)
        self.set_interval(self._idle_check_seconds, self.check_idle_lock)
        self.screen_change_signal.subscribe(self, self._screen_changed)

    def get_default_screen(self) -> Screen:
        """The login is the bottom of the screen stack, and the home screen replaces it after
        a login: no blank screen is made first. A screen pushed from ``on_mount`` would be
        drawn inside Textual's mount batch, thrown away, and shown only on the repaint after."""
        screen = LoginScreen()
        # What push_screen gives every other screen (Textual's default screen has none), so
        # switch_screen can replace it with the home screen.
        screen._push_result_callback(screen, None)
        return screen

    @work(thread=True, exclusive=True, group="db-open")
    def open_database(self) -> None:
        """Open, check and upgrade the database; while it cannot be reached, retry with
        backoff and say so on the login screen and the status line."""
        from textual.worker import get_current_worker

        from .peek import peek_sqlite

        early = peek_sqlite(self.db_url)  # stdlib only: the names show before SQLAlchemy has loaded
        if early is not None and early.staff_names:
            self.call_from_thread(self._peeked, early)

        from .storage_errors import translate

        worker = get_current_worker()
        attempt = 0
        while not worker.is_cancelled:
            try:
                db, ctx, conf, names, warnings = self._open_once()
            except Exception as exc:  # shown on the login screen, never a traceback
                err = translate(exc)
                if err is None:
                    from .storage_errors import log_unexpected, mask_secrets

                    log_unexpected(exc, "open_database", (self._password(),))
                    message = mask_secrets(str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__,
                                           self._password())
                    self.call_from_thread(self._database_failed, message)
                    return
                if not err.transient:
                    self.call_from_thread(self._database_failed, err.message)
                    return
                wait = RECONNECT_BACKOFF[min(attempt, len(RECONNECT_BACKOFF) - 1)]
                attempt += 1
                self.call_from_thread(self._database_retrying, err.message, wait)
                deadline = time.monotonic() + wait
                while time.monotonic() < deadline and not worker.is_cancelled:
                    time.sleep(0.1)
                continue
            self.call_from_thread(self._database_opened, db, ctx, conf, names, warnings)
            return

    def _open_once(self):  # type: ignore[no-untyped-def]
        from .db import Database
        from .services.core import settings, staff
        from .services.core.context import ServiceContext

        db = Database(self.db_url)
        try:
            warnings = db.health_check()
            db.upgrade()
            ctx = ServiceContext(db=db, clock=self.clock, terminal=self.terminal)
            conf = settings.load(ctx)
            ctx.tz_name = conf.time_zone
            names = staff.login_names(ctx)
        except BaseException as exc:
            db.dispose()
            if db.refuse_writes is not None and isinstance(exc, Exception):
                raise db.refuse_writes from exc  # e.g. an unwritable folder: say that, not "cannot open"
            raise
        return db, ctx, conf, names, warnings

    def _peeked(self, early) -> None:  # type: ignore[no-untyped-def]
        if self.db_ready:
            return
        self.staff_names = early.staff_names
        self.site_name = early.site_name or self.site_name
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.show_names()

    def _password(self) -> str:
        from .storage_errors import url_password

        return url_password(self.db_url)

    def _database_retrying(self, message: str, wait: float) -> None:
        self.db_down = _("Database unavailable, retrying...")
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.database_failed(_("{what}. Database unavailable, retrying in {n} s...").format(
                what=message, n=int(wait)))

    def _database_opened(self, db, ctx, conf, names, warnings=()) -> None:  # type: ignore[no-untyped-def]
        self.db, self.ctx = db, ctx
        self.db_down = None
        self.db_warnings = list(warnings)
        self.site_name = conf.site_name
        self.idle_lock_minutes = conf.idle_lock_minutes
        self.staff_names = names
        self.db_ready = True
        self.set_interval(ALERT_POLL_SECONDS, self.poll_alerts)
        self.poll_alerts()
        self.set_interval(NOTIFY_SEND_SECONDS, self.send_notifications)
        self.set_interval(REMINDER_CHECK_SECONDS, self.check_reminders)
        from .services.guard.sessions import HEARTBEAT

        self.set_interval(HEARTBEAT.total_seconds(), self.send_heartbeat)
        if not names:
            self.key_order.unblock()
            self.switch_screen(FirstSupervisorScreen())
            return
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.database_ready()
            for w in warnings:
                screen.database_failed(w)

    def _database_failed(self, message: str) -> None:
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.database_failed(_("Cannot open the database: {err}").format(err=message))

    # ---- login, logout, idle lock -------------------------------------------------

    def log_in(self, name: str, pin: str) -> None:
        self.finish_login(*self.log_in_db(name, pin))

    def log_in_db(self, name: str, pin: str):  # type: ignore[no-untyped-def]
        """The database half of a login (safe in a worker thread): check the PIN and open a
        session. Returns what ``finish_login`` needs."""
        from .services.core import staff

        assert self.ctx is not None
        actor = staff.authenticate(self.ctx, name, pin)
        ctx = self.ctx.as_actor(actor)
        return ctx, staff.start_session(ctx)

    def finish_login(self, ctx, session_id) -> None:  # type: ignore[no-untyped-def]
        self.ctx = ctx
        self.session_id = session_id
        self.send_heartbeat()
        self.last_activity = time.monotonic()
        self._reset_to(self._home())
        if ctx.actor.role == "guard":
            self.call_after_refresh(self.ask_owed_reasons)

    def ask_owed_reasons(self) -> None:
        """A guard whose shift left rounds without a reason is asked for them first."""
        from datetime import timedelta

        from .services.guard import missed as guard_missed

        try:
            owed = guard_missed.owed_by(self.ctx, self.ctx.actor.id)  # type: ignore[union-attr]
        except WuyeError:
            return
        if not owed:
            return
        from screens.guard.missed_dialog import MissedRoundDialog

        first, last = min(s.at for s in owed), max(s.at for s in owed)
        self.push_screen(MissedRoundDialog(first, last + timedelta(seconds=1), _(
            "{n} rounds of your shift passed unwalked without a reason: give them now").format(n=len(owed))))

    def _home(self) -> Screen:
        from screens.home import HomeScreen

        return HomeScreen()

    def _reset_to(self, screen: Screen) -> None:
        """``screen`` (the home screen, or the login) alone on the stack."""
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.switch_screen(screen)

    def send_heartbeat(self) -> None:
        """This login is alive (a killed terminal's login goes stale); logins elsewhere
        whose heartbeat stopped are closed."""
        from .services.guard import sessions as guard_sessions

        if self.ctx is None or self.db is None:
            return
        try:
            if self.session_id is not None and not guard_sessions.heartbeat(self.ctx, self.session_id):
                self.session_id = None  # closed as stale meanwhile (the terminal slept)
            guard_sessions.close_stale(self.ctx)
        except Exception:  # noqa: BLE001 - a lost connection must not kill the terminal
            return

    def end_login(self, reason: str, note: str = "") -> None:
        from .services.core import staff
        from .services.core.context import SYSTEM

        if self.ctx is None or self.ctx.actor.id is None:
            return
        if reason in ("logout", "idle_lock") and self.ctx.actor.role == "guard":
            try:
                reason = self._handover_reason(reason, note)
            except Exception as exc:
                if not self.storage_failure(exc):
                    raise
        if self.session_id is not None:
            try:
                staff.end_session(self.ctx, self.session_id, reason)
            except Exception as exc:  # a lost database must not keep the terminal logged in
                if not self.storage_failure(exc):
                    raise
        self.session_id = None
        self.ctx = self.ctx.as_actor(SYSTEM)
        try:
            self.staff_names = staff.login_names(self.ctx)
        except Exception as exc:  # the database went away: log out all the same
            if not self.storage_failure(exc):
                raise
        self._reset_to(LoginScreen())

    def _handover_reason(self, how: str = "logout", note: str = "") -> str:
        """A guard leaving without a signed handover is recorded as such."""
        from .services.guard import sessions as guard_sessions

        return guard_sessions.end_reason(self.ctx, how, note)  # type: ignore[arg-type]

    def action_logout(self) -> None:
        """F10. A guard whose handover nobody has signed is warned and asked why first."""
        from .services.guard import handover

        ctx = self.ctx
        if ctx is None or ctx.actor.id is None or ctx.actor.role != "guard":
            self.end_login("logout")
            return
        try:
            leaving_bare = handover.left_without_handover(ctx, ctx.actor.id, ctx.now())
        except WuyeError:
            leaving_bare = True
        if not leaving_bare:
            self.end_login("logout")
            return
        from screens.gate.reason import ReasonDialog

        def done(reason: str | None) -> None:
            if reason is not None:
                self.end_login("logout", reason)

        self.push_screen(ReasonDialog(
            _("Leaving without a signed handover"),
            _("No incoming guard has signed your handover yet. Leaving now is recorded as leaving "
              "without handover and shown to the supervisor. Why are you leaving?"),
            lambda reason: reason), done)

    async def on_event(self, event) -> None:  # type: ignore[no-untyped-def]
        from textual import events

        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_activity = time.monotonic()
        if self.key_order.wants(event):
            event = self.key_order.typed_enter(event)
            if not self.key_order.hold(event):
                await super().on_event(event)
                self.key_order.routed()
            return
        await super().on_event(event)

    async def route_input_event(self, event) -> None:  # type: ignore[no-untyped-def]
        """Route a key or paste the KeyOrder held back (Textual's own routing)."""
        await super().on_event(event)

    def check_idle_lock(self) -> None:
        if self.ctx is None or self.ctx.actor.id is None:
            return
        if time.monotonic() - self.last_activity >= self.idle_lock_minutes * 60:
            self.end_login("idle_lock")
            self.notify(_("Locked after {n} idle minutes").format(n=self.idle_lock_minutes))

    # ---- quitting, language, commands ---------------------------------------------

    def action_noop(self) -> None:
        return

    def action_request_quit(self) -> None:
        if not self.kiosk:
            self.end_login("logout") if self.ctx and self.ctx.actor.id else None
            self.exit()
            return
        if self.ctx is None:
            return
        from screens.dialogs.pin import SupervisorPinDialog

        def done(supervisor) -> None:  # type: ignore[no-untyped-def]
            if supervisor is not None:
                self.exit()

        self.push_screen(SupervisorPinDialog(_("Quitting the kiosk needs a supervisor PIN")), done)

    async def action_toggle_language(self) -> None:
        """Redraw every screen in the other language. A recomposed screen has new, empty
        widgets, so its on_mount runs again to fill its tables and fields."""
        import inspect

        from textual import events

        set_language("en" if get_language() == "zh" else "zh")
        for screen in list(self.screen_stack):
            await screen.recompose()
            hook = getattr(screen, "on_mount", None)
            if hook is None:
                continue
            result = hook(events.Mount()) if inspect.signature(hook).parameters else hook()
            if inspect.isawaitable(result):
                await result

    def action_command_palette(self) -> None:
        """Textual's palette, with its own texts in the interface language."""
        from textual.command import CommandPalette

        from screens.palette import WuyeCommandPalette

        if self.use_command_palette and not CommandPalette.is_open(self):
            self.push_screen(WuyeCommandPalette(id="--command-palette"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield SystemCommand(_("Switch language 中文/English"), _("Toggle the interface language"),
                            self.action_toggle_language)
        if self.ctx is not None and self.ctx.actor.id is not None:
            yield SystemCommand(_("Log out"), _("End this login"), self.action_logout)
        if not self.kiosk:
            yield SystemCommand(_("Quit"), _("Quit wuye"), self.action_request_quit)

    def shift_label(self, local_now) -> str:  # type: ignore[no-untyped-def]
        from .reference import load_reference

        return load_reference().shift_for(local_now).label

    def on_unmount(self) -> None:
        if self.db is not None:
            self.db.dispose()

def create_app(db_url: str, lang: str = "zh", kiosk: bool = False, clock: Clock | None = None,
               **kwargs) -> WuyeApp:  # type: ignore[no-untyped-def]
    """The one factory the CLI, the tests and the snapshots share."""
    return WuyeApp(db_url=db_url, lang=lang, kiosk=kiosk, clock=clock, **kwargs)


def run_tui(db_url: str, lang: str = "zh", kiosk: bool = False) -> None:
    """Run the TUI; a crash (logged to errors.log) exits the process non-zero."""
    import sys

    app = create_app(db_url, lang=lang, kiosk=kiosk)
    app.run()
    if app.return_code:
        sys.exit(app.return_code)
