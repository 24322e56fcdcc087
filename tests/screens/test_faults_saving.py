"""Desk saves while the database is slow (issue #16): every desk's save runs in a worker
(``run_db``), so with a write lock held by another process the screen stays live, says
保存中…, lets Esc cancel, keeps what was typed, and saves once with Ctrl+R or F2 when the
lock is free. Also: a terminal opening the database must not break another's WAL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from textual.widgets import Input, Static

from tests.screens.helpers import SIZE, login, make_app, settle
from tests.screens.test_faults import fill, hold_lock, kept, no_traceback, notes, open_checkin, release, setup, text, visits
from wuye_tui.db import Database



async def test_checkin_with_a_lock_held_stays_live_says_saving_and_esc_cancels(sqlite_db, clock, monkeypatch):
    """The guard's F2 while another terminal holds the write lock: the check-in waits in a
    worker, so the screen answers keys and its clock keeps ticking; 保存中… shows on the
    status line; Esc cancels (nothing saved, the form kept); F2 once the lock is free saves."""
    from screens.widgets.status_bar import StatusBar

    monkeypatch.setenv("WUYE_LOCK_WAIT", "20")
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot)
        fill(screen)
        holder = hold_lock(sqlite_db.url[len("sqlite:///"):])
        try:
            await pilot.press("f2")
            await pilot.pause(0.8)
            assert screen.db_busy and app.screen is screen
            bar = screen.query_one(StatusBar)
            assert "保存中" in text(bar)
            before = text(bar)
            clock.advance(seconds=7)
            await pilot.pause(1.3)  # the status line's one-second tick ran while the write waits
            assert text(bar) != before and "保存中" in text(bar)
            await pilot.press("f2")  # a second F2 does not queue a second save
            await pilot.pause(0.2)
            assert "正在保存，请稍候" in notes(app)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen and not screen.db_busy
            assert "已取消，未保存" in notes(app)
            assert "已取消" in text(screen.query_one("#gate-msg", Static))  # not the last visitor's line
            assert kept(screen) and visits(sqlite_db) == []
            assert "保存中" not in text(bar)
        finally:
            release(holder)
        await pilot.press("f2")
        await settle(pilot)
        assert [v.name for v in visits(sqlite_db)] == ["诸葛亮"]  # once, though F2 was pressed three times
        assert screen.query_one("#in-name", Input).value == ""  # cleared only once it is committed


async def test_guard_and_desk_saves_wait_in_a_worker_when_the_lock_is_held(sqlite_db, clock, monkeypatch):
    """The duty log, the keys desk and the complaint form: each save waits off the UI thread
    with 保存中…, is refused in one line when the wait runs out, keeps what was typed, and
    saves with Ctrl+R once the lock is free."""
    from screens.complaints.entry import ComplaintEntryScreen
    from screens.guard.dutylog import DutyLogScreen
    from screens.widgets.status_bar import StatusBar
    from wuye_tui.models.complaints import Complaint
    from wuye_tui.models.guard import DutyEntry as DutyLogEntry

    monkeypatch.setenv("WUYE_LOCK_WAIT", "4")
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    path = sqlite_db.url[len("sqlite:///"):]

    def count(model) -> int:  # type: ignore[no-untyped-def]
        with sqlite_db.read() as s:
            return len(list(s.execute(select(model)).scalars()))

    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(DutyLogScreen())
        await pilot.pause()
        duty = app.screen
        duty.query_one("#in-text", Input).value = "三号岗巡查正常，[/]无异常"
        holder = hold_lock(path)
        try:
            await pilot.press("f2")
            await pilot.pause(0.8)
            assert duty.db_busy and "保存中" in text(duty.query_one(StatusBar))
            await settle(pilot)  # the 4 s wait runs out
            no_traceback(app)
            assert "数据库正忙" in notes(app) and "Ctrl+R" in notes(app)
            assert duty.query_one("#in-text", Input).value == "三号岗巡查正常，[/]无异常"
            assert count(DutyLogEntry) == 0
        finally:
            release(holder)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert count(DutyLogEntry) == 1 and duty.query_one("#in-text", Input).value == ""


    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "陈客服", "3333")
        app.push_screen(ComplaintEntryScreen())
        await pilot.pause()
        entry = app.screen
        values = {"unit": "3栋2单元1202", "caller": "李女士", "phone": "13800138000", "channel": "1", "category": "5", "cause": "3",
                  "description": "楼道灯不亮"}
        for name, value in values.items():
            entry.field(name).set_value(value)
        holder = hold_lock(path)
        try:
            await pilot.press("f2")
            await settle(pilot)
            no_traceback(app)
            assert app.screen is entry and "数据库正忙" in notes(app)
            assert all(entry.field(n).raw == v for n, v in values.items() if n != "category")
            assert count(Complaint) == 0
        finally:
            release(holder)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert count(Complaint) == 1 and entry.field("caller").raw == ""


async def test_a_terminal_starting_keeps_the_locks_so_another_leaves_the_wal_alone(sqlite_db, clock):
    """Opening the database (its start-up health check) must not drop the POSIX locks this
    process holds on the file: closing any descriptor of it does, and then another terminal
    closing its last connection believes it is alone, checkpoints and deletes the -wal and
    -shm under this one's connections; every terminal starting after that found the file
    "damaged" (unable to get the page, error code 522) and refused to write."""
    setup(sqlite_db, clock)
    path = Path(sqlite_db.url[len("sqlite:///"):])
    shm = path.with_name(path.name + "-shm")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        release(hold_lock(str(path)))  # another terminal opens, writes nothing, closes
        assert shm.exists(), "the other terminal deleted the WAL index under this one"
        fresh = Database(sqlite_db.url)
        assert fresh.health_check() == []
        fresh.dispose()
