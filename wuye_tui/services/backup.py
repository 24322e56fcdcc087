"""Online backup of a SQLite database (consistent while other terminals write).

The copy is made in ONE step of SQLite's backup API: in WAL mode that is one read
transaction on the source, so terminals keep writing and the copy is the database as of
one instant. (A step-wise backup restarts whenever another connection writes, and under
steady load may never finish.) The file is created 0600 and renamed into place whole.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..config import sqlite_path
from ..db import Database
from ..errors import WuyeError
from ..i18n import _


def backup(db: Database, target: Path) -> Path:
    source = sqlite_path(db.url)
    if source is None:
        raise WuyeError(_("Backups of PostgreSQL are made with pg_dump"))
    target = Path(target).expanduser()
    from ..fsafe import refuse_symlink

    refuse_symlink(target)
    if target.resolve() == source.resolve():
        raise WuyeError(_("The backup cannot overwrite the database itself"))
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
    os.fchmod(fd, 0o600)
    os.close(fd)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=10)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=-1)
            dst.execute("PRAGMA journal_mode = DELETE")
            ok = dst.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            dst.close()
    finally:
        src.close()
    if ok != "ok":
        tmp.unlink(missing_ok=True)
        raise WuyeError(_("The backup failed its integrity check"))
    os.chmod(tmp, 0o600)
    os.replace(tmp, target)
    return target
