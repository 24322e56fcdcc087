"""The CLI facing storage faults (issue #16): a newer database, a damaged copy, a
read-only file, a full disk, a lock held by another process — each one line on stderr,
exit 1, no traceback, nothing written. PostgreSQL ``db check`` and password masking."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from wuye_tui.db import script_heads
from typer.testing import CliRunner

from tests.screens.test_faults import chattr, damage, fill_up, hold_lock, release, small_disk  # noqa: F401
from wuye_tui.cli import app

runner = CliRunner()


@pytest.fixture
def dbfile(tmp_path: Path) -> str:
    path = tmp_path / "cli.db"
    result = runner.invoke(app, ["--db", str(path), "init", "--name", "王主管", "--pin", "1234"])
    assert result.exit_code == 0, result.output
    _checkpoint(path)
    return str(path)


def _checkpoint(path: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def run(dbfile: str, *args: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--db", dbfile, *args], env={"WUYE_USER": "王主管", "WUYE_PIN": "1234", **(env or {})})


def one_line_error(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.strip().splitlines() if ln.startswith("错误")]
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0], result.output


def staff_names(dbfile: str) -> list[str]:
    result = run(dbfile, "staff", "list")
    return [line.split("\t")[1] for line in result.output.strip().splitlines() if "\t" in line]


def test_newer_database_names_both_versions(dbfile):
    import sqlite3

    conn = sqlite3.connect(dbfile)
    conn.execute("UPDATE alembic_version SET version_num = '0099_future'")
    conn.commit()
    conn.close()
    result = run(dbfile, "staff", "list")
    one_line_error(result, "0099_future", *sorted(script_heads()), "比本程序新", "新版 wuye")


def test_damaged_copy_refuses_writes_and_points_at_restore(dbfile, tmp_path):
    copy = tmp_path / "copy.db"
    shutil.copyfile(dbfile, copy)
    damage(copy)
    before = copy.read_bytes()
    result = run(str(copy), "staff", "add", "张保安", "--role", "guard", "--pin", "1111")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "损坏" in result.output and "wuye db restore" in result.output
    assert copy.read_bytes() == before
    check = runner.invoke(app, ["--db", str(copy), "db", "check"])
    assert check.exit_code == 1 and "Traceback" not in check.output


def test_read_only_file_is_one_line(dbfile):
    path = Path(dbfile)
    chattr("+i", path)
    try:
        result = run(dbfile, "staff", "add", "张保安", "--role", "guard", "--pin", "1111")
        one_line_error(result, "只读", str(path))
    finally:
        chattr("-i", path)
    assert "张保安" not in staff_names(dbfile)


def test_read_only_folder_is_named(dbfile):
    folder = Path(dbfile).parent
    chattr("+i", folder)
    try:
        result = run(dbfile, "staff", "add", "张保安", "--role", "guard", "--pin", "1111")
        one_line_error(result, "文件夹", str(folder))
    finally:
        chattr("-i", folder)


def test_full_disk_is_one_line_and_nothing_half_saved(small_disk, dbfile):  # noqa: F811
    path = small_disk / "wuye.db"
    shutil.copyfile(dbfile, path)
    assert run(str(path), "staff", "list").exit_code == 0
    filler = fill_up(small_disk)
    try:
        result = run(str(path), "staff", "add", "张保安", "--role", "guard", "--pin", "1111")
        one_line_error(result, "磁盘已满")
    finally:
        filler.unlink()
    assert "张保安" not in staff_names(str(path))
    assert run(str(path), "staff", "add", "张保安", "--role", "guard", "--pin", "1111").exit_code == 0
    assert run(str(path), "audit", "verify").exit_code == 0


def test_lock_held_elsewhere_gives_up_in_time(dbfile):
    holder = hold_lock(dbfile)
    try:
        result = run(dbfile, "staff", "add", "张保安", "--role", "guard", "--pin", "1111",
                     env={"WUYE_LOCK_WAIT": "0.5"})
        one_line_error(result, "数据库正忙")
    finally:
        release(holder)
    assert run(dbfile, "staff", "add", "张保安", "--role", "guard", "--pin", "1111").exit_code == 0


def test_error_log_is_private_and_masks_passwords(tmp_path):
    from wuye_tui.storage_errors import error_log_path, log_unexpected

    try:
        raise RuntimeError("connect postgresql+psycopg://u:hunter22@db/x failed")
    except RuntimeError as exc:
        path = log_unexpected(exc, "test")
    assert path == error_log_path()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    body = path.read_text(encoding="utf-8")
    assert "hunter22" not in body and "u:***@db" in body and "Traceback" in body
