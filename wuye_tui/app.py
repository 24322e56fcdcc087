"""The Textual App: login first (the database opens in a worker), a home screen per role,
idle lock, alert polling, kiosk mode and the language switch. Screens live in ``screens``.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

import screens
from screens.login import FirstSupervisorScreen, LoginScreen

from .clock import Clock, SystemClock
from .errors import WuyeError
from .i18n import N_, _, get_language, set_language

CSS_FILE = Path(screens.__file__).resolve().parent / "app.tcss"
ALERT_POLL_SECONDS = 2.0


class WuyeApp(App[None]):
    CSS_PATH = str(CSS_FILE)
    TITLE = "wuye"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "request_quit", N_("Quit"), id="quit", priority=True, show=False),
        Binding("ctrl+c", "noop", show=False, priority=True, id="ctrl-c"),
        Binding("ctrl+p", "command_palette", N_("Commands"), id="palette", show=False),
        Binding("f9", "acknowledge_alert", N_("Acknowledge alert"), id="ack-alert", show=False, priority=True),
        Binding("f11", "toggle_language", N_("中文/English"), id="language", show=False),
    ]

    def __init__(self, db_url: str, lang: str = "zh", kiosk: bool = False, clock: Clock | None = None,
                 terminal: str | None = None, idle_check_seconds: float = 5.0) -> None:
        set_language(lang)
        from screens.wide_cuts import install as keep_wide_chars

        keep_wide_chars()  # before any screen: toasts and overlays keep their wide characters
        super().__init__()
        from .services.context import ServiceContext  # light: no database yet

        self.db_url = db_url
        self.kiosk = kiosk
        self.clock = clock or SystemClock()
        self.terminal = terminal or f"{os.uname().nodename}:{os.getpid()}"
        self.db = None
        self.db_ready = False
        self.staff_names: list[tuple[str, str]] = []
        self.site_name = ""
        self.idle_lock_minutes = 5
        self.ctx: ServiceContext | None = None  # type: ignore[assignment]
        self.session_id: int | None = None
        self.last_activity = time.monotonic()
        self.alerts: list[tuple[int, str]] = []
        self.seen_alert_id = -1
        self._idle_check_seconds = idle_check_seconds

    # ---- start -------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(LoginScreen())
        # After the login screen is drawn: the worker's imports (SQLAlchemy) hold the GIL.
        self.call_after_refresh(self.open_database)
        self.set_interval(self._idle_check_seconds, self.check_idle_lock)

    @work(thread=True, exclusive=True, group="db-open")
    def open_database(self) -> None:
        try:
            from .db import Database
            from .services import settings, staff
            from .services.context import ServiceContext

            db = Database(self.db_url)
            db.upgrade()
            ctx = ServiceContext(db=db, clock=self.clock, terminal=self.terminal)
            conf = settings.load(ctx)
            ctx.tz_name = conf.time_zone
            names = staff.login_names(ctx)
        except Exception as exc:  # shown on the login screen, never a traceback
            self.call_from_thread(self._database_failed, str(exc).splitlines()[0][:200])
            return
        self.call_from_thread(self._database_opened, db, ctx, conf, names)

    def _database_opened(self, db, ctx, conf, names) -> None:  # type: ignore[no-untyped-def]
        self.db, self.ctx = db, ctx
        self.site_name = conf.site_name
        self.idle_lock_minutes = conf.idle_lock_minutes
        self.staff_names = names
        self.db_ready = True
        self.set_interval(ALERT_POLL_SECONDS, self.poll_alerts)
        self.poll_alerts()
        from .services.guard_sessions import HEARTBEAT

        self.set_interval(HEARTBEAT.total_seconds(), self.send_heartbeat)
        if not names:
            self.switch_screen(FirstSupervisorScreen())
            return
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.database_ready()

    def _database_failed(self, message: str) -> None:
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.database_failed(_("Cannot open the database: {err}").format(err=message))

    # ---- login, logout, idle lock -------------------------------------------------

    def log_in(self, name: str, pin: str) -> None:
        from .services import staff

        assert self.ctx is not None
        actor = staff.authenticate(self.ctx, name, pin)
        self.ctx = self.ctx.as_actor(actor)
        self.session_id = staff.start_session(self.ctx)
        self.send_heartbeat()
        self.last_activity = time.monotonic()
        self._reset_to(self._home())
        if actor.role == "guard":
            self.call_after_refresh(self.ask_owed_reasons)

    def ask_owed_reasons(self) -> None:
        """A guard whose shift left rounds without a reason is asked for them first."""
        from datetime import timedelta

        from .services import guard_missed

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
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(screen)

    def send_heartbeat(self) -> None:
        """This login is alive (a killed terminal's login goes stale); logins elsewhere
        whose heartbeat stopped are closed."""
        from .services import guard_sessions

        if self.ctx is None or self.db is None:
            return
        try:
            if self.session_id is not None and not guard_sessions.heartbeat(self.ctx, self.session_id):
                self.session_id = None  # closed as stale meanwhile (the terminal slept)
            guard_sessions.close_stale(self.ctx)
        except Exception:  # noqa: BLE001 - a lost connection must not kill the terminal
            return

    def end_login(self, reason: str, note: str = "") -> None:
        from .services import staff
        from .services.context import SYSTEM

        if self.ctx is None or self.ctx.actor.id is None:
            return
        if reason in ("logout", "idle_lock") and self.ctx.actor.role == "guard":
            reason = self._handover_reason(reason, note)
        if self.session_id is not None:
            try:
                staff.end_session(self.ctx, self.session_id, reason)
            except WuyeError as exc:
                self.notify(str(exc), severity="error")
        self.session_id = None
        self.ctx = self.ctx.as_actor(SYSTEM)
        self.staff_names = staff.login_names(self.ctx)
        self._reset_to(LoginScreen())

    def _handover_reason(self, how: str = "logout", note: str = "") -> str:
        """A guard leaving without a signed handover is recorded as such."""
        from .services import handover

        return handover.logout_reason(self.ctx, how, note)  # type: ignore[arg-type]

    def action_logout(self) -> None:
        """F10. A guard whose handover nobody has signed is warned and asked why first."""
        from .services import handover

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
        await super().on_event(event)

    def check_idle_lock(self) -> None:
        if self.ctx is None or self.ctx.actor.id is None:
            return
        if time.monotonic() - self.last_activity >= self.idle_lock_minutes * 60:
            self.end_login("idle_lock")
            self.notify(_("Locked after {n} idle minutes").format(n=self.idle_lock_minutes))

    # ---- alerts -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="alerts")
    def poll_alerts(self) -> None:
        if self.ctx is None:
            return
        from .services import escalation

        try:
            rows = escalation.unacknowledged(self.ctx)
        except Exception:  # a lost connection must not kill the terminal
            return
        alerts = [(e.id, f"{escalation.major_label(e.major_type)}：{e.title}") for e in rows]
        self.call_from_thread(self._show_alerts, alerts)

    def refresh_alerts_now(self) -> None:
        self._show_alerts(self.alerts)

    def _show_alerts(self, alerts: list[tuple[int, str]]) -> None:
        from screens.widgets.alert_bar import AlertBar

        self.alerts = alerts
        newest = max((a[0] for a in alerts), default=0)
        if newest > self.seen_alert_id >= 0 or (self.seen_alert_id < 0 and alerts):
            self.bell()
        self.seen_alert_id = max(self.seen_alert_id, newest, 0)
        for screen in self.screen_stack:
            for bar in screen.query(AlertBar):
                bar.show_alerts(alerts)

    def action_acknowledge_alert(self) -> None:
        from screens.dialogs.pin import SupervisorPinDialog

        if isinstance(self.screen, (SupervisorPinDialog, LoginScreen)) or self.ctx is None:
            return
        if not self.alerts:
            self.notify(_("No alert waiting"))
            return

        esc_id, text = self.alerts[0]

        def done(supervisor) -> None:  # type: ignore[no-untyped-def]
            if supervisor is None:
                return
            from .services import escalation

            try:
                escalation.acknowledge(self.ctx.as_actor(supervisor), esc_id)  # type: ignore[union-attr]
            except WuyeError as exc:
                self.notify(str(exc), severity="error")
            self.poll_alerts()

        self.push_screen(SupervisorPinDialog(_("Acknowledge #{id}: {text}").format(id=esc_id, text=text)), done)

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
    create_app(db_url, lang=lang, kiosk=kiosk).run()
