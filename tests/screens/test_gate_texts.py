"""Honest fields and Chinese texts (#10): an overlong value is refused at the field and
kept as typed (never cut); the command palette speaks Chinese; no field keys in messages."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from tests.screens.helpers import login, make_app
from tests.screens.test_gate_burst import burst, open_checkin, settle
from tests.screens.test_gate_checkin import setup, visits


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_overlong_value_is_refused_not_cut_and_no_field_key_shows(sqlite_db, clock, size):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=size) as pilot:
        screen = await open_checkin(pilot)
        screen.query_one("#in-name", Input).focus()
        await settle(pilot)
        long_name = "欧阳" * 16  # 32 characters, the limit is 30
        burst(app, long_name + "\t")
        await settle(pilot)
        assert screen.query_one("#in-name", Input).value == long_name
        err = str(screen.query_one("#err-name", Static).render())
        assert "30" in err and "32" in err
        burst(app, "<f2>")
        await settle(pilot)
        msg = str(screen.query_one("#gate-msg", Static).render())
        assert msg and "name:" not in msg and "plate:" not in msg
    assert visits(sqlite_db) == []


async def test_command_palette_in_chinese(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("ctrl+p")
        await pilot.pause()
        field = app.screen.query_one(Input)
        assert field.placeholder == "搜索命令……"
        await pilot.press(*"qqqzzz")
        await pilot.pause(1.0)
        await pilot.pause()
        texts = " ".join(str(o.prompt) for o in app.screen.query_one("CommandList").options)
        assert "没有匹配的命令" in texts
