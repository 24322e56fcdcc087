"""Drive the real app with Pilot: build it on a test database, wait for the database
worker, log in. Snapshot helpers fix blink and size."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from wuye_tui.app import WuyeApp, create_app

SIZE = (120, 36)


def make_app(database, clock, lang: str = "zh", kiosk: bool = False) -> WuyeApp:  # type: ignore[no-untyped-def]
    return create_app(database.url, lang=lang, kiosk=kiosk, clock=clock, terminal="test")


async def wait_ready(pilot: Pilot, tries: int = 200) -> None:
    app = pilot.app
    for _ in range(tries):
        if getattr(app, "db_ready", False):
            await pilot.pause()
            return
        await pilot.pause(0.02)
    raise AssertionError("database worker did not finish")


async def login(pilot: Pilot, name: str, pin: str) -> None:
    await wait_ready(pilot)
    app = pilot.app
    app.screen.query_one("#login-name", Input).value = name
    app.screen.query_one("#login-pin", Input).value = pin
    app.screen.query_one("#login-pin", Input).focus()
    await pilot.press("enter")
    await settle(pilot)


async def settle(pilot: Pilot) -> None:
    """Wait for the screens' database workers (``run_db``) and the redraw after them."""
    await pilot.pause()
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def no_blink(app) -> None:  # type: ignore[no-untyped-def]
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
