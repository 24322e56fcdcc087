"""The supervisors' watch-list desk driven with Pilot: add an entry typed in Chinese (ID
number masked on screen), bad input in every field (message at the field, nothing saved),
take an entry off the list with a reason, paging, and guards/front desk not offered it."""

from __future__ import annotations

import json

from sqlalchemy import select
from textual.widgets import DataTable, Input, Static

from screens.gate.reason import ReasonDialog
from screens.gate.watch import PAGE, WatchListScreen
from screens.home import HomeScreen
from tests.screens.helpers import SIZE, login, make_app
from tests.screens.test_gate_checkin import setup
from tests.services.conftest_gate import ID1, ID2
from wuye_tui.models import AuditEntry
from wuye_tui.models.gate import WatchEntry
from wuye_tui.services.core.context import ServiceContext


def entries(db) -> list[WatchEntry]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(WatchEntry).order_by(WatchEntry.id)).scalars())


def audit_rows(db, action: str) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars())


def sup_ctx(db, clock) -> ServiceContext:  # type: ignore[no-untyped-def]
    """Acting as 王主管, added by ``setup``."""
    from wuye_tui.models import Staff
    from wuye_tui.services.core.context import Actor

    with db.read() as s:
        row = s.execute(select(Staff).where(Staff.name == "王主管")).scalar_one()
    return ServiceContext(db=db, actor=Actor(row.id, row.name, row.role), clock=clock)


def table_text(screen) -> str:  # type: ignore[no-untyped-def]
    t = screen.query_one("#watch-table", DataTable)
    return "\n".join(" ".join(str(c) for c in t.get_row_at(i)) for i in range(t.row_count))


def err(screen, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(f"#err-{name}", Static).render()).strip()


async def open_desk(pilot, app) -> WatchListScreen:  # type: ignore[no-untyped-def]
    await login(pilot, "王主管", "1234")
    await pilot.press("w")
    await pilot.pause()
    assert isinstance(app.screen, WatchListScreen)
    return app.screen


async def type_field(pilot, screen, name: str, text: str) -> None:  # type: ignore[no-untyped-def]
    box = screen.query_one(f"#in-{name}", Input)
    box.focus()
    box.value = ""
    await pilot.press(*text)


async def test_supervisor_adds_an_entry_typed_in_chinese(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_desk(pilot, app)
        assert "暂无" in str(screen.query_one("#watch-title", Static).render())
        assert screen.focused is screen.query_one("#in-name", Input)
        await pilot.press(*"欧阳锋", "tab", "tab", *ID1.lower(), "tab")
        await pilot.pause()
        assert screen.query_one("#in-id_number", Input).value == "110105********002X"
        await pilot.press(*"粤B54321", "tab", *"多次冒充快递员进入楼栋", "enter")
        await pilot.pause()
        (e,) = entries(sqlite_db)
        assert (e.name, e.id_number, e.plate, e.reason, e.active) == (
            "欧阳锋", ID1, "粤B54321", "多次冒充快递员进入楼栋", True)
        shown = table_text(screen)
        assert "欧阳锋" in shown and "110105********002X" in shown and ID1 not in shown
        assert "编号 1" in str(screen.query_one("#gate-msg", Static).render())
        # the form is empty again, with no message left at any field
        assert [screen.query_one(f"#in-{n}", Input).value for n in ("name", "id_number", "plate", "reason")] == [
            "", "", "", ""]
        await pilot.pause()
        assert all(err(screen, n) == "" for n in ("name", "id_type", "id_number", "plate", "reason"))
        # a passport number, chosen by the number beside the ID type
        await type_field(pilot, screen, "id_type", "2")
        await type_field(pilot, screen, "id_number", "e1234567")
        await type_field(pilot, screen, "reason", "持他人护照登记")
        await pilot.press("f2")
        await pilot.pause()
        assert [(x.name, x.id_number) for x in entries(sqlite_db)] == [("欧阳锋", ID1), ("", "E1234567")]
        assert "E1****67" in table_text(screen) and "E1234567" not in table_text(screen)
    assert len(audit_rows(sqlite_db, "gate.watch_add")) == 2


async def test_bad_input_in_every_field_is_shown_at_the_field_and_saves_nothing(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_desk(pilot, app)
        bad = {"name": "张3", "id_type": "9", "id_number": ID1[:-1] + "3", "plate": "粤B", "reason": "   "}
        for name, value in bad.items():  # each checked as it is left
            await type_field(pilot, screen, name, value)
            await pilot.press("tab")
            await pilot.pause()
            assert err(screen, name), name
        assert err(screen, "id_number") == "请先选择证件类型"  # the type is wrong, so the number cannot be judged
        await pilot.press("f2")
        await pilot.pause()
        assert all(err(screen, n) for n in bad)
        assert "未保存" in str(screen.query_one("#gate-msg", Static).render())
        assert screen.focused is screen.query_one("#in-name", Input)
        await type_field(pilot, screen, "id_type", "1")
        await type_field(pilot, screen, "id_number", ID1[:-1] + "3")
        await pilot.press("tab")
        await pilot.pause()
        assert "校验" in err(screen, "id_number")
        # a passport number is not a resident ID
        await type_field(pilot, screen, "id_type", "1")
        await type_field(pilot, screen, "id_number", "E1234567")
        await pilot.press("tab")
        await pilot.pause()
        assert err(screen, "id_number")
        # nothing to identify the person: the message is at the name
        for name in ("name", "id_number", "plate"):
            screen.query_one(f"#in-{name}", Input).value = ""
        screen.query_one("#in-reason", Input).value = "闹事"
        await pilot.press("f2")
        await pilot.pause()
        assert err(screen, "name") == "请填写姓名、证件号或车牌"
        # a good name but an empty reason
        await type_field(pilot, screen, "name", "王五")
        screen.query_one("#in-reason", Input).value = ""
        await pilot.press("f2")
        await pilot.pause()
        assert err(screen, "name") == "" and err(screen, "reason") == "此项必填"
        assert entries(sqlite_db) == [] and audit_rows(sqlite_db, "gate.watch_add") == []
        # corrected: saved once
        await type_field(pilot, screen, "reason", "闹事")
        await pilot.press("enter")
        await pilot.pause()
        assert [(x.name, x.reason) for x in entries(sqlite_db)] == [("王五", "闹事")]


async def test_take_an_entry_off_the_list_with_a_reason(sqlite_db, clock):
    from wuye_tui.services.gate import watch as gate_watch

    setup(sqlite_db, clock)
    sup = sup_ctx(sqlite_db, clock)
    first = gate_watch.add_watch(sup, "逃缴停车费", plate="粤B00X99")
    second = gate_watch.add_watch(sup, "闹事", name="王五", id_number=ID2)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_desk(pilot, app)
        table = screen.query_one("#watch-table", DataTable)
        assert screen.focused is table and table.row_count == 2
        assert "440524********0013" in table_text(screen) and ID2 not in table_text(screen)
        await pilot.press("down", "f8")  # the second row: the older entry
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        assert "粤B00X99" in str(dialog.query_one("#reason-subject", Static).render())
        await pilot.press("enter")  # no reason: refused at the field
        await pilot.pause()
        assert err(dialog, "reason") == "此项必填" and app.screen is dialog
        await pilot.press(" ", " ", "enter")
        await pilot.pause()
        assert err(dialog, "reason") == "此项必填"
        await pilot.press("escape")  # cancel: nothing changes
        await pilot.pause()
        assert app.screen is screen and all(e.active for e in entries(sqlite_db))
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press(*"已补缴全部费用", "enter")
        await pilot.pause()
        assert app.screen is screen
        rows = {e.id: e for e in entries(sqlite_db)}
        assert not rows[first.id].active and rows[first.id].removed_by == sup.actor.id
        assert rows[second.id].active
        assert table.row_count == 1 and "粤B00X99" not in table_text(screen)
        assert "已移出黑名单" in str(screen.query_one("#gate-msg", Static).render())
    (a,) = audit_rows(sqlite_db, "gate.watch_deactivate")
    assert json.loads(a.after)["reason"] == "已补缴全部费用" and a.entity_id == str(first.id)


async def test_entry_taken_off_elsewhere_meanwhile_is_said_in_the_dialog(sqlite_db, clock):
    from wuye_tui.services.gate import watch as gate_watch

    setup(sqlite_db, clock)
    sup = sup_ctx(sqlite_db, clock)
    e = gate_watch.add_watch(sup, "闹事", name="王五")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk(pilot, app)
        await pilot.press("f8")
        await pilot.pause()
        gate_watch.deactivate_watch(sup, e.id, "另一台终端已处理")
        await pilot.press(*"误登记", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        assert "已失效" in str(app.screen.query_one("#reason-error", Static).render())
    assert len(audit_rows(sqlite_db, "gate.watch_deactivate")) == 1


async def test_the_list_pages_from_the_database(sqlite_db, clock):
    from sqlalchemy import insert

    setup(sqlite_db, clock)
    sup = sup_ctx(sqlite_db, clock)
    with sqlite_db.write() as s:
        s.execute(insert(WatchEntry), [dict(name="", id_number="", plate=f"粤B{i:05d}", reason=f"原因{i}",
                                            added_at=clock.now(), added_by=sup.actor.id, active=True)
                                       for i in range(PAGE + 7)])
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_desk(pilot, app)
        table = screen.query_one("#watch-table", DataTable)
        assert table.row_count == PAGE
        assert "更多" in str(screen.query_one("#watch-title", Static).render())
        table.move_cursor(row=PAGE - 1)
        await pilot.pause()
        assert table.row_count == PAGE + 7
        assert "粤B00000" in table_text(screen)
        assert "57" in str(screen.query_one("#watch-title", Static).render())


async def test_guard_and_front_desk_are_not_offered_the_watch_list(sqlite_db, clock):
    setup(sqlite_db, clock)
    for name, pin in (("张保安", "1111"), ("陈客服", "3333")):
        app = make_app(sqlite_db, clock)
        async with app.run_test(size=SIZE) as pilot:
            await login(pilot, name, pin)
            assert isinstance(app.screen, HomeScreen)
            lines = " ".join(str(s.render()) for s in app.screen.query(".desk-line"))
            assert "黑名单" not in lines and "[W]" not in lines
            await pilot.press("w")
            await pilot.pause()
            assert isinstance(app.screen, HomeScreen)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "王主管", "1234")
        assert "黑名单" in " ".join(str(s.render()) for s in app.screen.query(".desk-line"))


async def test_a_guard_handed_the_screen_cannot_add_or_take_off(sqlite_db, clock):
    from wuye_tui.services.gate import watch as gate_watch

    setup(sqlite_db, clock)
    gate_watch.add_watch(sup_ctx(sqlite_db, clock), "闹事", name="王五")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(WatchListScreen())
        await pilot.pause()
        screen = app.screen
        await type_field(pilot, screen, "name", "赵六")
        await type_field(pilot, screen, "reason", "闹事")
        await pilot.press("f2", "f8")
        await pilot.pause()
        assert app.screen is screen and len(entries(sqlite_db)) == 1 and entries(sqlite_db)[0].active
        assert screen.check_action("save", ()) is False and screen.check_action("deactivate", ()) is False
