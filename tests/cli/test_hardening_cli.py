"""Hard to break from a shell (issue #9): whole-database commands need a supervisor, files
are private whatever the umask, every bad input is one translated line."""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wuye_tui.cli import app

runner = CliRunner()
SUP = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}
GUARD = {"WUYE_USER": "张保安", "WUYE_PIN": "1111"}


@pytest.fixture
def dbfile(tmp_path):
    path = tmp_path / "site" / "wuye.db"
    r = runner.invoke(app, ["--db", str(path), "init", "--name", "王主管", "--pin", "1234"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["--db", str(path), "staff", "add", "张保安", "--role", "guard", "--pin", "1111"], env=SUP)
    assert r.exit_code == 0, r.output
    return path


def run(dbfile, *args, env=None):
    return runner.invoke(app, ["--db", str(dbfile), *args], env=env or {})


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def _one_line(r) -> str:
    text = r.output.strip()
    assert text.count("\n") == 0, text
    assert "Traceback" not in text
    return text


# ---- usage errors --------------------------------------------------------------------

@pytest.mark.parametrize("args, words", [
    (["residents", "find"], ["缺少参数", "用法：", "residents find [选项]", "residents find --help"]),
    (["nosuch"], ["没有名为 nosuch 的命令", "--help"]),
    (["demo", "--households", "abc"], ["--households", "不是整数"]),
    (["audit", "verify", "x"], ["多余的参数"]),
    (["--bogus"], ["没有选项 --bogus"]),
    (["staff", "add", "x", "--role"], ["--role", "需要一个值"]),
])
def test_usage_errors_are_one_translated_line(dbfile, args, words):
    r = run(dbfile, *args)
    assert r.exit_code == 2
    line = _one_line(r)
    assert line.startswith("错误：")
    for w in words:
        assert w in line, line


def test_usage_errors_in_english(dbfile):
    r = runner.invoke(app, ["--lang", "en", "--db", str(dbfile), "residents", "find"])
    line = _one_line(r)
    assert r.exit_code == 2 and line.startswith("Error: missing argument") and "Usage: " in line and "residents find --help" in line


def test_help_is_translated():
    r = runner.invoke(app, ["residents", "find", "--help"])
    assert r.exit_code == 0
    for word in ("用法：", "选项", "参数", "显示此帮助并退出", "[必填]"):
        assert word in r.output, word
    for word in ("Usage:", "Options", "Show this message"):
        assert word not in r.output, word


# ---- the listed tracebacks -----------------------------------------------------------

def test_no_tracebacks_on_bad_values(dbfile):
    r = run(dbfile, "visitor", "checkout", "9" * 5000, env=GUARD)
    assert r.exit_code == 1 and _one_line(r)
    r = run(dbfile, "db", "backup", "", env=SUP)
    assert r.exit_code == 1 and "备份文件名" in _one_line(r)
    r = run(dbfile, "residents", "find", "%", env=GUARD)
    assert r.exit_code == 0 and r.output.strip() == ""


def test_slip_quantity_refused():
    from wuye_tui.errors import ValidationError
    from wuye_tui.services.gate.slips import parse_items

    for text in ("冰箱x-3", "纸箱*1.5", "沙发 -2", "冰箱x0"):
        with pytest.raises(ValidationError, match="数量"):
            parse_items(text)
    assert parse_items("冰箱x2，旧沙发 1，iPhone-12") == [("冰箱", 2), ("旧沙发", 1), ("iPhone-12", 1)]


def test_demo_with_few_households_and_fresh_refuses_a_real_database(tmp_path, dbfile):
    demo = tmp_path / "demo.db"
    r = runner.invoke(app, ["--db", str(demo), "demo", "--households", "5", "--days", "1", "--no-launch"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["--db", str(demo), "demo", "--fresh", "--households", "5", "--days", "1",
                            "--no-launch"])
    assert r.exit_code == 0, r.output  # a demo database may be rebuilt
    before = dbfile.stat().st_size
    r = run(dbfile, "demo", "--fresh", "--no-launch")
    assert r.exit_code == 1 and "不是演示数据库" in _one_line(r)
    assert dbfile.exists() and dbfile.stat().st_size == before
    r = run(dbfile, "demo", "--no-launch")
    assert r.exit_code == 1 and "不是演示数据库" in _one_line(r)


def test_broken_pipe_is_quiet(dbfile):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader (e.g. `head`) is already gone
    env = {**os.environ, **SUP, "WUYE_DB": str(dbfile)}
    proc = subprocess.run([sys.executable, "-m", "wuye_tui.cli", "staff", "list"], stdout=write_end,
                          stderr=subprocess.PIPE, env=env, timeout=120)
    os.close(write_end)
    assert proc.stderr.decode().strip() == "", proc.stderr.decode()


# ---- settings validated when set -----------------------------------------------------

@pytest.mark.parametrize("key, value", [
    ("site_name", "[/] 物业"), ("site_name", "x" * 41), ("site_name", "a\x1b[2Jb"), ("site_name", ""),
    ("notify_command", 'echo "unclosed'), ("notify_command", "echo \x07bell"),
])
def test_bad_settings_refused(dbfile, key, value):
    r = run(dbfile, "settings", "set", key, value, env=SUP)
    assert r.exit_code == 1 and _one_line(r)


# ---- whole-database commands ---------------------------------------------------------

def test_backup_needs_a_supervisor_and_is_audited(dbfile, tmp_path):
    bak = tmp_path / "b.db"
    assert run(dbfile, "db", "backup", str(bak)).exit_code == 1
    assert run(dbfile, "db", "backup", str(bak), env=GUARD).exit_code == 1
    assert not bak.exists()
    r = run(dbfile, "db", "backup", str(bak), env=SUP)
    assert r.exit_code == 0, r.output
    actions = [a for (a,) in sqlite3.connect(dbfile).execute("SELECT action FROM audit")]
    assert "db.backup" in actions
    assert (tmp_path / "b.db.head").exists()


def test_restore_of_a_doctored_copy_needs_the_live_supervisor(dbfile, tmp_path):
    bak = tmp_path / "b.db"
    assert run(dbfile, "db", "backup", str(bak), env=SUP).exit_code == 0
    # the guard promotes himself in a copy and tries to put it back
    con = sqlite3.connect(bak)
    con.execute("UPDATE staff SET role = 'manager' WHERE name = '张保安'")
    con.commit()
    con.close()
    r = run(dbfile, "db", "restore", str(bak), "--force", env=GUARD)
    assert r.exit_code == 1
    r = run(dbfile, "db", "restore", str(bak), "--force")
    assert r.exit_code == 1
    # even the live supervisor cannot put the doctored copy back: the staff row is re-hashed
    r = run(dbfile, "db", "restore", str(bak), "--force", env=SUP)
    assert r.exit_code == 1 and "员工名册" in _one_line(r) and "staff" not in _one_line(r)  # the register named
    role = sqlite3.connect(dbfile).execute("SELECT role FROM staff WHERE name = '张保安'").fetchone()[0]
    assert role == "guard"


def test_restore_refuses_a_backup_cut_short(dbfile, tmp_path):
    bak = tmp_path / "b.db"
    assert run(dbfile, "db", "backup", str(bak), env=SUP).exit_code == 0
    con = sqlite3.connect(bak)
    con.execute("DELETE FROM audit WHERE id = (SELECT max(id) FROM audit)")
    con.commit()
    con.close()
    r = run(dbfile, "db", "restore", str(bak), "--force", env=SUP)
    assert r.exit_code == 1 and "b.db.head" in _one_line(r)


def test_purge_needs_a_supervisor(dbfile):
    assert run(dbfile, "purge", "--before", "2020-01-01", env=GUARD).exit_code == 1
    assert run(dbfile, "purge", "--before", "2020-01-01", env=SUP).exit_code == 0


# ---- files only their owner can read -------------------------------------------------

def test_every_writer_leaves_private_files(tmp_path):
    from wuye_tui import fsafe

    old = os.umask(0o022)
    try:
        path = tmp_path / "newsite" / "wuye.db"
        assert runner.invoke(app, ["--db", str(path), "init", "--name", "王主管", "--pin", "1234"]).exit_code == 0
        assert _mode(path.parent) == 0o700
        for suffix in ("", "-wal", "-shm"):
            p = path.with_name(path.name + suffix)
            if p.exists():
                assert _mode(p) == 0o600, p
        bak = tmp_path / "b.db"
        assert run(path, "db", "backup", str(bak), env=SUP).exit_code == 0
        assert _mode(bak) == 0o600 and _mode(tmp_path / "b.db.head") == 0o600
        out = tmp_path / "audit.csv"
        r = run(path, "export", "audit", "--from", "2020-01-01", "--to", "2030-12-31", "--format", "csv",
                "--out", str(out), env=SUP)
        assert r.exit_code == 0, r.output
        assert _mode(out) == 0o600
        rep = tmp_path / "patrol.md"
        r = run(path, "report", "patrol", "--from", "2026-01-01", "--to", "2026-01-02", "--out", str(rep), env=SUP)
        assert r.exit_code == 0, r.output
        assert _mode(rep) == 0o600
        letter = tmp_path / "letter.md"
        fsafe.write_private(letter, "尊敬的住户".encode())  # what write_letter uses
        assert _mode(letter) == 0o600
        from wuye_tui.services.core import sitekey

        keys = sitekey.key_dir()
        assert _mode(keys) == 0o700
        assert all(_mode(p) == 0o600 for p in keys.iterdir())
        # never through a symlink
        target = tmp_path / "victim.txt"
        target.write_text("keep")
        for name in ("link.csv", "link.db", "link.md"):
            (tmp_path / name).symlink_to(target)
        r = run(path, "export", "audit", "--from", "2020-01-01", "--to", "2030-12-31", "--format", "csv",
                "--out", str(tmp_path / "link.csv"), env=SUP)
        assert r.exit_code == 1 and "符号链接" in r.output
        r = run(path, "db", "backup", str(tmp_path / "link.db"), env=SUP)
        assert r.exit_code == 1 and "符号链接" in r.output
        with pytest.raises(Exception, match="符号链接"):
            fsafe.write_private(tmp_path / "link.md", b"x")
        assert target.read_text() == "keep"
    finally:
        os.umask(old)
