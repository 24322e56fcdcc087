"""Vehicle desk and pass/slip desk driven with Pilot, plus snapshots of the check-in form
(Chinese input) and the on-site board at 120x36."""

from __future__ import annotations

import pytest

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from textual.widgets import Input, Static

from screens.gate.passes import PassDeskScreen
from screens.gate.vehicles import VehicleScreen
from tests.screens.helpers import SIZE, login, make_app, no_blink
from tests.screens.test_gate_checkin import setup
from tests.services.conftest_gate import ID1, visitor
from wuye_tui.models.gate import PassCheck, SlipUse, VehicleMove

SH = timezone(timedelta(hours=8))


def moves(db) -> list[VehicleMove]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(VehicleMove).order_by(VehicleMove.id)).scalars())


async def type_into(pilot, app, field: str, text: str) -> None:  # type: ignore[no-untyped-def]
    app.screen.query_one(f"#in-{field}", Input).focus()
    await pilot.press(*text)


async def test_resident_car_one_key_and_strange_car_in_and_out(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, VehicleScreen)
        await pilot.press(*"京A12345", "enter")
        await pilot.pause()
        assert [(m.plate, m.resident, m.out_at) for m in moves(sqlite_db)] == [("京A12345", True, None)]
        await pilot.press(*"京A12345", "enter")
        await pilot.pause()
        assert moves(sqlite_db)[0].out_at is not None
        await pilot.press(*"粤B54321", "enter")
        await pilot.pause()
        assert app.screen.focused.id == "in-driver"
        await pilot.press(*"王师傅")
        for name, value in (("phone", "13600001111"), ("unit", "3栋2单元1202")):
            app.screen.query_one(f"#in-{name}", Input).value = value
        await pilot.press("f2")
        await pilot.pause()
        strange = moves(sqlite_db)[-1]
        assert strange.plate == "粤B54321" and not strange.resident and strange.driver == "王师傅"
        app.screen.query_one("#in-plate", Input).focus()
        await pilot.press(*"粤B54321", "enter")
        await pilot.pause()
        assert moves(sqlite_db)[-1].out_at is not None


async def test_pass_around_renovation_hours_and_slip_used_twice(sqlite_db, clock):
    from wuye_tui.services.gate import passes as gate_passes, slips as gate_slips

    _guard, desk = setup(sqlite_db, clock)
    _permit, numbers = gate_passes.issue_permit(desk, "3栋2单元1202", "好家装饰", "孙工", "13800001111",
                                                "2026-03-02", "2026-03-05", "2")
    slip = gate_slips.issue_slip(desk, "3栋2单元1202", "冰箱x1")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, PassDeskScreen)
        await pilot.press(*numbers[0], "enter")  # 09:00: inside the hours
        await pilot.pause()
        assert "准许" in str(app.screen.query_one("#pass-result", Static).render())
        clock.set(datetime(2026, 3, 2, 12, 30, tzinfo=SH))
        await pilot.press(*numbers[1], "enter")
        await pilot.pause()
        result = str(app.screen.query_one("#pass-result", Static).render())
        assert "拒绝" in result and "施工时间" in result
        number = gate_slips.slip_number(slip.id)
        await type_into(pilot, app, "slip", number)
        await pilot.press("enter", "enter")
        await pilot.pause()
        await pilot.press(*number, "enter")
        await pilot.pause()
        result = str(app.screen.query_one("#slip-result", Static).render())
        assert "拒绝" in result and "已记录" in result and "使用" in result
    with sqlite_db.read() as s:
        assert [c.result for c in s.execute(select(PassCheck).order_by(PassCheck.id)).scalars()] == ["ok", "hours"]
        assert [u.result for u in s.execute(select(SlipUse).order_by(SlipUse.id)).scalars()] == ["ok", "used"]


def _snap_data(db, clock):  # type: ignore[no-untyped-def]
    from wuye_tui.services.gate import visits as gate_visits

    guard, _desk = setup(db, clock)
    gate_visits.check_in(guard, visitor(purpose="3", headcount="2"))
    clock.advance(minutes=20)
    gate_visits.check_in(guard, visitor(name="欧阳娜娜", id_number="440524198001010013", plate="粤B54321",
                                        unit="5栋1单元0801"))
    clock.advance(minutes=30)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_check_in_form_with_chinese(sqlite_db, clock, snap_compare, size):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await login(pilot, "张保安", "1111")
        await pilot.press("1")
        await pilot.pause()
        values = {"name": "诸葛亮", "id_number": ID1, "phone": "13800138000", "headcount": "2",
                  "unit": "3栋2单元1202", "plate": "粤B12345", "stay": "2"}
        for name, value in values.items():
            app.screen.query_one(f"#in-{name}", Input).value = value
        app.screen.query_one("#in-id_number", Input).focus()
        await pilot.press("tab")
        await pilot.pause()
        app.screen.query_one("#in-lookup", Input).focus()
        await pilot.press("z", "g")
        await pilot.pause()
        no_blink(app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_on_site_board(sqlite_db, clock, snap_compare, size):
    _snap_data(sqlite_db, clock)
    app = make_app(sqlite_db, clock)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await login(pilot, "张保安", "1111")
        await pilot.press("2")
        await pilot.pause()
        no_blink(app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
def test_snapshot_vehicle_desk_with_a_field_error(sqlite_db, clock, snap_compare, size):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await login(pilot, "张保安", "1111")
        await pilot.press("3")
        await pilot.pause()
        await pilot.press(*"粤B54321", "enter")
        await pilot.pause()
        await pilot.press(*"王师傅", "tab", *"123", "tab")
        await pilot.pause()
        no_blink(app)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
