"""Two terminals on one database: a major complaint raised anywhere shows on the other
terminal's alert bar within 5 seconds, and disappears from both once a supervisor
acknowledges it with their PIN on one of them."""

from __future__ import annotations

import time

from textual.widgets import Input

from screens.widgets.alert_bar import AlertBar
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.core import roster
from wuye_tui.services.core.context import ServiceContext


def bar_text(app) -> str:  # type: ignore[no-untyped-def]
    bars = list(app.screen.query(AlertBar))
    if not bars or not bars[0].has_class("-active"):
        return ""
    return str(bars[0].render())


async def wait_for(pilots, check, seconds: float) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        for p in pilots:
            await p.pause(0.05)
    raise AssertionError(f"not within {seconds}s")


async def test_alert_reaches_the_other_terminal_and_ack_clears_both(sqlite_db, clock):
    sup = add_staff(sqlite_db, "王主管", "supervisor", "1234")
    add_staff(sqlite_db, "陈客服", "front_desk", "3333")
    add_staff(sqlite_db, "张保安", "guard", "1111")
    ctx = ServiceContext(db=sqlite_db, actor=sup, clock=clock)
    for room, name in (("101", "张伟"), ("102", "李娜"), ("201", "王芳")):
        roster.add_resident(ctx, "1栋", "1单元", room, name)
    desk_app = make_app(sqlite_db, clock)
    gate_app = make_app(sqlite_db, clock)
    async with desk_app.run_test(size=SIZE) as desk, gate_app.run_test(size=SIZE) as gate:
        await login(desk, "陈客服", "3333")
        await login(gate, "张保安", "1111")
        assert bar_text(desk_app) == "" and bar_text(gate_app) == ""
        bells = []
        gate_app.bell = lambda: bells.append(time.monotonic())  # type: ignore[method-assign]
        # three households, one category, within the window: a collective complaint,
        # logged through the service as the desk terminal would
        for room, name in (("101", "张伟"), ("102", "李娜"), ("201", "王芳")):
            complaints.add_complaint(desk_app.ctx, caller=name, unit=f"1栋1单元{room}", channel="phone",
                                     category="environment", cause="service", description="垃圾站恶臭")
        took = await wait_for([desk, gate], lambda: "集体投诉" in bar_text(gate_app), 5.0)
        assert took < 5.0 and bells, "the other terminal rings the bell"
        await wait_for([desk, gate], lambda: "集体投诉" in bar_text(desk_app), 5.0)
        # a supervisor acknowledges on the desk terminal with their PIN
        await desk.press("f9")
        await desk.pause()
        dialog = desk_app.screen
        assert dialog.__class__.__name__ == "SupervisorPinDialog"
        dialog.query_one("#sup-name", Input).value = "王主管"
        dialog.query_one("#sup-pin", Input).value = "1234"
        dialog.query_one("#sup-pin", Input).focus()
        await desk.press("enter")
        await wait_for([desk, gate], lambda: bar_text(desk_app) == "", 3.0)
        await wait_for([desk, gate], lambda: bar_text(gate_app) == "", 5.0)


async def test_wrong_pin_keeps_the_alert(sqlite_db, clock):
    sup = add_staff(sqlite_db, "王主管", "supervisor", "1234")
    add_staff(sqlite_db, "陈客服", "front_desk", "3333")
    ctx = ServiceContext(db=sqlite_db, actor=sup, clock=clock)
    roster.add_resident(ctx, "1栋", "1单元", "101", "张伟")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "陈客服", "3333")
        complaints.add_complaint(app.ctx, caller="张伟", unit="1栋1单元101", channel="phone",
                                 category="public_facility", cause="equipment", description="电梯困人",
                                 major_type="elevator_entrapment")
        await wait_for([pilot], lambda: "电梯困人" in bar_text(app), 5.0)
        await pilot.press("f9")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#sup-name", Input).value = "陈客服"
        dialog.query_one("#sup-pin", Input).value = "3333"
        dialog.query_one("#sup-pin", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog  # a front desk PIN does not acknowledge
        await pilot.press("escape")
        await pilot.pause(2.5)
        assert "电梯困人" in bar_text(app)
