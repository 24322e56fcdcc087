"""The gate's devices on the desks, driven with Pilot against fake devices: a camera
posting to the real receiver, a card-reader bridge on a local socket, a fake ESC/POS
printer whose bytes are decoded."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from textual.widgets import Input, Static

from screens.gate.checkin import CheckInScreen
from screens.gate.devices import QrDialog
from screens.gate.onsite import OnSiteScreen
from screens.gate.vehicles import VehicleScreen
from tests.fake_devices import FakePrinter, decode_slip, free_port
from tests.screens.helpers import SIZE, login, make_app
from tests.screens.test_gate_checkin import setup, visits
from tests.services.conftest_gate import ID1, visitor
from wuye_tui.models.gate import VehicleMove
from wuye_tui.services.core.context import ServiceContext

CARD = {"name": "赵云", "sex": "男", "nation": "汉", "birth": "19491231", "address": "北京市朝阳区",
        "id_number": ID1, "valid_until": "长期"}


@pytest.fixture
def printer():  # type: ignore[no-untyped-def]
    p = FakePrinter()
    yield p
    p.close()


def configure(db, clock, **settings):  # type: ignore[no-untyped-def]
    from tests.conftest import add_staff
    from wuye_tui.services.devices import cameras as device_lpr
    from wuye_tui.services.core import settings as site

    guard, desk = setup(db, clock)
    sup = ServiceContext(db=db, actor=add_staff(db, "李主管", "supervisor", "5555"), clock=clock)
    device_lpr.add_camera(sup, "cam-in", "东门入口", "in", "东门")
    if settings:
        site.update(sup, **settings)
    return guard, desk


def receiver(db, clock):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.lpr import Receiver
    from wuye_tui.services.devices import cameras as device_lpr

    system = ServiceContext(db=db, clock=clock)
    return Receiver(lambda report: device_lpr.ingest(system, report)).start()


def camera_post(url: str, plate: str) -> None:
    from wuye_tui.devices.lpr import post

    status, body = post(url, {"AlarmInfoPlate": {"serialno": "cam-in", "ipaddr": "127.0.0.1",
                                                 "result": {"PlateResult": {"license": plate}}}})
    assert status == 200 and body == {"Response_AlarmInfoPlate": {"info": "ok"}}


async def until(pilot, check, tries: int = 150) -> None:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


def text_of(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def test_kiosk_car_on_camera_card_read_slip_prints(sqlite_db, clock, printer):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.idcard import send_card

    port = free_port()
    configure(sqlite_db, clock, printer_url=printer.url, auto_print_visitor=True,
              card_reader=f"tcp://127.0.0.1:{port}")
    rx = receiver(sqlite_db, clock)
    app = make_app(sqlite_db, clock, kiosk=True)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot, "张保安", "1111")
            await pilot.press("3")
            assert isinstance(app.screen, VehicleScreen)
            await asyncio.to_thread(camera_post, rx.url, "粤B·12345")  # a car arrives at the east gate
            desk = app.screen
            await until(pilot, lambda: desk.field("plate").raw == "粤B12345")
            assert "东门入口" in text_of(desk, "#plate-info") and "外来车辆" in text_of(desk, "#plate-info")
            await pilot.press("f7")  # the driver is a visitor: check-in with the car's plate
            await until(pilot, lambda: isinstance(app.screen, CheckInScreen)
                        and app.screen.field("plate").raw == "粤B12345")
            checkin = app.screen
            answer = await asyncio.to_thread(send_card, f"tcp://127.0.0.1:{port}", CARD)  # the card on the reader
            assert answer == {"ok": True}
            await until(pilot, lambda: checkin.field("name").raw == "赵云")
            assert checkin.query_one("#field-id_number").full() == ID1
            assert "已读卡" in text_of(checkin, "#gate-msg")
            assert checkin.focused is checkin.field("unit").input
            checkin.field("unit").set_value("3栋2单元1202")
            checkin.field("approval").set_value("1")  # asked every visit
            await pilot.press("f2")
            await until(pilot, lambda: len(visits(sqlite_db)) == 1)
            v = visits(sqlite_db)[0]
            assert (v.name, v.id_number, v.plate) == ("赵云", ID1, "粤B12345")
            with sqlite_db.read() as s:
                assert s.execute(select(VehicleMove.visit_id)).scalar() == v.id
            data = (await asyncio.to_thread(printer.wait_jobs, 1))[0]
            text, qrs = decode_slip(data)
            assert "访客单" in text and "赵*" in text and "粤B12345" in text and qrs == [f"WUYE:VISIT:{v.id}"]
            await until(pilot, lambda: "已打印" in text_of(checkin, "#gate-msg"))
    finally:
        rx.stop()


async def test_resident_car_passes_with_one_key_and_unreadable_plate(sqlite_db, clock):  # type: ignore[no-untyped-def]
    configure(sqlite_db, clock)
    rx = receiver(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot, "张保安", "1111")
            await pilot.press("3")
            desk = app.screen
            await asyncio.to_thread(camera_post, rx.url, "京A12345")  # 李四's registered car
            await asyncio.to_thread(camera_post, rx.url, "??")
            await until(pilot, lambda: desk.field("plate").raw == "京A12345")
            assert "业主车辆" in text_of(desk, "#plate-info") and "1" in text_of(desk, "#plate-info")
            await pilot.press("enter")
            await pilot.pause()
            with sqlite_db.read() as s:
                assert s.execute(select(VehicleMove.plate, VehicleMove.resident)).all() == [("京A12345", True)]
            await until(pilot, lambda: "无法识别" in text_of(desk, "#plate-info"))
            assert desk.field("plate").raw == "" and "??" in text_of(desk, "#plate-info")
    finally:
        rx.stop()


async def test_bad_card_refused_and_wedge_reader_types_the_number(sqlite_db, clock):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.idcard import send_card

    port = free_port()
    configure(sqlite_db, clock, card_reader=f"tcp://127.0.0.1:{port}")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("1")
        checkin = app.screen
        bad = {**CARD, "id_number": ID1[:-1] + "1"}
        answer = await asyncio.to_thread(send_card, f"tcp://127.0.0.1:{port}", bad)
        assert answer["ok"] is False and "校验" in str(answer["error"])
        await until(pilot, lambda: "读卡被拒" in text_of(checkin, "#gate-msg"))
        assert checkin.field("name").raw == ""
        await pilot.press(*ID1, "enter")  # a wedge reader types into the look-up
        await pilot.pause()
        assert checkin.query_one("#field-id_number").full() == ID1
        assert checkin.field("lookup").raw == "" and checkin.focused is checkin.field("name").input


async def test_printer_off_the_check_in_is_still_saved(sqlite_db, clock):  # type: ignore[no-untyped-def]
    configure(sqlite_db, clock, printer_url=f"tcp://127.0.0.1:{free_port()}", printer_timeout_seconds=1)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("1")
        checkin = app.screen
        await pilot.press("f12")
        assert "先登记" in text_of(checkin, "#gate-msg")
        for name, value in (("name", "张三"), ("id_number", ID1), ("unit", "3栋2单元1202"), ("approval", "1")):
            checkin.field(name).set_value(value)
        await pilot.press("f2")
        await until(pilot, lambda: len(visits(sqlite_db)) == 1)
        await pilot.press("f12")
        await until(pilot, lambda: "未打印" in text_of(checkin, "#gate-msg"))
        assert "关机" in text_of(checkin, "#gate-msg") or "无法连接" in text_of(checkin, "#gate-msg")
        assert len(visits(sqlite_db)) == 1


async def test_slip_qr_scanned_on_the_board_checks_the_visitor_out(sqlite_db, clock):  # type: ignore[no-untyped-def]
    from wuye_tui.services.gate import visits as gate_visits

    guard, _desk = configure(sqlite_db, clock)
    v = gate_visits.check_in(guard, visitor())
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("2")
        board = app.screen
        assert isinstance(board, OnSiteScreen)
        board.query_one("#onsite-find", Input).focus()
        await pilot.press(*f"WUYE:VISIT:{v.id}", "enter")
        await pilot.pause()
        assert visits(sqlite_db)[0].checked_out_at is not None
        assert f"{v.id}" in text_of(board, "#gate-msg")
        board.query_one("#onsite-find", Input).focus()
        await pilot.press(*f"WUYE:VISIT:{v.id}", "enter")  # twice: already out, said so
        await pilot.pause()
        assert "已" in text_of(board, "#gate-msg")


async def test_prereg_shows_its_qr_and_pass_desk_prints(sqlite_db, clock, printer):  # type: ignore[no-untyped-def]
    from wuye_tui.services.gate import passes as gate_passes

    _guard, desk = configure(sqlite_db, clock, printer_url=printer.url)
    _permit, numbers = gate_passes.issue_permit(desk, "3栋2单元1202", "安居装修", "刘工", "13911112222",
                                                "2026-03-01", "2026-03-20", 1)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "陈客服", "3333")
        await pilot.press("4")
        passdesk = app.screen
        await pilot.press("f6")
        dialog = app.screen
        for name, value in (("unit", "3栋2单元1202"), ("name", "刘备")):
            dialog.query_one(f"#in-{name}", Input).value = value
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, QrDialog))
        art = str(app.screen.query_one("#qr-art", Static).render())
        assert "█" in art and "刘备" in str(app.screen.query_one(".title").render())
        await pilot.press("escape")
        assert app.screen is passdesk
        passdesk.query_one("#in-pass", Input).value = numbers[0]
        await pilot.press("f12")
        data = (await asyncio.to_thread(printer.wait_jobs, 1))[0]
        text, qrs = decode_slip(data)
        assert "临时出入证" in text and qrs == [numbers[0]]


async def test_scanned_prereg_qr_fills_the_check_in(sqlite_db, clock):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.qr import prereg_payload
    from wuye_tui.services.gate.prereg import create_prereg

    _guard, desk = configure(sqlite_db, clock)
    pre = create_prereg(desk, "3栋2单元1202", "刘备", "13511112222")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("1")
        await pilot.press(*prereg_payload(pre.code), "enter")  # the scanner types the QR's text
        await until(pilot, lambda: len(visits(sqlite_db)) == 1)
        assert visits(sqlite_db)[0].prereg_id == pre.id


async def test_watch_listed_car_from_the_camera_needs_the_pin(sqlite_db, clock):  # type: ignore[no-untyped-def]
    from screens.dialogs.pin import SupervisorPinDialog
    from tests.conftest import add_staff
    from wuye_tui.services.gate.watch import add_watch

    configure(sqlite_db, clock)
    sup = ServiceContext(db=sqlite_db, actor=add_staff(sqlite_db, "周主管", "supervisor", "6666"), clock=clock)
    add_watch(sup, "多次闯杆", plate="粤B99999")
    rx = receiver(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot, "张保安", "1111")
            await pilot.press("3")
            desk = app.screen
            await asyncio.to_thread(camera_post, rx.url, "粤B99999")
            await until(pilot, lambda: desk.field("plate").raw == "粤B99999")
            assert "关注名单" in text_of(desk, "#plate-info") and "多次闯杆" in text_of(desk, "#plate-info")
            await pilot.press("enter")  # strange: the usual form
            for name, value in (("driver", "钱七"), ("phone", "13800138000"), ("unit", "3栋2单元1202")):
                desk.field(name).set_value(value)
            await pilot.press("f2")
            await until(pilot, lambda: isinstance(app.screen, SupervisorPinDialog))
            with sqlite_db.read() as s:
                assert s.execute(select(VehicleMove.id)).first() is None  # nothing in without the PIN
    finally:
        rx.stop()
