"""How every screen survives a storage fault, and the one path for database work.

``StorageSafe`` is mixed into ``WuyeScreen`` (so every desk screen), the login screens and
the App. A storage error (connection lost, timeout, lock not granted, disk full, read-only,
damaged file: see ``wuye_tui.storage_errors``) raised by a message handler, a result
callback or a key action becomes ONE line on the screen where it happened; the screen and
what was typed into it stay as they were, and Ctrl+R retries the action that failed. A
domain ``WuyeError`` that escapes a handler is shown the same way. Anything else is a bug:
the App logs its traceback to ``errors.log`` (0600, data folder), prints one line and exits
non-zero.

``run_db(fn, *args, on_done=..., on_error=..., busy=...)`` is the one way to run database
work off the UI thread::

    def action_save(self) -> None:
        values = ...                                  # validate on the UI thread
        self.run_db(staff.add, self.ctx, name, role, pin, on_done=self._saved)

    def _saved(self, member) -> None:                 # UI thread, only after the commit
        clear the form, notify, reload

``fn(*args, **kwargs)`` runs in a Textual thread worker; its result goes to ``on_done``
a domain refusal (a ``WuyeError`` that is not a storage error) to ``on_error`` when given,
both on the UI thread; a storage error or any other exception always takes ``show_failure``
(the one-line message above, Ctrl+R runs the job again). The form is cleared by ``on_done`` only, so it keeps its data until
the save is confirmed. After ``delay`` seconds the status line says "保存中…（Esc 取消）"
(``busy`` sets the text); Esc cancels: the write stops waiting for the lock and is rolled
back (``Cancelled``, "已取消，未保存"), unless its commit had already begun, in which case
``on_done`` still runs. While a job with ``single=True`` (the default) runs, a second one on
the same screen is refused with a note, so a double F2 never saves twice. Never touch
widgets inside ``fn``.
"""

from __future__ import annotations

import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual._callback import invoke

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _

BUSY_DELAY = 0.4
SAVING = N_("Saving... (Esc cancels)")
LOADING = N_("Loading...")


@dataclass
class DbJob:
    label: str
    single: bool
    cancel: threading.Event = field(default_factory=threading.Event)
    thread_id: int | None = None
    done: bool = False
    timer: Any = None


def handle_failure(node: Any, exc: BaseException, retry: Callable[[], Any] | None = None) -> bool:
    """Show ``exc`` as one line if it is a storage or domain error (True), else False."""
    try:
        app = node.app
        screen = getattr(node, "screen", None)
    except Exception:  # no app or no screen any more (shutting down): nothing to show it on
        return False
    hook = getattr(app, "storage_failure", None)
    return bool(hook is not None and hook(exc, retry=retry, screen=screen))


class StorageSafe:
    """Mixin for Screen subclasses (and the App): see the module docstring."""

    _db_jobs: list[DbJob]

    # ---- catching what handlers raise ------------------------------------------------

    async def _dispatch_message(self, message) -> None:  # type: ignore[no-untyped-def]
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as exc:
            if not handle_failure(self, exc):
                raise

    async def _flush_next_callbacks(self) -> None:
        callbacks = self._next_callbacks.copy()  # type: ignore[attr-defined]
        self._next_callbacks.clear()  # type: ignore[attr-defined]
        for callback in callbacks:
            try:
                with self.prevent(*callback._prevent):  # type: ignore[attr-defined]
                    await invoke(callback.callback)
            except Exception as exc:
                if handle_failure(self, exc):
                    continue
                self.app._handle_exception(exc)  # type: ignore[attr-defined]
                break

    # ---- database work off the UI thread ----------------------------------------------

    def run_db(self, fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], Any] | None = None,
               on_error: Callable[[BaseException], Any] | None = None, busy: str = SAVING,
               delay: float = BUSY_DELAY, single: bool = True, **kwargs: Any) -> DbJob | None:
        """Run ``fn(*args, **kwargs)`` in a thread worker; see the module docstring."""
        from wuye_tui.db import set_thread_cancel

        jobs = self._jobs()
        if single and any(j.single and not j.done for j in jobs):
            self.notify(_("Still saving: wait for it, or Esc to cancel"), severity="warning")  # type: ignore[attr-defined]
            return None
        job = DbJob(label=busy, single=single)
        jobs.append(job)

        def retry() -> Any:
            return self.run_db(fn, *args, on_done=on_done, on_error=on_error, busy=busy, delay=delay,
                               single=single, **kwargs)

        def work() -> None:
            job.thread_id = threading.get_ident()
            set_thread_cancel(job.cancel)
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # delivered to the screen, never lost in the worker
                self.app.call_from_thread(self._db_finished, job, False, exc, on_done, on_error, retry)
                return
            finally:
                set_thread_cancel(None)
            self.app.call_from_thread(self._db_finished, job, True, result, on_done, on_error, retry)

        if delay <= 0:
            self._show_busy_job(job)
        else:
            job.timer = self.set_timer(delay, lambda: self._show_busy_job(job))  # type: ignore[attr-defined]
        self.run_worker(work, thread=True, group="wuye-db", exit_on_error=False)  # type: ignore[attr-defined]
        return job

    def _jobs(self) -> list[DbJob]:
        try:
            return self._db_jobs
        except AttributeError:
            self._db_jobs = []
            return self._db_jobs

    @property
    def db_busy(self) -> bool:
        """A save (``single`` job) is under way: Esc cancels it rather than leaving."""
        return any(j.single and not j.done for j in self._jobs())

    def cancel_db(self) -> bool:
        """Cancel the running jobs of this screen (True when there was one)."""
        running = [j for j in self._jobs() if not j.done]
        db = getattr(getattr(self.app, "ctx", None), "db", None)
        for job in running:
            job.cancel.set()
            if db is not None and job.thread_id is not None:
                db.interrupt(job.thread_id)
        return bool(running)

    def _show_busy_job(self, job: DbJob) -> None:
        if not job.done:
            self.show_busy(_(job.label))

    def show_busy(self, text: str | None) -> None:
        """Say that database work is under way (None: it ended). Default: the status line."""
        setter = getattr(self.app, "set_db_busy", None)
        if setter is not None:
            setter(text)

    def _db_finished(self, job: DbJob, ok: bool, value: Any, on_done: Callable[[Any], Any] | None,
                     on_error: Callable[[BaseException], Any] | None, retry: Callable[[], Any]) -> None:
        job.done = True
        if job.timer is not None:
            job.timer.stop()
        jobs = self._jobs()
        if job in jobs:
            jobs.remove(job)
        if not any(not j.done for j in jobs):
            self.show_busy(None)
        stack = getattr(self.app, "screen_stack", None)
        if stack is not None and self is not self.app and self not in stack:
            # The screen was closed meanwhile (logout, idle lock): a result has nowhere to go;
            # an error is still shown, on the screen now in front.
            if not ok and not handle_failure(self.app, value, retry):
                self.app._handle_exception(value)  # type: ignore[attr-defined]
            return
        try:
            if ok:
                if on_done is not None and inspect.iscoroutinefunction(on_done):
                    self.call_next(on_done, value)  # type: ignore[attr-defined]  # awaited in the loop
                elif on_done is not None:
                    on_done(value)
                return
            if on_error is not None and isinstance(value, WuyeError) and not _is_storage(value):
                on_error(value)  # a refusal the screen answers (a dialog, a field's message)
                return
            self.show_failure(value, retry)  # storage errors and bugs: the one path, Ctrl+R
        except Exception as exc:
            if not handle_failure(self, exc, retry):
                self.app._handle_exception(exc)  # type: ignore[attr-defined]

    def show_failure(self, exc: BaseException, retry: Callable[[], Any] | None = None) -> None:
        """One line for a failed job: a domain error at its field (``report``), a storage
        error with its retry key; anything else goes to the App's crash handling."""
        if isinstance(exc, WuyeError) and not _is_storage(exc) and hasattr(self, "report"):
            self.report(exc)  # type: ignore[attr-defined]
            return
        if not handle_failure(self, exc, retry):
            raise exc


def _is_storage(exc: BaseException) -> bool:
    from wuye_tui.storage_errors import StorageError

    return isinstance(exc, StorageError)


class DialogSave(StorageSafe):
    """Mixin for a modal dialog whose confirm key writes (``run_db``): "保存中…" and a
    storage error show in the dialog's own message line (``MESSAGE_ID``), Esc cancels a
    waiting write and keeps the dialog, a second Esc closes it."""

    MESSAGE_ID = "#dialog-error"

    def _dialog_line(self, text: str) -> None:
        self.query_one(self.MESSAGE_ID).update(text)  # type: ignore[attr-defined]

    def show_busy(self, text: str | None) -> None:
        self._dialog_line(text or "")

    def show_storage_error(self, line: str) -> bool:
        self._dialog_line(line)
        return True

    def action_cancel(self) -> None:
        if self.db_busy:
            self.cancel_db()
            return
        self.dismiss(None)  # type: ignore[attr-defined]
