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

from ...config import sqlite_path
from ...db import Database
from ...errors import WuyeError
from ...i18n import _


def backup(db: Database, target: Path) -> Path:
    source = sqlite_path(db.url)
    if source is None:
        return pg_dump_backup(db, target)
    target = Path(target).expanduser()
    from ...fsafe import refuse_symlink

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


def pg_dump_backup(db: Database, target: Path) -> Path:
    """PostgreSQL: ``pg_dump --format=custom`` when it is on the PATH (restore it with
    ``pg_restore``). The password goes by PGPASSWORD, never on the command line."""
    import shutil
    import subprocess

    from sqlalchemy.engine import make_url

    exe = shutil.which("pg_dump")
    if exe is None:
        raise WuyeError(_("pg_dump is not on the PATH: install the PostgreSQL client (Debian: apt-get install "
                          "postgresql-client) and try again, or back up on the server with pg_dump"))
    u = make_url(db.url)
    target = Path(target).expanduser()
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    env = {**os.environ, "PGPASSWORD": u.password or "", "PGCONNECT_TIMEOUT": "5"}
    args = [exe, "--format=custom", "--no-owner", f"--file={tmp}", "--host", u.host or "localhost",
            "--port", str(u.port or 5432), "--username", u.username or "", u.database or ""]
    run = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600)
    if run.returncode != 0:
        tmp.unlink(missing_ok=True)
        err = (run.stderr.strip().splitlines() or ["?"])[-1]
        raise WuyeError(_("pg_dump failed: {err}").format(err=err[:200]))
    os.chmod(tmp, 0o600)
    os.replace(tmp, target)
    return target
