"""Restore a SQLite backup made by ``wuye db backup``.

The backup is checked first (SQLite header, ``PRAGMA integrity_check``, a wuye schema,
the audit chain); an existing database is only overwritten with ``force``. The copy goes
through SQLite's online backup API into the target, so a target in WAL mode (with other
terminals attached) is replaced page by page inside one write transaction, never by
moving files under an open database.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ...config import sqlite_path
from ...errors import Conflict, WuyeError
from ...i18n import _

SQLITE_HEADER = b"SQLite format 3\x00"


@dataclass(frozen=True)
class BackupCheck:
    path: Path
    revisions: tuple[str, ...]
    audit_rows: int


def check_backup(file: str | os.PathLike[str]) -> BackupCheck:
    """Raise a clear WuyeError unless ``file`` is an intact wuye database."""
    path = Path(file).expanduser()
    if not path.is_file():
        raise WuyeError(_("No backup file at {path}").format(path=path))
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise WuyeError(_("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror)) from None
    if header != SQLITE_HEADER:
        raise WuyeError(_("{path} is not a SQLite database").format(path=path))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if rows != ["ok"]:
            raise WuyeError(_("The backup {path} is damaged: {problem}").format(path=path, problem=rows[0]))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if not {"alembic_version", "audit", "staff"} <= tables:
            raise WuyeError(_("{path} is not a wuye database").format(path=path))
        revisions = tuple(sorted(r[0] for r in conn.execute("SELECT version_num FROM alembic_version")))
    except sqlite3.DatabaseError as exc:
        raise WuyeError(_("The backup {path} is damaged: {problem}").format(path=path, problem=exc)) from None
    finally:
        conn.close()
    audit_rows = _verify_audit(path)
    return BackupCheck(path, revisions, audit_rows)


def _verify_audit(path: Path) -> int:
    from ...db import Database
    from . import audit

    from .audit_checkpoint import chain_head

    db = Database(f"sqlite:///{path}")
    try:
        with db.read() as session:
            result = audit.verify(session)
            changed = audit._changed_register_row(session) if result.ok else None
            head = chain_head(session)
    finally:
        db.dispose()
    if not result.ok:
        raise WuyeError(_("The backup's audit chain is broken at row {id} ({reason})").format(
            id=result.broken_id, reason=result.reason))
    if changed is not None:
        raise WuyeError(_("The backup was changed outside wuye: {entity} #{id} no longer matches its audit row").format(
            entity=audit.register_label(changed[0]), id=changed[1]))
    _check_side_file(path, head)
    return result.checked


def _check_side_file(path: Path, head: dict) -> None:  # type: ignore[type-arg]
    """``<backup>.head`` (written with the backup) must name the chain head the file holds."""
    import json

    side = path.with_name(path.name + ".head")
    if not side.is_file():
        return
    try:
        want = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if want.get("id") and (want.get("id") != head.get("id") or want.get("hash") != head.get("hash")):
        raise WuyeError(_("The backup does not match its {side} file: its audit chain was cut or rewritten").format(
            side=side.name))


def _has_data(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(conn.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return True  # something that is not an empty database: never overwrite silently


def restore(target_url: str, file: str | os.PathLike[str], force: bool = False, by: str = "") -> BackupCheck:
    """Copy the checked backup into the database at ``target_url`` (SQLite only)."""
    target = sqlite_path(target_url)
    if target is None:
        raise WuyeError(_("Restoring PostgreSQL is done with pg_restore"))
    checked = check_backup(file)
    if target.exists() and checked.path.resolve() == target.resolve():
        raise WuyeError(_("The backup is the database itself"))
    if _has_data(target) and not force:
        raise Conflict(_("{path} already holds a database: add --force to overwrite it").format(path=target))
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        os.close(os.open(target, os.O_WRONLY | os.O_CREAT, 0o600))
    src = sqlite3.connect(f"file:{checked.path}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target, timeout=30)
        try:
            dst.execute("PRAGMA busy_timeout = 30000")
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = WAL")
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise WuyeError(_("The restore failed: {reason}").format(reason=exc)) from None
    finally:
        src.close()
    if ok != "ok":
        raise WuyeError(_("The restored database failed its integrity check"))
    _record_restore(target_url, checked, by)
    return checked


def _record_restore(target_url: str, checked: BackupCheck, by: str = "") -> None:
    """The restore is the first row the restored audit trail gets (after any upgrade)."""
    from ...clock import SystemClock
    from ...db import Database
    from . import audit

    db = Database(target_url)
    try:
        db.upgrade()
        with db.write() as session:
            audit.record(session, None, SystemClock().now(), "db.restore", "database", "",
                         after={"from": checked.path.name, "audit_rows": checked.audit_rows,
                                **({"by": by} if by else {})})
        from . import sitekey
        from .audit_checkpoint import checkpoint

        sitekey.forget()
        checkpoint(db, "restore")  # the restored head is the new reference
    finally:
        db.dispose()
