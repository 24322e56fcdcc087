"""Faults a terminal survives (issue #16), injected for real and driven through Pilot:
a full disk (a small tmpfs), a write lock held by another process, a read-only file and
folder, a newer and a damaged database, a bug in a handler. Each asserts the one-line
message, the kept form, that nothing was lost or half saved, and that the app lives on.
PostgreSQL stopped and restarted: tests/screens/test_faults_pg.py."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from wuye_tui.db import script_heads
from sqlalchemy import select
from textual.widgets import Input, Static

from screens.gate.checkin import CheckInScreen
from screens.login import LoginScreen
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app, settle, wait_ready
from tests.services.conftest_gate import ID1, seed_roster
from wuye_tui.db import Database
from wuye_tui.models.gate import Visit
from wuye_tui.services.core.context import ServiceContext

GOOD = {"name": "诸葛亮", "id_type": "1", "id_number": ID1, "phone": "13800138000", "headcount": "2",
        "unit": "3栋2单元1202", "approval": "2", "purpose": "1", "plate": "京B12345", "stay": "2"}


def setup(db, clock) -> None:  # type: ignore[no-untyped-def]
    add_staff(db, "张保安", "guard", "1111")
    add_staff(db, "王主管", "supervisor", "1234")
    seed_roster(ServiceContext(db=db, actor=add_staff(db, "陈客服", "front_desk", "3333"), clock=clock))


def visits(db) -> list[Visit]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(Visit).order_by(Visit.id)).scalars())


def fill(screen) -> None:  # type: ignore[no-untyped-def]
    for name, value in GOOD.items():
        screen.query_one(f"#in-{name}", Input).value = value


def kept(screen) -> bool:  # type: ignore[no-untyped-def]
    return all(screen.query_one(f"#in-{n}", Input).value == GOOD[n] for n in ("name", "unit", "plate"))


def notes(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(str(n.message) for n in app._notifications)


def text(widget) -> str:  # type: ignore[no-untyped-def]
    return str(widget.render())


async def open_checkin(pilot) -> CheckInScreen:  # type: ignore[no-untyped-def]
    await login(pilot, "张保安", "1111")
    await pilot.press("1")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CheckInScreen)
    return pilot.app.screen


def no_traceback(app) -> None:  # type: ignore[no-untyped-def]
    assert app.is_running and app.return_code is None


# ---- a full disk ----------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path):
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root")
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)]).returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)])


def fill_up(folder: Path) -> Path:
    filler = folder / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


async def test_disk_full_at_checkin_keeps_the_form_and_ctrl_r_saves(small_disk, sqlite_db, clock):
    setup(sqlite_db, clock)
    sqlite_db.dispose()
    src = Path(sqlite_db.url[len("sqlite:///"):])
    shutil.copyfile(src, small_disk / "wuye.db")
    db = Database(f"sqlite:///{small_disk / 'wuye.db'}")
    app = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot)
        fill(screen)
        filler = fill_up(small_disk)
        await pilot.press("f2")
        await settle(pilot)
        no_traceback(app)
        assert app.screen is screen and kept(screen)
        assert "磁盘已满" in notes(app) and "Ctrl+R" in notes(app)
        assert "Traceback" not in notes(app)
        filler.unlink()
        await pilot.press("ctrl+r")
        await settle(pilot)
        rows = visits(db)
        assert [v.name for v in rows] == ["诸葛亮"]
        assert "诸葛亮" in text(screen.query_one("#gate-msg", Static))
    db.dispose()


async def test_disk_full_at_login_says_so_and_keeps_the_name(small_disk, sqlite_db, clock):
    setup(sqlite_db, clock)
    sqlite_db.dispose()
    shutil.copyfile(Path(sqlite_db.url[len("sqlite:///"):]), small_disk / "wuye.db")
    db = Database(f"sqlite:///{small_disk / 'wuye.db'}")
    app = make_app(db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        filler = fill_up(small_disk)
        await login(pilot, "张保安", "1111")
        no_traceback(app)
        assert isinstance(app.screen, LoginScreen)
        assert "磁盘已满" in text(app.screen.query_one("#login-message", Static))
        assert app.screen.query_one("#login-name", Input).value == "张保安"
        filler.unlink()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert not isinstance(app.screen, LoginScreen)
    db.dispose()


# ---- a write lock held by another process -----------------------------------------------

HOLDER = """
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("held", flush=True)
sys.stdin.readline()
c.execute("ROLLBACK")
"""


def hold_lock(path: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def release(proc: subprocess.Popen[str]) -> None:
    assert proc.stdin is not None
    proc.stdin.write("\n")
    proc.stdin.flush()
    proc.wait(timeout=10)


async def test_lock_held_elsewhere_is_a_message_then_saves(sqlite_db, clock, monkeypatch):
    monkeypatch.setenv("WUYE_LOCK_WAIT", "1")
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot)
        fill(screen)
        holder = hold_lock(sqlite_db.url[len("sqlite:///"):])
        try:
            await pilot.press("f2")
            await settle(pilot)
            no_traceback(app)
            assert "数据库正忙" in text(screen.query_one("#gate-msg", Static)) + notes(app)
            assert kept(screen) and visits(sqlite_db) == []
        finally:
            release(holder)
        await pilot.press("f2")
        await settle(pilot)
        assert [v.name for v in visits(sqlite_db)] == ["诸葛亮"]


async def test_saving_shows_then_esc_cancels_and_nothing_is_saved(sqlite_db, clock, monkeypatch):
    """Staff admin saves through run_db: the screen stays live, 保存中… shows on the
    status line, Esc cancels the waiting write, the form keeps its data."""
    from screens.staff_admin import StaffAdminScreen
    from screens.widgets.status_bar import StatusBar
    from wuye_tui.services.core import staff

    monkeypatch.setenv("WUYE_LOCK_WAIT", "20")
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "王主管", "1234")
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StaffAdminScreen)
        for name, value in {"name": "赵保安", "role": "门岗", "pin": "2468"}.items():
            screen.query_one(f"#in-{name}", Input).value = value
        holder = hold_lock(sqlite_db.url[len("sqlite:///"):])
        try:
            await pilot.press("f5")
            await pilot.pause(0.8)
            assert screen.db_busy
            assert "保存中" in text(screen.query_one(StatusBar))
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen and not screen.db_busy
            assert "已取消，未保存" in notes(app)
            assert screen.query_one("#in-name", Input).value == "赵保安"
        finally:
            release(holder)
        ctx = ServiceContext(db=sqlite_db, clock=clock)
        assert "赵保安" not in [s.name for s in staff.list_staff(ctx)]
        await pilot.press("f5")
        await settle(pilot)
        assert "赵保安" in [s.name for s in staff.list_staff(ctx)]
        assert screen.query_one("#in-name", Input).value == ""  # cleared only once saved
        assert "保存中" not in text(screen.query_one(StatusBar))


# ---- read-only file and folder ------------------------------------------------------------

def chattr(flag: str, path: Path) -> None:
    if subprocess.run(["chattr", flag, str(path)], capture_output=True).returncode != 0:
        pytest.skip("chattr is not available on this file system (root bypasses chmod)")


async def test_read_only_file_is_named_at_login(sqlite_db, clock):
    setup(sqlite_db, clock)
    sqlite_db.dispose()
    path = Path(sqlite_db.url[len("sqlite:///"):])
    chattr("+i", path)
    try:
        app = make_app(sqlite_db, clock)
        async with app.run_test(size=SIZE) as pilot:
            await wait_ready(pilot)
            message = text(app.screen.query_one("#login-message", Static))
            assert "只读" in message and str(path) in message
            await login(pilot, "张保安", "1111")
            no_traceback(app)
            assert isinstance(app.screen, LoginScreen)
            assert "只读" in text(app.screen.query_one("#login-message", Static))
    finally:
        chattr("-i", path)


async def test_read_only_folder_is_blamed_on_the_folder(sqlite_db, clock):
    setup(sqlite_db, clock)
    sqlite_db.dispose()
    path = Path(sqlite_db.url[len("sqlite:///"):])
    chattr("+i", path.parent)
    try:
        app = make_app(sqlite_db, clock)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(100):
                await pilot.pause(0.05)
                message = text(app.screen.query_one("#login-message", Static))
                if "文件夹" in message:
                    break
            assert "文件夹" in message and str(path.parent) in message and "不可写" in message
            no_traceback(app)
    finally:
        chattr("-i", path.parent)


# ---- newer and damaged databases --------------------------------------------------------

async def test_newer_database_says_which_versions(sqlite_db, clock):
    with sqlite_db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0099_future'")
    sqlite_db.dispose()
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            message = text(app.screen.query_one("#login-message", Static))
            if "0099_future" in message:
                break
        assert "0099_future" in message and "比本程序新" in message and all(h in message for h in script_heads())
        assert "\n" not in message.strip()
        no_traceback(app)


def damage(path: Path) -> None:
    import random

    size = path.stat().st_size
    rng = random.Random(7)
    with open(path, "r+b") as fh:
        fh.seek(size // 2)
        fh.write(bytes(rng.randrange(256) for _ in range(3000)))


async def test_damaged_copy_is_refused_and_points_at_restore(sqlite_db, clock):
    setup(sqlite_db, clock)
    with sqlite_db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    sqlite_db.dispose()
    path = Path(sqlite_db.url[len("sqlite:///"):])
    damage(path)
    before = path.read_bytes()
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.05)
            message = text(app.screen.query_one("#login-message", Static))
            if "损坏" in message:
                break
        assert "损坏" in message and "wuye db restore" in message
        if getattr(app, "db_ready", False):
            await login(pilot, "张保安", "1111")
            assert isinstance(app.screen, LoginScreen)
        no_traceback(app)
    after = path.read_bytes()
    assert after == before  # nothing written into the damaged file


# ---- a bug: logged with its traceback (0600), one line, exit non-zero --------------------

async def test_a_bug_is_logged_0600_and_the_app_exits_non_zero(sqlite_db, clock):
    from screens.base import WuyeScreen
    from wuye_tui.storage_errors import error_log_path

    class Buggy(WuyeScreen):
        def action_back(self) -> None:
            raise ZeroDivisionError("a bug in a handler")

    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    log = error_log_path()
    if log.exists():
        log.unlink()
    app = make_app(sqlite_db, clock)
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot, "王主管", "1234")
            app.push_screen(Buggy())
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
    assert app.return_code == 1
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    body = log.read_text(encoding="utf-8")
    assert "Traceback" in body and "ZeroDivisionError: a bug in a handler" in body
    assert app.crash_log == log


def test_sqlite_lock_wait_is_bounded_and_one_line(sqlite_db, monkeypatch):
    from wuye_tui.storage_errors import StorageError

    monkeypatch.setenv("WUYE_LOCK_WAIT", "0.5")
    holder = hold_lock(sqlite_db.url[len("sqlite:///"):])
    try:
        with pytest.raises(StorageError) as info:
            with sqlite_db.write():
                pass
        assert info.value.kind == "locked" and "数据库正忙" in str(info.value)
    finally:
        release(holder)
    with sqlite_db.write():  # free again
        pass

