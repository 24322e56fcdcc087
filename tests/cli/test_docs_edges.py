"""Robust edges: dates the database cannot hold, and a db check that changes nothing."""

from __future__ import annotations

import hashlib

import pytest
from typer.testing import CliRunner

from tests.conftest import add_staff
from wuye_tui.cli import app

SUP = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}


@pytest.fixture
def dbpath(sqlite_db):  # type: ignore[no-untyped-def]
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    return str(sqlite_db.engine.url.database)


@pytest.mark.parametrize("args", [
    ["export", "visitors", "--from", "2026-11-01", "--to", "9999-12-31", "--out", "{tmp}/x.csv"],
    ["export", "visitors", "--from", "0001-01-01", "--to", "2026-01-01", "--out", "{tmp}/x.csv"],
    ["report", "patrol", "--from", "2026-11-01", "--to", "9999-12-31"],
    ["report", "handover", "--date", "9999-12-31"],
    ["report", "monthly", "--month", "0001-01"],
    ["report", "visitors", "--date", "9999-12-31", "--out", "{tmp}/v.pdf"],
])
def test_dates_out_of_range_are_one_line(dbpath, tmp_path, args):
    r = CliRunner().invoke(app, ["--db", dbpath, *[a.format(tmp=tmp_path) for a in args]], env=SUP)
    assert r.exit_code == 1, r.output
    assert len(r.output.strip().splitlines()) == 1 and "Traceback" not in r.output
    assert "1900-01-01" in r.output or "月份" in r.output
    assert not list(tmp_path.glob("*.csv")) and not list(tmp_path.glob("*.pdf"))


def test_db_check_changes_nothing(sqlite_db, tmp_path):
    src = str(sqlite_db.engine.url.database)
    with sqlite_db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    sqlite_db.dispose()
    (tmp_path / "office").mkdir()
    copy = tmp_path / "office" / "backup.db"
    copy.write_bytes(open(src, "rb").read())
    before = hashlib.sha256(copy.read_bytes()).hexdigest()
    r = CliRunner().invoke(app, ["--db", str(copy), "db", "check"])
    assert r.exit_code == 0, r.output
    assert "数据库检查通过" in r.output
    assert sorted(p.name for p in copy.parent.iterdir()) == ["backup.db"]  # no -wal, no -shm
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == before


def test_db_check_of_a_missing_or_broken_file(tmp_path):
    r = CliRunner().invoke(app, ["--db", str(tmp_path / "none.db"), "db", "check"])
    assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1
    assert not list(tmp_path.iterdir())
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    r = CliRunner().invoke(app, ["--db", str(bad), "db", "check"])
    assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1
    assert bad.read_text() == "not a database"
