"""#12: an escalation raised anywhere shows on every terminal within 5 s: on the login (idle
lock) screen, above an open dialog (which stays usable), on desks; acknowledging on one
clears all; the escalation desk refreshes by itself; user text is never markup."""

from __future__ import annotations

import time

from textual.widgets import Input

from screens.dialogs.pin import SupervisorPinDialog
from screens.login import LoginScreen
from screens.widgets.alert_bar import AlertBar, AlertOverlay
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app, wait_ready
from wuye_tui.services.guard import dutylog
from wuye_tui.services.core import escalation, settings
from wuye_tui.services.core.context import ServiceContext


def shown(app) -> str:  # type: ignore[no-untyped-def]
    """The alert text on the screen the user sees now (its bar or the overlay)."""
    for bar in app.screen.query(AlertBar):
        if bar.has_class("-active"):
            return str(bar.render())
    return ""


async def wait_for(pilots, check, seconds: float) -> float:  # type: ignore[no-untyped-def]
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if check():
            return time.monotonic() - start
        for p in pilots:
            await p.pause(0.05)
    raise AssertionError(f"not within {seconds}s")


def people(db, clock):  # type: ignore[no-untyped-def]
    sup = add_staff(db, "王主管", "supervisor", "1234")
    guard = add_staff(db, "张保安", "guard", "1111")
    add_staff(db, "陈客服", "front_desk", "3333")
    return ServiceContext(db=db, actor=sup, clock=clock), ServiceContext(db=db, actor=guard, clock=clock)


async def enter_pin(pilot, name: str, pin: str) -> None:  # type: ignore[no-untyped-def]
    dialog = pilot.app.screen
    assert isinstance(dialog, SupervisorPinDialog)
    dialog.query_one("#sup-name", Input).value = name
    dialog.query_one("#sup-pin", Input).value = pin
    dialog.query_one("#sup-pin", Input).focus()
    await pilot.press("enter")
    await pilot.pause()


async def test_login_screen_of_a_locked_terminal_shows_an_incident_from_elsewhere(sqlite_db, clock):
    sup_ctx, guard_ctx = people(sqlite_db, clock)
    locked = make_app(sqlite_db, clock)
    async with locked.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        assert isinstance(locked.screen, LoginScreen) and shown(locked) == ""
        bells: list[float] = []
        locked.bell = lambda: bells.append(time.monotonic())  # type: ignore[method-assign]
        # as `wuye dutylog add ... --major elevator_entrapment` does, in another process
        dutylog.add_entry(guard_ctx, "control_room", "equipment", "critical", "3栋2单元 电梯 B2 有人被困",
                          incident=True, major_type="elevator_entrapment")
        clock.advance(minutes=3)
        took = await wait_for([pilot], lambda: "电梯困人" in shown(locked), 5.0)
        text = shown(locked)
        assert "重大：电梯困人 3栋2单元 电梯 B2 有人被困（监控室）（09:00，已 3 分钟）" in text, text
        assert bells, "the bell rings on arrival"
        assert took < 5.0
        overlay = locked.screen.query_one(AlertOverlay)
        assert overlay.region.y == 0  # above the login box, on the top line
        # a supervisor walking up to the locked terminal acknowledges it there
        await pilot.press("f9")
        await pilot.pause()
        await enter_pin(pilot, "王主管", "1234")
        await wait_for([pilot], lambda: shown(locked) == "", 3.0)
        assert isinstance(locked.screen, LoginScreen)
        assert escalation.unacknowledged(guard_ctx) == []


async def test_alert_is_drawn_above_an_open_dialog_which_stays_usable(sqlite_db, clock):
    sup_ctx, guard_ctx = people(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        dialog = SupervisorPinDialog("kiosk")
        app.push_screen(dialog)
        await pilot.pause()
        dialog.query_one("#sup-name", Input).focus()
        dutylog.add_entry(guard_ctx, "main_gate", "fire", "critical", "垃圾房冒烟[/] [bold]x", incident=True,
                          major_type="fire")
        await wait_for([pilot], lambda: "火灾" in shown(app), 5.0)
        await pilot.pause()
        assert app.screen is dialog
        overlay = dialog.query_one(AlertOverlay)
        assert dialog.get_widget_at(5, overlay.region.y)[0] is overlay  # drawn on top
        box = dialog.query_one("Vertical")
        assert box.region.y >= overlay.region.bottom  # and the dialog below it, nothing covered
        assert "垃圾房冒烟[/] [bold]x" in shown(app)  # user text shown as typed, not markup
        # the dialog still takes typing, its focus untouched
        await pilot.press("王")
        assert dialog.query_one("#sup-name", Input).value == "王"
        assert app.focused is dialog.query_one("#sup-name", Input)


async def test_bell_can_be_turned_off(sqlite_db, clock):
    sup_ctx, guard_ctx = people(sqlite_db, clock)
    manager = ServiceContext(db=sqlite_db, actor=add_staff(sqlite_db, "李经理", "manager"), clock=clock)
    settings.update(manager, alert_bell="off")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        bells: list[float] = []
        app.bell = lambda: bells.append(1.0)  # type: ignore[method-assign]
        dutylog.add_entry(guard_ctx, "main_gate", "fire", "critical", "垃圾房冒烟", incident=True, major_type="fire")
        await wait_for([pilot], lambda: "火灾" in shown(app), 5.0)
        assert bells == []


async def test_ack_on_one_terminal_clears_the_other_and_the_desk_refreshes(sqlite_db, clock):
    sup_ctx, guard_ctx = people(sqlite_db, clock)
    desk_app, gate_app = make_app(sqlite_db, clock), make_app(sqlite_db, clock)
    async with desk_app.run_test(size=SIZE) as desk, gate_app.run_test(size=SIZE) as gate:
        await login(desk, "王主管", "1234")
        await wait_ready(gate)  # the gate terminal sits locked on the login screen
        await desk.press("e")  # the escalation desk
        await desk.pause()
        assert desk_app.screen.__class__.__name__ == "EscalationScreen"
        dutylog.add_entry(guard_ctx, "main_gate", "fire", "critical", "垃圾房冒烟", incident=True, major_type="fire")
        await wait_for([desk, gate], lambda: "火灾" in shown(gate_app) and "火灾" in shown(desk_app), 5.0)
        from textual.widgets import DataTable

        table = desk_app.screen.query_one("#esc-table", DataTable)
        await wait_for([desk, gate], lambda: table.row_count == 1, 5.0)  # the list refreshed itself
        esc_id = escalation.unacknowledged(guard_ctx)[0].id
        await desk.press("f3")
        await desk.pause()
        await enter_pin(desk, "王主管", "1234")
        took = await wait_for([desk, gate], lambda: shown(gate_app) == "", 5.0)
        assert took < 5.0
        assert "处理中" in str(table.get_row(str(esc_id)))
        # note, then resolve with the outcome; the timeline says who did what, in Chinese
        field = desk_app.screen.query_one("#in-esc_text", Input)
        field.value = "已通知消防[/]中控"
        await desk.press("f2")
        await desk.pause()
        timeline = str(desk_app.screen.query_one("#esc-timeline").render())
        assert "已通知消防[/]中控" in timeline and "王主管 处理记录" in timeline
        field.value = "误报，已复位"
        await desk.press("f4")
        await desk.pause()
        tl = escalation.timeline(sup_ctx, esc_id)
        assert [escalation.event_label(ev.kind) for ev, _w in tl.events] == [
            "发起", "已通知", "已确认", "处理记录", "已解决"]
        assert tl.escalation.resolution == "误报，已复位" and tl.events[-1][1] == "王主管"
        await wait_for([desk, gate], lambda: table.row_count == 0, 5.0)  # open only: it is gone


async def test_two_terminals_on_either_database_time_to_visible(db, clock):
    """A locked terminal and one in a dialog, on SQLite and on PostgreSQL: the time from the
    commit on a third (here: a service call as the CLI makes it) to the alert on both."""
    from wuye_tui.db import Database

    sup_ctx, _guard_ctx = people(db, clock)
    cli_db = Database(db.url)  # the CLI's own connection
    try:
        guard_ctx = ServiceContext(db=cli_db, actor=_guard_ctx.actor, clock=clock)
        locked, busy = make_app(db, clock), make_app(db, clock)
        async with locked.run_test(size=(80, 24)) as p1, busy.run_test(size=SIZE) as p2:
            await wait_ready(p1)
            await login(p2, "王主管", "1234")
            busy.push_screen(SupervisorPinDialog("kiosk"))
            await p2.pause()
            start = time.monotonic()
            dutylog.add_entry(guard_ctx, "control_room", "equipment", "critical", "3栋2单元 电梯 B2 有人被困",
                              incident=True, major_type="elevator_entrapment")
            committed = time.monotonic() - start
            t1 = await wait_for([p1, p2], lambda: "电梯困人" in shown(locked), 5.0)
            t2 = await wait_for([p1, p2], lambda: "电梯困人" in shown(busy), 5.0)
            print(f"\ntime to visible ({db.url.split(':')[0]}): commit {committed:.2f}s, "
                  f"locked {t1:.2f}s, in a dialog {max(t1, t2):.2f}s")
            assert isinstance(busy.screen, SupervisorPinDialog)
            assert max(t1, t2) < 5.0
    finally:
        cli_db.dispose()


async def test_two_apps_give_a_reminder_once_and_both_show_it(sqlite_db, clock):
    from sqlalchemy import select

    from wuye_tui.models import ReminderClaim
    from wuye_tui.services.guard import keys

    sup_ctx, guard_ctx = people(sqlite_db, clock)
    add_staff(sqlite_db, "赵保安", "guard", "2222")
    keys.add_key(guard_ctx, "K0007", "配电房")
    keys.lend_key(guard_ctx, "K0007", "维修工老周", "repair", "王主管")
    clock.advance(days=2)
    a, b = make_app(sqlite_db, clock), make_app(sqlite_db, clock)
    async with a.run_test(size=SIZE) as pa, b.run_test(size=SIZE) as pb:
        await login(pa, "张保安", "1111")
        await login(pb, "赵保安", "2222")
        a.check_reminders()
        b.check_reminders()
        await wait_for([pa, pb], lambda: "钥匙 K0007" in shown(a) and "钥匙 K0007" in shown(b), 8.0)
        with sqlite_db.read() as s:
            keys_given = s.execute(select(ReminderClaim.key).where(ReminderClaim.rule == "key_overdue")).scalars().all()
        assert len(keys_given) == 1
        assert "提醒：钥匙 K0007 配电房（借给 维修工老周）应于 03-03 09:00 归还" in shown(a)
        await pa.press("f9")  # no escalation waiting: F9 dismisses the reminder, for every terminal
        await wait_for([pa, pb], lambda: "K0007" not in shown(b), 5.0)


async def test_supervisor_sees_each_notification_and_its_state(sqlite_db, clock):
    from textual.widgets import DataTable

    sup_ctx, guard_ctx = people(sqlite_db, clock)
    manager = ServiceContext(db=sqlite_db, actor=add_staff(sqlite_db, "李经理", "manager"), clock=clock)
    settings.update(manager, webhook_url="http://127.0.0.1:9/hook")  # nobody listens: it fails
    dutylog.add_entry(guard_ctx, "main_gate", "fire", "critical", "垃圾房冒烟", incident=True, major_type="fire")
    from wuye_tui.services.core import notify

    notify.wait_for_sends(15)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "王主管", "1234")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("f7")
        await pilot.pause()
        table = app.screen.query_one("#nt-table", DataTable)
        row = [str(c) for c in table.get_row_at(0)]
        assert row[2:5] == ["重大事件", "通用 JSON 接口", "待发送"] and row[5] == "1"
        assert "连不上接收方" in row[7]
        assert "待发送 1 · 已送达 0 · 失败 0" in str(app.screen.query_one("#nt-summary").render())
