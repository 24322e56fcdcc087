"""Commands that read or replace the whole database act as a supervisor and are audited.

- ``backup_as``: a supervisor's backup; the live trail records it (file name, chain head)
  and the backup gets a side file ``<backup>.head`` with the chain head it contains.
- ``restore_as``: when the live database holds staff, a supervisor OF THE LIVE DATABASE
  must authorise it (a copied file with a promoted guard cannot be restored by that guard);
  the restored trail records the restore and who did it.
- ``demo_fresh_allowed``: ``wuye demo --fresh`` deletes only databases ``wuye demo`` built
  (a marker setting), never a site's real database.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from ...errors import ValidationError, WuyeError
from ...i18n import _
from . import audit
from .context import Actor, ServiceContext
from .permissions import SUPERVISORS, require

DEMO_MARKER = "demo_site"  # setting written by ``wuye demo``


def _check_target(target: object) -> Path:
    raw = str(target if target is not None else "").strip()
    if not raw or raw in (".", ".."):
        raise ValidationError("file", _("Name the backup file"))
    path = Path(raw).expanduser()
    if path.exists() and path.is_dir():
        raise ValidationError("file", _("{path} is a folder: name a file").format(path=path))
    return path


def backup_as(ctx: ServiceContext, target: object) -> Path:
    """A supervisor copies the whole database (SQLite), audited, with a chain-head side file."""
    from .backup import backup

    require(ctx.actor, SUPERVISORS, _("back up the whole database"))
    from ...config import sqlite_path

    on_postgres = sqlite_path(ctx.db.url) is None  # backup() runs pg_dump for it
    path = _check_target(target)
    from ...fsafe import refuse_symlink

    refuse_symlink(path)
    from . import sitekey

    sitekey.site_id(ctx.db)  # the backup carries the id that names its key and checkpoints
    with ctx.db.write() as session:
        audit.record(session, ctx.actor, ctx.now(), "db.backup", "database", "", after={"file": path.name})
    from .audit_checkpoint import checkpoint, live_head, write_backup_head

    live = live_head(ctx.db) if on_postgres else None  # a dump cannot be read back here
    written = backup(ctx.db, path)
    write_backup_head(written, live)
    checkpoint(ctx.db, "backup")
    return written


def live_has_staff(url: str) -> bool:
    """Whether the database at ``url`` exists and holds staff (so a restore needs a PIN)."""
    from ...config import sqlite_path

    path = sqlite_path(url)
    if path is not None and (not path.exists() or path.stat().st_size == 0):
        return False
    import sqlite3

    if path is not None:
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                return bool(conn.execute("SELECT count(*) FROM staff").fetchone()[0])
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            return False
    return False


def restore_as(ctx: ServiceContext | None, target_url: str, file: object, force: bool = False):  # type: ignore[no-untyped-def]
    """Restore ``file`` over ``target_url``. ``ctx`` acts on the live database (a supervisor)
    whenever it holds staff; the restored trail names who restored it."""
    from .restore import restore

    if live_has_staff(target_url):
        if ctx is None:
            raise WuyeError(_("The database holds staff: a supervisor must restore it (--as NAME)"))
        require(ctx.actor, SUPERVISORS, _("restore the whole database"))
    actor: Actor | None = ctx.actor if ctx is not None and ctx.actor.id is not None else None
    return restore(target_url, file, force=force, by=actor.name if actor else "")


def mark_demo(db) -> None:  # type: ignore[no-untyped-def]
    """``wuye demo`` marks the database it built, so ``--fresh`` may delete it later."""
    from ...models import Setting

    with db.write() as session:
        if session.get(Setting, DEMO_MARKER) is None:
            session.add(Setting(key=DEMO_MARKER, value=json.dumps(True)))


def is_demo(path: Path) -> bool:
    """Whether the SQLite file at ``path`` was built by ``wuye demo`` (missing/empty: yes)."""
    import sqlite3

    if not path.exists() or path.stat().st_size == 0:
        return True
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables:
                return True
            if "setting" not in tables:
                return False
            row = conn.execute("SELECT value FROM setting WHERE key = ?", (DEMO_MARKER,)).fetchone()
            return bool(row and json.loads(row[0]))
        finally:
            conn.close()
    except (sqlite3.DatabaseError, ValueError):
        return False


def demo_fresh(path: Path, known_demo: bool = False) -> None:
    """Delete a demo database (and its -wal/-shm) before a rebuild; refuse any other."""
    if not known_demo and not is_demo(path):
        raise WuyeError(_("{path} is not a demo database: --fresh deletes only what `wuye demo` built").format(
            path=path))
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.is_symlink():
            raise WuyeError(_("{path} is a symbolic link: refused").format(path=p))
        p.unlink(missing_ok=True)


def demo_marked(db) -> bool:  # type: ignore[no-untyped-def]
    from ...models import Setting

    with db.read() as session:
        return session.execute(select(Setting.key).where(Setting.key == DEMO_MARKER)).first() is not None

