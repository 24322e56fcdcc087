"""Snapshots at 120x36 with a fixed clock and data: the entry form (with the unit
picker open), the list (an overdue and a major row) and the detail timeline."""

from __future__ import annotations


from tests.screens.helpers import SIZE, login, make_app, no_blink
from tests.screens.test_complaint_screens import seed
from wuye_tui.services.complaints import workflow as wf
from wuye_tui.services.complaints import intake as complaints


def data(db, clock):  # type: ignore[no-untyped-def]
    desk, sup = seed(db, clock)
    a = complaints.add_complaint(desk, caller="张伟", unit="1栋1单元101", channel="phone", category="environment",
                                 cause="service", description="垃圾站没有及时清运", location="1栋北侧")
    wf.dispatch(desk, a.id, "", "请保洁部处理")
    clock.advance(hours=30)
    complaints.add_complaint(desk, caller="李娜", unit="1栋1单元102", channel="visit", category="parking",
                             cause="amenities", description="车位被占用")
    return desk


def test_entry_form_snapshot(sqlite_db, clock, snap_compare):
    data(sqlite_db, clock)
    app = make_app(sqlite_db, clock)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await login(pilot, "陈客服", "3333")
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        no_blink(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_list_snapshot(sqlite_db, clock, snap_compare):
    data(sqlite_db, clock)
    app = make_app(sqlite_db, clock)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await login(pilot, "陈客服", "3333")
        await pilot.press("5")
        await pilot.pause()
        no_blink(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_detail_snapshot(sqlite_db, clock, snap_compare):
    data(sqlite_db, clock)
    app = make_app(sqlite_db, clock)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await login(pilot, "陈客服", "3333")
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        no_blink(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
