"""The on-site board never changes the book silently (#10): it opens in its find box, a
check-out asks with the visitor's name and one explicit key, the same guard can undo it,
the vehicle leaves with its visitor, a vehicle whose driver left is flagged. 80x24 and
120x36."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from screens.gate.ask import KeyChoiceDialog
from screens.gate.onsite import OnSiteScreen
from tests.screens.helpers import login, make_app
from tests.screens.test_gate_checkin import setup, visits
from tests.services.conftest_gate import ID2, visitor

SIZES = [(80, 24), (120, 36)]


def text_of(widget) -> str:  # type: ignore[no-untyped-def]
    return str(widget.render())


async def open_board(pilot):  # type: ignore[no-untyped-def]
    await login(pilot, "张保安", "1111")
    await pilot.press("2")
    await pilot.pause()
    assert isinstance(pilot.app.screen, OnSiteScreen)
    return pilot.app.screen


@pytest.mark.parametrize("size", SIZES)
async def test_enter_on_opening_changes_nothing_and_checkout_asks_by_name(sqlite_db, clock, size):
    from wuye_tui.services.gate import visits as gate_visits

    guard, _desk = setup(sqlite_db, clock)
    gate_visits.check_in(guard, visitor())
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=size) as pilot:
        screen = await open_board(pilot)
        assert app.focused is screen.query_one("#onsite-find", Input)
        await pilot.press("enter", "enter", "enter")  # habit: nothing is checked out
        await pilot.pause()
        assert isinstance(app.screen, KeyChoiceDialog)
        assert "张三" in text_of(app.screen.query_one("#ask-title"))
        assert all(v.checked_out_at is None for v in visits(sqlite_db))
        await pilot.press("escape")
        await pilot.pause()
        assert all(v.checked_out_at is None for v in visits(sqlite_db))
        await pilot.press("f5", "y")
        await pilot.pause()
        assert all(v.checked_out_at is not None for v in visits(sqlite_db))
        assert "F4" in text_of(screen.query_one("#gate-msg", Static))
        await pilot.press("f4")
        await pilot.pause()
        assert all(v.checked_out_at is None for v in visits(sqlite_db))
        assert screen.query_one("#onsite-table", DataTable).row_count == 1


@pytest.mark.parametrize("size", SIZES)
async def test_find_filters_people_and_vehicles_and_vehicle_leaves_with_visitor(sqlite_db, clock, size):
    from wuye_tui.services.gate import visits as gate_visits

    guard, _desk = setup(sqlite_db, clock)
    a = gate_visits.check_in(guard, visitor(plate="粤B12345"))
    b = gate_visits.check_in(guard, visitor(name="王五", id_number=ID2, plate="粤B54321"))
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=size) as pilot:
        screen = await open_board(pilot)
        people = screen.query_one("#onsite-table", DataTable)
        cars = screen.query_one("#vehicles-table", DataTable)
        assert (people.row_count, cars.row_count) == (2, 2)
        await pilot.press(*"王")
        await pilot.pause()
        assert (people.row_count, cars.row_count) == (1, 1)
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert "粤B54321" in " ".join(text_of(s) for s in app.screen.query(".ask-line"))
        await pilot.press("n")  # the car stays: flagged
        await pilot.pause()
        await pilot.press("f7")
        screen.query_one("#onsite-find", Input).value = ""
        await pilot.pause()
        assert cars.row_count == 2
        states = [str(cars.get_row_at(i)[-1]) for i in range(cars.row_count)]
        assert "司机已离开" in states
        screen.query_one("#onsite-find", Input).value = "张"
        await pilot.pause()
        await pilot.press("enter", "enter", "y")  # the car leaves with 张三
        await pilot.pause()
    rows = {v.id: v for v in visits(sqlite_db)}
    assert rows[a.id].checked_out_at is not None and rows[b.id].checked_out_at is not None
    from wuye_tui.services.core.context import ServiceContext  # noqa: F401
    from wuye_tui.services.gate.vehicles import vehicles_on_site

    assert [v.plate for v in vehicles_on_site(guard)] == ["粤B54321"]
