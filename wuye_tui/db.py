"""Engine factory, session scopes and schema upgrades.

Never makes an engine at import time. SQLite gets WAL, busy_timeout, foreign keys and
synchronous=NORMAL on every connection; write transactions begin IMMEDIATE so that a
read-then-write never fails with "database is locked". PostgreSQL write transactions take
one advisory lock so the audit hash chain stays linear.

Bounded waits (issue #16): a SQLite write waits at most ``WUYE_LOCK_WAIT`` seconds (default
10) for the write lock, polling ``BEGIN IMMEDIATE`` every few milliseconds with jitter, and
writes are serialised within a process, so that many terminals writing back to back share
the lock fairly instead of starving in SQLite's backing-off busy handler. PostgreSQL
sessions get ``lock_timeout`` (the same setting, default 5 s), ``statement_timeout`` (30 s),
``connect_timeout`` (``WUYE_CONNECT_TIMEOUT``, default 5 s) and TCP keepalives, so a lost
server or a held lock is an error within seconds, never a hang. Every failure is turned into
a one-line message by ``wuye_tui.storage_errors``.

A write can be cancelled from another thread: ``Database.cancel_event()`` is consulted by
the thread's write scope while it waits for the lock and just before it commits (see
``screens.base.WuyeScreen.run_db``). ``health_check`` (start-up) and ``refuse_writes``
keep a damaged or read-only file from being written to.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from .config import sqlite_path
from .storage_errors import Cancelled, NewerDatabase, StorageError

BUSY_TIMEOUT_MS = 10_000
PG_STATEMENT_TIMEOUT_MS = 30_000
PG_WRITE_LOCK = 0x77757965  # "wuye"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def lock_wait_seconds(default: float = 10.0) -> float:
    """How long a write waits for the write lock (``WUYE_LOCK_WAIT``, seconds; default 10
    on SQLite, where fairness needs the slack, 5 on PostgreSQL)."""
    try:
        return max(0.1, float(os.environ.get("WUYE_LOCK_WAIT", "") or default))
    except ValueError:
        return default


def connect_timeout_seconds() -> int:
    try:
        return max(1, int(float(os.environ.get("WUYE_CONNECT_TIMEOUT", "") or 5)))
    except ValueError:
        return 5


_thread_state = threading.local()
_process_write_locks: dict[str, threading.Lock] = {}
_process_write_locks_guard = threading.Lock()


def _process_write_lock(key: str) -> threading.Lock:
    with _process_write_locks_guard:
        return _process_write_locks.setdefault(key, threading.Lock())


def set_thread_cancel(event: threading.Event | None) -> None:
    """The cancel flag the calling thread's writes obey (None: not cancellable)."""
    _thread_state.cancel = event


def thread_cancel() -> threading.Event | None:
    return getattr(_thread_state, "cancel", None)


def _check_cancel() -> None:
    event = thread_cancel()
    if event is not None and event.is_set():
        raise Cancelled()


def _lock_wait_error() -> StorageError:
    from .i18n import _

    return StorageError("locked", _("The database is busy: another terminal holds the write lock"),
                        "write lock not granted in time")


def _begin_immediate(raw, wait_s: float) -> None:  # type: ignore[no-untyped-def]
    """BEGIN IMMEDIATE, polling every 0.5-3 ms with jitter until ``wait_s`` has passed.

    SQLite's own busy handler sleeps longer the longer a connection has waited, so under
    constant load a newcomer keeps winning and an old waiter starves ("database is
    locked" after busy_timeout). A short constant poll gives every waiter the same chance.
    """
    import sqlite3

    deadline = time.monotonic() + wait_s
    raw.execute("PRAGMA busy_timeout = 0")
    try:
        while True:
            try:
                raw.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if (getattr(exc, "sqlite_errorcode", 5) & 0xFF) not in (5, 6):
                    raise
            _check_cancel()
            if time.monotonic() >= deadline:
                raise _lock_wait_error()
            time.sleep(random.uniform(0.0005, 0.003))
    finally:
        raw.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None and str(path) != ":memory:":
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                from .i18n import _

                raise StorageError("readonly", _("Cannot create the database folder {path}: {reason}").format(
                    path=path.parent, reason=exc.strerror or exc)) from None
            _prepare_sqlite_file(path)
        engine = create_engine(url, connect_args={"timeout": 0, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
            dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
            cur.execute("PRAGMA foreign_keys = ON")
            cur.execute("PRAGMA cache_size = -65536")  # 64 MiB: index pages of large registers stay hot
            cur.close()
            if path is not None:
                from .fsafe import secure_sqlite

                secure_sqlite(path)  # the -wal/-shm SQLite just made: 0600 whatever the umask

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
            if conn.get_execution_options().get("wuye_write"):
                _begin_immediate(conn.connection.dbapi_connection, lock_wait_seconds())
            else:
                conn.exec_driver_sql("BEGIN DEFERRED")

        return engine
    lock_ms = int(lock_wait_seconds(5.0) * 1000)
    options = (f"-c lock_timeout={lock_ms} -c statement_timeout={PG_STATEMENT_TIMEOUT_MS}"
               " -c idle_in_transaction_session_timeout=120000")
    connect_args = {"connect_timeout": connect_timeout_seconds(), "options": options, "keepalives": 1,
                    "keepalives_idle": 10, "keepalives_interval": 3, "keepalives_count": 3}
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, pool_timeout=10,
                           connect_args=connect_args)
    return engine


def _prepare_sqlite_file(path: Path) -> None:
    """The data folder 0700 (when we make it, or it is wuye's own), the file 0600, no symlink."""
    from .config import data_dir
    from .fsafe import create_private, private_dir, refuse_symlink, secure_sqlite

    parent = path.parent
    try:
        own = parent.resolve() == data_dir().resolve()
    except OSError:
        own = False
    private_dir(parent, tighten=own)
    refuse_symlink(path)
    create_private(path)
    secure_sqlite(path)


class Database:
    """One per process: the engine plus read and write session scopes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._write_engine = self.engine.execution_options(wuye_write=True)
        self.is_sqlite = url.startswith("sqlite")
        # Set when the file must not be written (damaged, read-only): every write raises it.
        self.refuse_writes: StorageError | None = None
        self._local_write_lock = _process_write_lock(url) if self.is_sqlite else None
        self._active: dict[int, object] = {}  # thread id -> DBAPI connection in a write

    def __repr__(self) -> str:
        from .storage_errors import mask_url

        return f"Database({mask_url(self.url)!r})"

    @property
    def safe_url(self) -> str:
        """The URL with its password masked: the only form ever printed or logged."""
        from .storage_errors import mask_url

        return mask_url(self.url)

    def interrupt(self, thread_id: int) -> None:
        """Ask the write running in ``thread_id`` to stop waiting (from another thread)."""
        raw = self._active.get(thread_id)
        if raw is None:
            return
        try:
            if self.is_sqlite:
                raw.interrupt()  # type: ignore[attr-defined]
            else:
                getattr(raw, "cancel_safe", raw.cancel)()
        except Exception:  # the connection may be gone already
            pass

    def _acquire_local(self) -> None:
        lock = self._local_write_lock
        if lock is None:
            return
        deadline = time.monotonic() + lock_wait_seconds()
        while not lock.acquire(timeout=0.05):
            _check_cancel()
            if time.monotonic() >= deadline:
                raise _lock_wait_error()

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error.

        Refused (``refuse_writes``) on a damaged or read-only file; waits a bounded time for
        the write lock; obeys the thread's cancel flag until the commit starts."""
        if self.refuse_writes is not None:
            raise self.refuse_writes
        _check_cancel()
        self._acquire_local()
        tid = threading.get_ident()
        try:
            with Session(self._write_engine, expire_on_commit=False) as session:
                try:
                    conn = session.connection()
                    self._active[tid] = conn.connection.dbapi_connection
                    if not self.is_sqlite:
                        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})
                    yield session
                    _check_cancel()
                    session.commit()
                except BaseException as exc:
                    self._active.pop(tid, None)
                    try:
                        session.rollback()
                    except Exception:  # the connection is gone: nothing to roll back
                        pass
                    event_ = thread_cancel()
                    if event_ is not None and event_.is_set() and not isinstance(exc, Cancelled):
                        raise Cancelled() from exc
                    raise
        finally:
            self._active.pop(tid, None)
            if self._local_write_lock is not None:
                self._local_write_lock.release()

    def dispose(self) -> None:
        self.engine.dispose()

    # ---- schema -------------------------------------------------------------------

    def stored_revisions(self) -> set[str]:
        with self.engine.connect() as conn:
            try:
                rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
            except Exception:  # no table yet means no revision
                conn.rollback()
                return set()
        return {r[0] for r in rows}

    def needs_upgrade(self) -> bool:
        return self.stored_revisions() != script_heads()

    def check_version(self) -> None:
        """Raise NewerDatabase when the database carries a revision this program does not
        know (it was upgraded by a newer wuye)."""
        stored = self.stored_revisions()
        unknown = stored - known_revisions()
        if unknown:
            raise NewerDatabase(", ".join(sorted(unknown)), ", ".join(sorted(script_heads())))

    def upgrade(self) -> None:
        """Bring the schema to the newest revision (alembic imported only when needed)."""
        self.check_version()
        if not self.needs_upgrade():
            return
        if self.refuse_writes is not None:
            raise self.refuse_writes
        from alembic import command

        command.upgrade(alembic_config(self), "heads")

    def health_check(self, quick_check_seconds: float = 2.0) -> list[str]:
        """Start-up health of a SQLite file, as one-line messages (empty: healthy).

        Checks the folder and the file are writable and runs ``PRAGMA quick_check`` for at
        most ``quick_check_seconds`` (a check that does not finish in time counts as
        passed). A damaged or read-only file sets ``refuse_writes``, so nothing is written
        into it; reads still work. PostgreSQL: nothing to do here (``db check`` does more).
        """
        from .i18n import _

        path = sqlite_path(self.url) if self.is_sqlite else None
        if path is None or not path.exists():
            return []
        problems: list[str] = []
        folder = path.parent
        damaged = _quick_check(path, quick_check_seconds)
        if damaged:
            self.refuse_writes = StorageError("corrupt", _(
                "The database file {path} is damaged ({problem}); nothing will be written to it. "
                "Restore a backup: wuye db restore FILE").format(path=path, problem=damaged))
            return [self.refuse_writes.message]
        if not _can_write_file(path):
            self.refuse_writes = StorageError("readonly", _(
                "The database file {path} is read-only: nothing can be saved. "
                "Make it writable (chmod/chattr) and start again").format(path=path))
            problems.append(self.refuse_writes.message)
        elif not _can_create_in(folder):
            self.refuse_writes = StorageError("readonly", _(
                "The folder {path} is not writable: SQLite needs to create its journal files "
                "next to the database. Make the folder writable and start again").format(path=folder))
            problems.append(self.refuse_writes.message)
        return problems

    def check(self) -> list[str]:
        """Integrity problems (empty list when the database checks clean)."""
        problems: list[str] = []
        with self.engine.connect() as conn:
            if self.is_sqlite:
                rows = conn.exec_driver_sql("PRAGMA integrity_check").all()
                if [r[0] for r in rows] != ["ok"]:
                    problems.extend(str(r[0]) for r in rows)
                fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                problems.extend(f"foreign key: {tuple(r)}" for r in fk)
            else:
                conn.execute(text("SELECT 1"))
        return problems


def alembic_config(db: Database):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    cfg.attributes["engine"] = db.engine
    return cfg


def _can_write_file(path: Path) -> bool:
    # access(2), never open()+close(): closing any descriptor of the database file drops
    # every POSIX lock this process holds on it, so another terminal closing its last
    # connection would think it was alone and delete the -wal/-shm under our connections.
    # access() also says no for an immutable (chattr +i) file, even to root.
    return os.access(path, os.W_OK)


def _can_create_in(folder: Path) -> bool:
    import tempfile

    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".wuye-probe-"):
            return True
    except OSError:
        return False


def _quick_check(path: Path, seconds: float) -> str:
    """The first problem ``PRAGMA quick_check`` names, '' when clean or not finished."""
    import sqlite3

    # A read-write connection (it only reads) when the file allows it: a ``mode=ro`` reader
    # cannot take part in the WAL index, and while another terminal's connection restarts
    # the WAL it reads pages that are not there yet ("unable to get the page. error
    # code=522") and a healthy file looked damaged.
    mode = "rw" if os.access(path, os.W_OK) else "ro"
    try:
        conn = sqlite3.connect(f"file:{path}?mode={mode}", uri=True, timeout=1)
    except sqlite3.Error as exc:
        return str(exc)
    deadline = time.monotonic() + seconds
    conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 10_000)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA quick_check(5)")]
    except sqlite3.OperationalError:  # interrupted (out of time), locked, cannot open: not damage
        return ""
    except sqlite3.DatabaseError as exc:  # "file is not a database", "malformed"
        return str(exc)
    finally:
        conn.close()
    return "" if rows == ["ok"] else str(rows[0])[:160]


def known_revisions() -> set[str]:
    """Every revision id this program ships."""
    revisions: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        rev = _REV.search(path.read_text(encoding="utf-8"))
        if rev:
            revisions.add(rev.group(1))
    return revisions


_REV = re.compile(r"^revision\s*(?::\s*str\s*)?=\s*['\"]([^'\"]+)['\"]", re.M)
_DOWN = re.compile(r"^down_revision\s*(?::[^=]+)?=\s*(.+)$", re.M)


def script_heads() -> set[str]:
    """Head revisions read from the version files, without importing alembic."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        rev = _REV.search(source)
        if not rev:
            continue
        revisions.add(rev.group(1))
        down = _DOWN.search(source)
        if down:
            parents.update(re.findall(r"['\"]([^'\"]+)['\"]", down.group(1)))
    return revisions - parents
