"""Engine factory, session scopes and schema upgrades.

Never makes an engine at import time. SQLite gets WAL, busy_timeout, foreign keys and
synchronous=NORMAL on every connection; write transactions begin IMMEDIATE so that a
read-then-write never fails with "database is locked". PostgreSQL write transactions take
one advisory lock so the audit hash chain stays linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from .config import sqlite_path

BUSY_TIMEOUT_MS = 10_000
PG_WRITE_LOCK = 0x77757965  # "wuye"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = sqlite_path(url)
        if path is not None and str(path) != ":memory:":
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
            mode = conn.get_execution_options().get("wuye_write") and "IMMEDIATE" or "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)
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

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error."""
        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                if not self.is_sqlite:
                    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_WRITE_LOCK})
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

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

    def upgrade(self) -> None:
        """Bring the schema to the newest revision (alembic imported only when needed)."""
        if not self.needs_upgrade():
            return
        from alembic import command

        command.upgrade(alembic_config(self), "heads")

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
