"""A keyboard-wedge scanner reading a pre-registration (#10): its text and Enter in any
check-in field fill the form; a used, expired or unknown code says which at once."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from tests.screens.helpers import make_app
from tests.screens.test_gate_burst import burst, open_checkin, settle
from tests.screens.test_gate_checkin import setup, visits
from wuye_tui.services.gate.prereg import scanned_code


def test_scanned_code_formats():
    assert scanned_code("WUYE:PRE:123456") == ("", "123456")
    assert scanned_code("王wuye:pre:123456") == ("王", "123456")
    assert scanned_code("张三123456") == ("张三", "123456")
    assert scanned_code("13812345670") is None  # a phone number is not a code
    assert scanned_code("440305198506121237") is None
    assert scanned_code("粤B123456", digits_too=False) is None


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_scan_into_any_field_fills_and_a_used_code_says_so(sqlite_db, clock, size):
    from wuye_tui.services.gate.prereg import create_prereg

    _guard, desk = setup(sqlite_db, clock)
    pre = create_prereg(desk, "3栋2单元1202", "刘备", "13511112222")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=size) as pilot:
        screen = await open_checkin(pilot)
        screen.query_one("#in-phone", Input).focus()
        await settle(pilot)
        burst(app, f"WUYE:PRE:{pre.code}\r")
        await settle(pilot)
        assert screen.query_one("#in-name", Input).value == "刘备"
        assert screen.query_one("#in-phone", Input).value == "13511112222"
        assert "刘备" in str(screen.query_one("#gate-msg", Static).render())
        burst(app, "\r")
        await settle(pilot)
        assert len(visits(sqlite_db)) == 1
        screen.query_one("#in-name", Input).focus()
        await settle(pilot)
        burst(app, f"{pre.code}\r")  # the same code again, as a barcode
        await settle(pilot)
        assert "已使用" in str(screen.query_one("#gate-msg", Static).render())
        assert screen.query_one("#in-name", Input).value == ""
        burst(app, "999999\r")
        await settle(pilot)
        assert "无此预约码" in str(screen.query_one("#gate-msg", Static).render())
    assert len(visits(sqlite_db)) == 1
