"""Keys arriving in one burst (a fast typist, a keyboard-wedge scanner, a paste into the
terminal) land exactly where a slow typist's would."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from screens.gate.checkin import CheckInScreen
from tests.screens.helpers import SIZE, login, make_app
from tests.screens.test_gate_checkin import setup, visits

BURST = "王测试\t\t440305198506121237\t13812345670\t"


def burst(app, text: str) -> None:  # type: ignore[no-untyped-def]
    """Send every key of ``text`` through the driver at once, as a terminal read of one
    write delivers them (no pause between keys)."""
    import re

    from textual.keys import _character_to_key

    for ch in re.findall(r"<[a-z0-9_+]+>|.", text, re.S):
        if ch == "\t":
            ev = events.Key("tab", "\t")
        elif ch == "\r" or ch == "\n":
            ev = events.Key("enter", "\r")
        elif ch.startswith("<") and ch.endswith(">"):
            ev = events.Key(ch[1:-1], None)
        else:
            ev = events.Key(_character_to_key(ch) if not ch.isalnum() else ch, ch)
        ev.set_sender(app)
        app._driver.send_message(ev)


def keys(text: str) -> list[str]:
    return ["tab" if c == "\t" else c for c in text]


async def open_checkin(pilot):  # type: ignore[no-untyped-def]
    await login(pilot, "张保安", "1111")
    await pilot.press("1")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, CheckInScreen)
    return screen


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Wait until the app has read every key sent and worked each through."""
    await pilot.pause()  # the app's queue has passed the keys on to the KeyOrder
    await pilot.app.key_order.idle.wait()
    await pilot.pause()


def values(screen) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {n: screen.query_one(f"#in-{n}", Input).value for n in ("lookup", "name", "id_number", "phone", "unit")}


async def test_burst_fills_the_fields_a_slow_typist_would_and_f2_saves_it(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot)
        burst(app, "\t")  # from the look-up to the name
        burst(app, BURST + "\t3栋2单元1202\t1")  # unit, then the approval digit
        burst(app, "<f2>")
        await settle(pilot)
        shown = values(screen)
    rows = visits(sqlite_db)
    assert len(rows) == 1, shown
    v = rows[0]
    assert (v.name, v.id_number, v.phone) == ("王测试", "440305198506121237", "13812345670")


async def test_burst_through_pilot_press(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot)
        screen.query_one("#in-name", Input).focus()
        await pilot.pause()
        await pilot.press(*keys(BURST))
        await settle(pilot)
        vals = values(screen)
        assert vals["name"] == "王测试" and vals["phone"] == "13812345670"
        assert vals["id_number"] == "440305********1237"
        assert app.focused is screen.query_one("#in-headcount", Input)


async def test_typing_right_after_clear_is_kept(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot)
        screen.query_one("#in-name", Input).focus()
        await pilot.pause()
        burst(app, "李四\t<f3>zs")
        await settle(pilot)
        vals = values(screen)
        assert vals["name"] == "" and vals["lookup"] == "zs"


async def test_login_typed_ahead_while_the_database_opens_is_completed(sqlite_db, clock):
    from screens.home import HomeScreen
    from screens.login import LoginScreen

    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, LoginScreen):
            await pilot.pause(0)
        early = not app.db_ready
        burst(app, "张保安\r1111\r")
        for _ in range(300):
            if isinstance(app.screen, HomeScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, HomeScreen)
        assert app.ctx.actor.name == "张保安"
    assert early  # the keys really came before the database was open


async def test_keys_after_a_typed_ahead_login_go_to_the_home_screen(sqlite_db, clock):
    from screens.gate.checkin import CheckInScreen
    from screens.login import LoginScreen

    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        while not isinstance(app.screen, LoginScreen):
            await pilot.pause(0)
        early = not app.db_ready
        burst(app, "张保安\r1111\r1zs")  # log in, open check-in, look up "zs"
        for _ in range(300):
            found = app.screen.query("#in-lookup") if isinstance(app.screen, CheckInScreen) else []
            if found and found.first(Input).value:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert app.screen.query_one("#in-lookup", Input).value == "zs"
    assert early
