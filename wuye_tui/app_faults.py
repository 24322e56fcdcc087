"""The app's side of storage faults (issue #16): one line on the screen where an error
happened, Ctrl+R to retry, the reconnect probe, and a crash logged (0600) with a non-zero
exit. Mixed into ``WuyeApp``."""

from __future__ import annotations

import sys
import time

from textual import work

from screens.login import LoginScreen

from .errors import WuyeError
from .i18n import _

RECONNECT_BACKOFF = (1.0, 2.0, 4.0, 8.0, 15.0)  # seconds between attempts, the last repeats


class StorageFaultsMixin:
    # ---- storage faults (issue #16): one line, the screen kept, Ctrl+R, reconnect ------

    def storage_failure(self, exc: BaseException, retry=None, screen=None) -> bool:  # type: ignore[no-untyped-def]
        """Show a storage or domain error raised anywhere in the UI as one line on the
        screen where it happened; True when handled (False: a bug, let it crash)."""
        from .storage_errors import screen_message, translate

        err = translate(exc)
        if err is None:
            if isinstance(exc, WuyeError):
                target = screen or self.screen
                report = getattr(target, "report", None)
                if report is not None:
                    report(exc)
                else:
                    self.notify(str(exc), title=_("Not saved"), severity="error", timeout=6)
                return True
            return False
        if retry is not None:
            self._retry = retry
        line = screen_message(err)
        target = screen or self.screen
        shown = getattr(target, "show_storage_error", None)
        if shown is None or not shown(line):
            title = "" if err.kind == "cancelled" else _("Not saved")
            self.notify(line, title=title, severity="warning" if err.kind == "cancelled" else "error", timeout=8)
        if err.kind == "connection":
            self.start_reconnect()
        return True

    async def run_action(self, action, default_namespace=None, namespaces=None) -> bool:  # type: ignore[no-untyped-def]
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as exc:
            async def retry() -> None:
                await self.run_action(action, default_namespace, namespaces)

            if self.storage_failure(exc, retry=retry):
                return True
            raise

    async def action_retry_failed(self) -> None:
        import inspect

        retry, self._retry = self._retry, None
        if retry is None:
            self.notify(_("Nothing to retry"))
            return
        result = retry()
        if inspect.isawaitable(result):
            await result

    def set_db_busy(self, text: str | None) -> None:
        self.db_busy_text = text
        self._refresh_status()

    def _refresh_status(self) -> None:
        from screens.widgets.status_bar import StatusBar

        for bar in self.screen.query(StatusBar):
            bar.update_status()

    def start_reconnect(self) -> None:
        """The database went away: say so and probe it with backoff until it answers."""
        if self.db is None or self.db_down is not None:
            return
        self.db_down = _("Database unavailable, retrying...")
        self._refresh_status()
        self._probe_database()

    @work(thread=True, exclusive=True, group="db-probe")
    def _probe_database(self) -> None:
        from sqlalchemy import text
        from textual.worker import get_current_worker

        worker = get_current_worker()
        attempt = 0
        while not worker.is_cancelled and self.db is not None:
            wait = RECONNECT_BACKOFF[min(attempt, len(RECONNECT_BACKOFF) - 1)]
            attempt += 1
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline and not worker.is_cancelled:
                time.sleep(0.1)
            try:
                with self.db.engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
            except Exception:
                continue
            self.call_from_thread(self._database_back)
            return

    def _database_back(self) -> None:
        self.db_down = None
        self._refresh_status()
        self.notify(_("The database is back"), timeout=4)
        screen = self.screen
        if isinstance(screen, LoginScreen):
            screen.database_ready()

    def _handle_exception(self, error: Exception) -> None:
        self._crash = error
        super()._handle_exception(error)

    def _fatal_error(self) -> None:
        """A bug: its traceback goes to the 0600 error log, one line to the terminal, and
        the app exits non-zero (the locals, which may hold a password, are never shown)."""

        from rich.text import Text

        from .storage_errors import crash_line, log_unexpected

        exc = self._crash or sys.exc_info()[1] or RuntimeError("unknown error")
        self.crash_log = log_unexpected(exc, "tui", (self._password(),))
        self.bell()
        self._exit_renderables.append(Text(crash_line(exc, self.crash_log)))
        self._close_messages_no_wait()
