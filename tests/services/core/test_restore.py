"""Backup and restore (SQLite): the backup checks clean, restore refuses to overwrite
without --force, refuses damaged or foreign files, and the result verifies."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from typer.testing import CliRunner

from tests.conftest import add_staff
from wuye_tui.cli import app
from wuye_tui.db import Database
from wuye_tui.errors import Conflict, WuyeError
from wuye_tui.services.core import audit, escalation
from wuye_tui.services.core.backup import backup
from wuye_tui.services.core.context import ServiceContext
from wuye_tui.services.core.restore import check_backup, restore


@pytest.fixture
def filled(sqlite_db, clock):
    actor = add_staff(sqlite_db, "王主管", "supervisor")
    ctx = ServiceContext(db=sqlite_db, actor=actor, clock=clock)
    for i in range(5):
        escalation.raise_escalation(ctx, "fire", f"{i}号楼烟雾报警")
    return ctx


def _count(path, table):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_backup_then_restore_into_new_file(filled, tmp_path):
    bak = backup(filled.db, tmp_path / "b" / "wuye.bak")
    assert stat.S_IMODE(os.stat(bak).st_mode) == 0o600
    checked = check_backup(bak)
    assert checked.audit_rows == 5
    target = tmp_path / "new" / "restored.db"
    restore(f"sqlite:///{target}", bak)
    assert _count(target, "escalation") == 5
    db = Database(f"sqlite:///{target}")
    try:
        assert db.check() == []
        with db.read() as s:
            result = audit.verify(s)
            last = list(audit.entries(s, since_id=result.checked - 1))
        assert result.ok and result.checked == 6  # the five rows of the backup, then the restore
        assert last[-1].action == "db.restore" and "wuye.bak" in last[-1].after
    finally:
        db.dispose()


def test_restore_refuses_to_overwrite_without_force(filled, tmp_path):
    bak = backup(filled.db, tmp_path / "wuye.bak")
    escalation.raise_escalation(filled, "fire", "备份之后")
    with pytest.raises(Conflict, match="--force"):
        restore(filled.db.url, bak)
    with filled.db.read() as s:
        from sqlalchemy import func, select

        from wuye_tui.models import Escalation
        assert s.execute(select(func.count()).select_from(Escalation)).scalar() == 6
    # with --force the live database (WAL, connection open) goes back to the backup
    restore(filled.db.url, bak, force=True)
    with filled.db.read() as s:
        assert s.execute(select(func.count()).select_from(Escalation)).scalar() == 5
        assert audit.verify(s).ok
    assert filled.db.check() == []


def test_restore_refuses_damaged_or_foreign_files(filled, tmp_path):
    target = f"sqlite:///{tmp_path / 't.db'}"
    with pytest.raises(WuyeError, match="没有备份文件"):
        restore(target, tmp_path / "none.bak")
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"hello" * 1000)
    with pytest.raises(WuyeError, match="不是 SQLite"):
        restore(target, junk)
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE x (a)")
    conn.commit()
    conn.close()
    with pytest.raises(WuyeError, match="不是物业"):
        restore(target, other)
    # a damaged page
    bak = backup(filled.db, tmp_path / "wuye.bak")
    data = bytearray(bak.read_bytes())
    page = 4096
    for i in range(page * 2, min(len(data), page * 6)):
        data[i] = 0xA5
    bad = tmp_path / "bad.bak"
    bad.write_bytes(bytes(data))
    with pytest.raises(WuyeError):
        restore(target, bad)
    # a tampered audit row
    tampered = tmp_path / "tampered.bak"
    tampered.write_bytes(bak.read_bytes())
    conn = sqlite3.connect(tampered)
    conn.execute("UPDATE audit SET after = 'x' WHERE id = 2")
    conn.commit()
    conn.close()
    with pytest.raises(WuyeError, match="审计链"):
        restore(target, tampered)
    assert not (tmp_path / "t.db").exists()


def test_cli_restore(filled, tmp_path):
    bak = tmp_path / "c.bak"
    dbpath = filled.db.url.removeprefix("sqlite:///")
    sup = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}
    r = CliRunner().invoke(app, ["--db", dbpath, "db", "backup", str(bak)], env=sup)
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["--db", dbpath, "db", "restore", str(bak)], env=sup)
    assert r.exit_code == 1 and "--force" in r.output and len(r.output.strip().splitlines()) == 1
    newdb = tmp_path / "fresh.db"
    r = CliRunner().invoke(app, ["--db", str(newdb), "db", "restore", str(bak)])  # nothing to protect yet
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["--db", str(newdb), "audit", "verify"])
    assert r.exit_code == 0, r.output
    assert _count(newdb, "escalation") == 5
    assert _count(newdb, "audit") == 8  # the PIN rehash at login, the backup and the restore are audited
    r = CliRunner().invoke(app, ["--db", dbpath, "db", "restore", str(bak), "--force"])
    assert r.exit_code == 1 and "WUYE_USER" in r.output  # a database with staff needs its supervisor
    r = CliRunner().invoke(app, ["--db", dbpath, "db", "restore", str(bak), "--force"], env=sup)
    assert r.exit_code == 0, r.output
    last = sqlite3.connect(dbpath).execute("SELECT action, after FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    assert last[0] == "db.restore" and "王主管" in last[1]
