"""Front desk screens driven with Pilot: the keyboard entry form with the unit picker,
bad input at the field, the list with overdue highlight and filters, the detail screen
offering only legal steps, return visits, suggestions and the monthly statistics."""

from __future__ import annotations

from sqlalchemy import func, select
from textual.widgets import DataTable, Input, Static

from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app
from wuye_tui.models.complaints import Complaint
from wuye_tui.services.complaints import workflow as wf
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.core import roster
from wuye_tui.services.core.context import ServiceContext


def seed(db, clock):  # type: ignore[no-untyped-def]
    sup = add_staff(db, "王主管", "supervisor", "1234")
    desk = add_staff(db, "陈客服", "front_desk", "3333")
    ctx = ServiceContext(db=db, actor=sup, clock=clock)
    roster.add_resident(ctx, "1栋", "1单元", "101", "张伟", "13800138001")
    roster.add_resident(ctx, "1栋", "1单元", "102", "李娜", "13800138002")
    roster.add_resident(ctx, "2栋", "1单元", "301", "刘洋", "13800138004")
    return ctx.as_actor(desk), ctx


def count(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(Complaint)).scalar_one()


async def open_desk(pilot, key: str = "5"):  # type: ignore[no-untyped-def]
    await login(pilot, "陈客服", "3333")
    await pilot.press(key)
    await pilot.pause()


async def test_keyboard_entry_with_unit_picker(sqlite_db, clock):
    seed(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk(pilot)
        assert app.screen.__class__.__name__ == "ComplaintListScreen"
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert screen.__class__.__name__ == "ComplaintEntryScreen"
        await pilot.press("z", "w")
        await pilot.pause()
        await pilot.press("enter")  # takes the first hit: fills caller and phone
        await pilot.pause()
        assert screen.field("unit").raw == "1栋1单元101"
        assert screen.field("caller").raw == "张伟" and screen.field("phone").raw == "13800138001"
        assert app.focused.id == "in-channel"
        assert "电话" in str(screen.query_one("#cp-choices", Static).render())
        await pilot.press("1", "enter", "5", "enter", "3", "enter", "enter", "enter", "enter", "enter")
        assert app.focused.id == "in-description"
        await pilot.press(*"lamp broken")
        await pilot.press("f2")
        await pilot.pause()
        assert count(sqlite_db) == 1
        assert screen.field("unit").raw == "" and app.focused.id == "in-unit"
    with sqlite_db.read() as s:
        c = s.execute(select(Complaint)).scalar_one()
    assert (c.channel, c.category, c.cause, c.caller) == ("phone", "environment", "equipment", "张伟")


async def test_unit_picker_down_arrow_chooses(sqlite_db, clock):
    seed(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        await pilot.press("down", "enter")  # the gate's picker: the list starts on the first unit
        await pilot.pause()
        assert app.screen.field("unit").raw == "1栋1单元102"
        assert app.screen.field("caller").raw == "李娜"


BAD = {"unit": "99栋", "caller": "123", "phone": "555", "channel": "9", "category": "x", "cause": "0",
       "department": "zz", "major_type": "meteor", "promised_reply": "2026-02-01 10:00", "location": "地" * 201,
       "description": ""}


async def test_bad_input_in_every_field_shows_at_the_field(sqlite_db, clock):
    seed(sqlite_db, clock)
    good = {"unit": "1栋1单元101", "caller": "张伟", "phone": "13800138001", "channel": "1", "category": "5",
            "cause": "3", "department": "", "major_type": "", "promised_reply": "", "location": "",
            "description": "灯不亮"}
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk(pilot)
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        for name, bad in BAD.items():
            for key, value in {**good, name: bad}.items():
                screen.field(key).set_value(value)
            await pilot.press("f2")
            await pilot.pause()
            message = str(screen.query_one(f"#err-{name}", Static).render())
            assert message.strip(), name
            assert app.focused.id == f"in-{name}", name
        assert count(sqlite_db) == 0


async def test_list_highlights_overdue_and_filters(sqlite_db, clock):
    desk, _sup = seed(sqlite_db, clock)
    a = complaints.add_complaint(desk, caller="张伟", unit="1栋1单元101", channel="phone", category="environment",
                                 cause="service", description="垃圾未清")
    clock.advance(hours=30)
    b = complaints.add_complaint(desk, caller="李娜", unit="1栋1单元102", channel="visit", category="parking",
                                 cause="service", description="乱停车", major_type="theft_vandalism")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk(pilot)
        table = app.screen.query_one("#cp-table", DataTable)
        assert table.row_count == 2
        row_a = table.get_row(str(a.id))
        assert str(row_a[-1]).strip() and "bold" in str(row_a[0].style)  # highlighted
        assert "重大" in str(table.get_row(str(b.id))[-1])
        await pilot.press("f4")  # overdue only
        await pilot.pause()
        assert table.row_count == 1 and table.get_row_at(0)[0].plain == str(a.id)
        await pilot.press("f4", "f6")  # major only
        await pilot.pause()
        assert table.row_count == 1 and table.get_row_at(0)[0].plain == str(b.id)
        await pilot.press("f6")
        app.screen.query_one("#cp-search", Input).value = "ln"
        await pilot.pause()
        assert table.row_count == 1 and table.get_row_at(0)[0].plain == str(b.id)


async def test_detail_offers_only_legal_steps_and_walks_the_workflow(sqlite_db, clock):
    desk, sup = seed(sqlite_db, clock)
    c = complaints.add_complaint(desk, caller="张伟", unit="1栋1单元101", channel="phone", category="environment",
                                 cause="service", description="垃圾未清")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert screen.__class__.__name__ == "ComplaintDetailScreen"
        assert screen.check_action("archive", ()) is True  # offered: it says why it cannot be done yet
        assert screen.check_action("start", ()) is False
        assert screen.check_action("dispatch", ()) is True
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is screen
        assert any("尚未回复" in str(n.message) or "未回复" in str(n.message) for n in app._notifications)
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert dialog.__class__.__name__ == "StepDialog"
        await pilot.press("9", "enter", "enter")  # bad department number: stays open with the message
        await pilot.pause()
        assert app.screen is dialog and "1" in str(dialog.query_one("#step-error", Static).render())
        dialog.query_one("#step-department", Input).value = ""
        dialog.query_one("#step-note", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert complaints.get(desk, c.id).status == "dispatched"
        for key in ("s",):
            await pilot.press(key, "enter")
            await pilot.pause()
        await pilot.press("r", *"fixed", "enter")
        await pilot.pause()
        assert complaints.get(desk, c.id).status == "replied"
        assert screen.check_action("archive", ()) is True and "archive" not in screen.steps
        await pilot.press("c", "2", "enter", "enter", "enter")
        await pilot.pause()
        assert complaints.get(desk, c.id).status == "confirmed"
        await pilot.press("a", "enter")
        await pilot.pause()
        assert complaints.get(desk, c.id).status == "archived"
        text = str(screen.query_one("#cp-events", Static).render())
        for word in ("受理", "派单", "开始处理", "已回复客户", "客户确认", "已归档", "陈客服"):
            assert word in text


async def test_return_visit_keys_and_suggestions(sqlite_db, clock):
    desk, sup = seed(sqlite_db, clock)
    c = complaints.add_complaint(desk, caller="张伟", unit="1栋1单元101", channel="phone", category="environment",
                                 cause="service", description="垃圾未清")
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    wf.reply(desk, c.id, "已清理")
    wf.confirm(desk, c.id, "satisfied")
    clock.advance(days=3)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk(pilot, "6")
        screen = app.screen
        table = screen.query_one("#rv-table", DataTable)
        assert table.row_count == 1
        await pilot.press("2")
        await pilot.pause()
        await pilot.press(*"need more bins", "enter")
        await pilot.pause()
        assert table.row_count == 0
        assert "1" in str(screen.query_one("#rv-info", Static).render())
        await pilot.press("h", *"added bins", "enter")
        await pilot.pause()
        from wuye_tui.services.complaints import return_visits

        assert return_visits.unhandled(desk) == []
        await pilot.press("g")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "SuggestionScreen"
        await pilot.press("f2")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#step-name", Input).value = "张伟"
        dialog.query_one("#in-unit", Input).focus()  # the gate's unit picker, here too
        await pilot.press(*"zw")
        await pilot.pause()
        assert "1栋1单元101" in str(dialog.query_one("#picks-unit", Static).render())
        await pilot.press("enter")  # takes the highlighted unit, on to the next field
        await pilot.pause()
        assert dialog.query_one("#in-unit", Input).value == "1栋1单元101"
        assert app.focused.id == "step-phone"
        dialog.query_one("#step-content", Input).value = "建议增设充电桩"
        dialog.query_one("#step-content", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.query_one("#sg-table", DataTable).row_count == 1
    from wuye_tui.models.complaints import Suggestion
    from wuye_tui.models.people import Unit

    with sqlite_db.read() as s:
        assert s.execute(select(Unit.code).join(Suggestion, Suggestion.unit_id == Unit.id)).scalar_one() == "1栋1单元101"


async def test_monthly_stats_screen(sqlite_db, clock):
    desk, sup = seed(sqlite_db, clock)
    complaints.add_complaint(desk, caller="张伟", unit="1栋1单元101", channel="phone", category="environment",
                             cause="service", description="垃圾未清")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "王主管", "1234")
        await pilot.press("m")
        await pilot.pause()
        text = str(app.screen.query_one("#st-text", Static).render())
        assert "2026-03" in text and "合计 1" in text and "环境卫生及绿化 1" in text
        assert "有效投诉率：0.0%（0/3 户）" in text and "未认定 1" in text  # nobody judged it yet
        app.screen.query_one("#in-month", Input).value = "2026-13"
        await pilot.press("enter")
        await pilot.pause()
        assert str(app.screen.query_one("#err-month", Static).render()).strip()
