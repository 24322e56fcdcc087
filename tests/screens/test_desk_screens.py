"""Front desk screens after #13: the suggestions desk does not offer the front desk the
decision; the list pages from the table; the detail's escalation line."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Static
from textual.widgets._footer import FooterKey

from tests.screens.helpers import SIZE, login, make_app
from tests.screens.test_complaint_screens import seed
from wuye_tui.services.complaints import intake as complaints, suggestions


def footer_actions(screen) -> set[str]:  # type: ignore[no-untyped-def]
    return {k.action for k in screen.query(FooterKey)}


async def test_front_desk_not_offered_the_decision(sqlite_db, clock):
    desk, _sup = seed(sqlite_db, clock)
    suggestions.log(desk, "张伟", "建议[b]增设[/b]充电桩")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "陈客服", "3333")
        await pilot.press("6")
        await pilot.pause()
        await pilot.press("g")
        await pilot.pause()
        screen = app.screen
        assert screen.__class__.__name__ == "SuggestionScreen"
        assert "decide" not in footer_actions(screen) and "report_to" in footer_actions(screen)
        table = screen.query_one("#sg-table", DataTable)
        assert "[b]" in str(table.get_row_at(0)[3])  # shown as typed, not as markup


async def test_list_pages_from_the_table_and_majors_first(sqlite_db, clock):
    desk, _sup = seed(sqlite_db, clock)
    major = complaints.add_complaint(desk, caller="张伟", unit="1栋1单元101", channel="phone",
                                     category="public_facility", cause="emergency", description="电梯困人",
                                     major_type="elevator_entrapment")
    for k in range(25):
        clock.advance(minutes=1)
        complaints.add_complaint(desk, caller="李娜", unit="1栋1单元102", channel="phone", category="parking",
                                 cause="amenities", description=f"车位被占{k}")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "陈客服", "3333")
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#cp-table", DataTable)
        assert table.has_focus
        assert str(table.get_row_at(0)[0]) == str(major.id)  # the open major first
        assert {"next_page", "prev_page"} <= footer_actions(screen)
        await pilot.press("pagedown")
        await pilot.pause()
        assert len(screen.pages) == 2 and table.row_count == 5
        assert str(major.id) not in [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        await pilot.press("pageup")
        await pilot.pause()
        assert len(screen.pages) == 1
        await pilot.press("enter")
        await pilot.pause()
        head = str(app.screen.query_one("#cp-head", Static).render())
        assert "升级事件" in head and "等待主管确认" in head and "电梯困人" in head


async def test_entry_form_shows_every_error_at_once_and_chosen_names(sqlite_db, clock):
    seed(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "陈客服", "3333")
        await pilot.press("5")
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        screen = app.screen
        assert "*" in str(screen.query_one("#field-caller").query_one(".field-label").render())
        await pilot.press("f2")  # nothing typed: every required field says so, at once
        await pilot.pause()
        for name in ("caller", "channel", "category", "cause", "description"):
            assert str(screen.query_one(f"#err-{name}", Static).render()).strip(), name
        assert app.focused.id == "in-caller"
        screen.field("category").set_value("5")
        screen.field("category").input.focus()
        await pilot.press("tab")
        await pilot.pause()
        assert "环境卫生及绿化" in str(screen.query_one("#err-category", Static).render())
        screen.field("promised_reply").set_value("2020-01-01 10:00")
        screen.field("promised_reply").input.focus()
        await pilot.press("tab")  # checked as it is left: in the past
        await pilot.pause()
        assert "未来" in str(screen.query_one("#err-promised_reply", Static).render()) or \
            str(screen.query_one("#err-promised_reply", Static).render()).strip()
        area = screen.query_one("#in-description")
        area.focus()
        await pilot.press(*"第一行", "enter", *"第二行")
        assert screen.field("description").raw == "第一行\n第二行"


async def test_return_visit_not_reached_comes_back_another_day(sqlite_db, clock):
    from wuye_tui.services.complaints import workflow as wf
    from wuye_tui.services.complaints import return_visits

    desk, _sup = seed(sqlite_db, clock)
    c = complaints.add_complaint(desk, caller="张伟", unit="1栋1单元101", channel="phone", category="environment",
                                 cause="service", description="垃圾未清")
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    wf.reply(desk, c.id, "已清理")
    wf.confirm(desk, c.id, "satisfied")
    clock.advance(days=3)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "陈客服", "3333")
        await pilot.press("6")
        await pilot.pause()
        screen = app.screen
        assert not {"plan_zone", "plan_director"} & footer_actions(screen)  # supervisors only
        assert "forum" in footer_actions(screen)
        await pilot.press("3")
        await pilot.pause()
        assert screen.query_one("#rv-table", DataTable).row_count == 0  # back on the list tomorrow
        assert any("改日" in str(n.message) for n in app._notifications)
    [v] = return_visits.due_list(desk, day=clock.now().date() + timedelta(days=1))
    assert v.visit.attempts == 1 and v.visit.status == "planned"
