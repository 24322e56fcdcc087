"""``wuye db check`` without changing the checked database: a SQLite file is opened
read-only through the sqlite3 URI (``mode=ro``; ``immutable=1`` when no terminal has it
open, i.e. there is no ``-wal`` file beside it), so no WAL or shared-memory file is
created, no schema upgrade runs and the file's bytes stay the same. PostgreSQL is checked
in a read-only transaction."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .config import sqlite_path
from .errors import WuyeError
from .i18n import _


@dataclass
class CheckResult:
    revisions: set[str]
    problems: list[str] = field(default_factory=list)


def _sqlite_uri(path: Path) -> str:
    live = Path(str(path) + "-wal").exists()
    mode = "mode=ro" if live else "mode=ro&immutable=1"
    return f"file:{quote(str(path.resolve()))}?{mode}"


def check(url: str) -> CheckResult:
    from .db import script_heads

    path = sqlite_path(url)
    if url.startswith("sqlite"):
        if path is None or not path.is_file():
            raise WuyeError(_("No database file {path}").format(path=path or url))
        try:
            conn = sqlite3.connect(_sqlite_uri(path), uri=True, timeout=10)
        except sqlite3.Error as exc:
            raise WuyeError(_("Cannot open {path}: {reason}").format(path=path, reason=exc)) from None
        try:
            res = CheckResult(set())
            try:
                rows = conn.execute("PRAGMA integrity_check").fetchall()
                if [r[0] for r in rows] != ["ok"]:
                    res.problems.extend(str(r[0]) for r in rows)
                res.problems.extend(f"foreign key: {tuple(r)}" for r in conn.execute("PRAGMA foreign_key_check"))
                try:
                    res.revisions = {r[0] for r in conn.execute("SELECT version_num FROM alembic_version")}
                except sqlite3.OperationalError:
                    res.revisions = set()
            except sqlite3.DatabaseError as exc:
                raise WuyeError(_("Cannot read {path}: {reason}").format(path=path, reason=exc)) from None
        finally:
            conn.close()
    else:
        from sqlalchemy import text

        from .db import make_engine

        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                conn.execute(text("SET TRANSACTION READ ONLY"))
                conn.execute(text("SELECT 1"))
                try:
                    revs = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
                except Exception:  # no table: no revision
                    revs = set()
                conn.rollback()
            res = CheckResult(revs)
        finally:
            engine.dispose()
    if res.revisions != script_heads():
        res.problems.append(_("schema revision is not the newest"))
    return res
