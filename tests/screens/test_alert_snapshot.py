"""Snapshot at 120x36 of the alert bar showing a collective complaint, over the complaint list."""

from __future__ import annotations

from tests.screens.helpers import SIZE, login, make_app, no_blink
from tests.screens.test_alert_two_instances import bar_text
from tests.screens.test_complaint_screens import seed
from wuye_tui.services.complaints import intake as complaints


def test_alert_snapshot(sqlite_db, clock, snap_compare):
    desk, _sup = seed(sqlite_db, clock)
    for room, name in (("101", "张伟"), ("102", "李娜"), ("301", "刘洋")):
        unit = f"{'2' if room == '301' else '1'}栋1单元{room}"
        complaints.add_complaint(desk, caller=name, unit=unit, channel="phone", category="environment",
                                 cause="service", description="垃圾站恶臭")
    app = make_app(sqlite_db, clock)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await login(pilot, "陈客服", "3333")
        await pilot.press("5")  # the complaint list, not the home screen (its desks grow)
        await pilot.pause()
        for _ in range(100):
            if bar_text(app):
                break
            await pilot.pause(0.05)
        no_blink(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
