"""The app shell driven with Pilot: login, wrong PIN, lockout, idle lock, language, kiosk."""

from __future__ import annotations

import time

from textual.widgets import Input, Static

from screens.home import HomeScreen
from screens.login import FirstSupervisorScreen, LoginScreen
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app, settle, wait_ready


async def test_login_reaches_home(sqlite_db, clock):
    add_staff(sqlite_db, "张保安", "guard", "1111")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        assert isinstance(app.screen, HomeScreen)
        text = str(app.screen.query_one("#home-title", Static).render())
        assert "张保安" in text and "门岗" in text


async def test_wrong_pin_message_and_lockout(sqlite_db, clock):
    add_staff(sqlite_db, "张保安", "guard", "1111")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(4):
            await login(pilot, "张保安", "0000")
            assert isinstance(app.screen, LoginScreen)
            message = str(app.screen.query_one("#login-message", Static).render())
            assert "PIN" in message
        await login(pilot, "张保安", "0000")
        message = str(app.screen.query_one("#login-message", Static).render())
        assert "锁定" in message
        await login(pilot, "张保安", "1111")
        assert isinstance(app.screen, LoginScreen)


async def test_typed_keys_log_in(sqlite_db, clock):
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        app.screen.query_one("#login-name", Input).value = "王主管"
        app.screen.query_one("#login-name", Input).focus()
        await pilot.press("enter", "1", "2", "3", "4", "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_idle_lock_returns_to_login(sqlite_db, clock):
    add_staff(sqlite_db, "张保安", "guard", "1111")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        assert isinstance(app.screen, HomeScreen)
        app.last_activity = time.monotonic() - 6 * 60
        app.check_idle_lock()
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


async def test_language_switch(sqlite_db, clock):
    add_staff(sqlite_db, "张保安", "guard", "1111")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("f11")
        await pilot.pause()
        text = str(app.screen.query_one("#home-title", Static).render())
        assert "Welcome" in text and "Guard" in text


async def test_kiosk_refuses_to_quit_without_supervisor(sqlite_db, clock):
    add_staff(sqlite_db, "张保安", "guard", "1111")
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    app = make_app(sqlite_db, clock, kiosk=True)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("ctrl+c")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, HomeScreen)
        await pilot.press("ctrl+q")
        await pilot.pause()
        dialog = app.screen
        assert dialog.__class__.__name__ == "SupervisorPinDialog"
        dialog.query_one("#sup-name", Input).value = "张保安"
        dialog.query_one("#sup-pin", Input).value = "1111"
        dialog.query_one("#sup-pin", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.is_running  # a guard's PIN does not let the kiosk quit
        dialog.query_one("#sup-name", Input).value = "王主管"
        dialog.query_one("#sup-pin", Input).value = "1234"
        dialog.query_one("#sup-pin", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0


async def test_new_database_asks_for_first_supervisor(sqlite_db, clock):
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.pause()
        assert isinstance(app.screen, FirstSupervisorScreen)
        app.screen.query_one("#first-name", Input).value = "王主管"
        app.screen.query_one("#first-pin", Input).value = "1234"
        app.screen.query_one("#first-pin2", Input).value = "1234"
        app.screen.query_one("#first-pin2", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_language_switch_refills_a_desk(sqlite_db, clock):
    from textual.widgets import DataTable

    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    add_staff(sqlite_db, "张保安", "guard", "1111")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "王主管", "1234")
        await pilot.press("s")
        await settle(pilot)
        assert app.screen.query_one("#staff-table", DataTable).row_count == 2
        await pilot.press("f11")
        await settle(pilot)
        table = app.screen.query_one("#staff-table", DataTable)
        assert table.row_count == 2
        assert [str(c.label) for c in table.columns.values()] == ["Name", "Role", "State"]
        assert "Guard" in [str(table.get_row_at(i)[1]) for i in range(2)]
