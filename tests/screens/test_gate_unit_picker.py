"""The host-unit picker on the check-in desk (#10) at 80x24 and 120x36: a pick list under
the field, arrows + Enter take a unit, an ambiguous entry asks at the field."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from tests.screens.test_gate_burst import open_checkin, settle
from tests.screens.test_gate_checkin import setup
from tests.screens.helpers import make_app

SIZES = [(80, 24), (120, 36)]


@pytest.mark.parametrize("size", SIZES)
async def test_pick_from_the_list_with_arrows_and_enter(sqlite_db, clock, size):
    from wuye_tui.services.core.roster import add_resident

    _guard, desk = setup(sqlite_db, clock)
    add_resident(desk, "5", "1", "1202", "赵敏", "13600001234")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=size) as pilot:
        screen = await open_checkin(pilot)
        unit = screen.query_one("#in-unit", Input)
        unit.focus()
        await pilot.press(*"1202")
        await settle(pilot)
        picks = str(screen.query_one("#picks-unit", Static).render())
        assert "3栋2单元1202" in picks and "5栋1单元1202" in picks and "李四" in picks
        await pilot.press("tab")  # leaving it ambiguous: asked, not guessed
        await settle(pilot)
        assert "选择" in str(screen.query_one("#err-unit", Static).render())
        unit.focus()
        unit.value = ""
        await pilot.press(*"1202")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert unit.value == "5栋1单元1202"
        assert app.focused is screen.query_one("#in-approval", Input)
        assert str(screen.query_one("#err-unit", Static).render()).strip() == ""
        unit.focus()
        unit.value = ""
        await pilot.press(*"3-2-1202", "tab")
        await settle(pilot)
        assert unit.value == "3-2-1202" and str(screen.query_one("#err-unit", Static).render()).strip() == ""
