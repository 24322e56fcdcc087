"""Check-in desk driven with Pilot: keystroke budgets, a new visitor typed in Chinese,
field messages, watch-list override, refusal, on-site board check-out."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import DataTable, Input, Static

from screens.gate.checkin import CheckInScreen
from screens.gate.onsite import OnSiteScreen
from screens.home import HomeScreen
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app
from tests.services.conftest_gate import ID1, seed_roster, visitor
from wuye_tui.models.gate import Visit, VisitRefusal
from wuye_tui.services.core.context import ServiceContext


def setup(db, clock):  # type: ignore[no-untyped-def]
    guard = add_staff(db, "张保安", "guard", "1111")
    add_staff(db, "王主管", "supervisor", "1234")
    desk = ServiceContext(db=db, actor=add_staff(db, "陈客服", "front_desk", "3333"), clock=clock)
    seed_roster(desk)
    return ServiceContext(db=db, actor=guard, clock=clock), desk


def visits(db) -> list[Visit]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(Visit).order_by(Visit.id)).scalars())


async def test_pre_registered_visitor_in_8_keys(sqlite_db, clock):
    from wuye_tui.services.gate.prereg import create_prereg

    _guard, desk = setup(sqlite_db, clock)
    pre = create_prereg(desk, "3栋2单元1202", "刘备", "13511112222")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        assert isinstance(app.screen, HomeScreen)
        keys = ["1", *pre.code, "enter"]
        assert len(keys) <= 8
        await pilot.press(*keys)
        await pilot.pause()
        rows = visits(sqlite_db)
        assert len(rows) == 1
        assert rows[0].name == "刘备" and rows[0].approval == "prereg" and rows[0].prereg_id == pre.id
        assert "刘备" in str(app.screen.query_one("#gate-msg", Static).render())


async def test_returning_visitor_in_15_keys(sqlite_db, clock):
    from wuye_tui.services.gate import visits as gate_visits

    guard, _desk = setup(sqlite_db, clock)
    gate_visits.check_in(guard, visitor(purpose="5", unit="5栋1单元0801", headcount="2"))
    gate_visits.check_out(guard, visits(sqlite_db)[0].id)
    clock.advance(days=3)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        keys = ["1", "z", "s", "enter", "2", "enter"]  # the approval is asked again
        assert len(keys) <= 15
        await pilot.press(*keys)
        await pilot.pause()
        rows = visits(sqlite_db)
        assert len(rows) == 2
        new = rows[-1]
        assert new.name == "张三" and new.id_number == ID1 and new.headcount == 2
        assert new.purpose == "housekeeping" and new.checked_out_at is None


async def test_new_visitor_typed_in_chinese_and_bad_fields(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        # bad values in every field: each shows its message when left; nothing saved
        bad = {"name": "张3", "id_type": "9", "id_number": "110105194912310021", "phone": "123",
               "headcount": "0", "unit": "99栋", "approval": "9", "purpose": "x", "plate": "ABC", "stay": "0"}
        for name, value in bad.items():
            screen.query_one(f"#in-{name}", Input).value = value
        await pilot.press("f2")
        await pilot.pause()
        for name in bad:
            err = str(screen.query_one(f"#err-{name}", Static).render())
            assert err.strip(), name
        assert visits(sqlite_db) == []
        # now correct, typed key by key where it matters
        screen.query_one("#in-name", Input).focus()
        screen.query_one("#in-name", Input).value = ""
        await pilot.press(*"诸葛亮")
        good = {"id_type": "1", "id_number": ID1.lower(), "phone": "138 0013 8000", "headcount": "2",
                "unit": "3栋2单元1202", "approval": "2", "purpose": "1", "plate": "京B·12345", "stay": "2"}
        for name, value in good.items():
            screen.query_one(f"#in-{name}", Input).value = value
        screen.query_one("#in-id_number", Input).focus()
        await pilot.press("tab")
        await pilot.pause()
        assert screen.query_one("#in-id_number", Input).value == "110105********002X"
        await pilot.press("f2")
        await pilot.pause()
        rows = visits(sqlite_db)
        assert len(rows) == 1
        v = rows[0]
        assert (v.name, v.id_number, v.phone, v.headcount, v.plate, v.approval) == (
            "诸葛亮", ID1, "13800138000", 2, "京B12345", "host_present")


async def test_watch_list_hit_needs_supervisor_pin(sqlite_db, clock):
    from wuye_tui.services.gate import visits as gate_visits
    from wuye_tui.services.gate.watch import add_watch

    guard, _desk = setup(sqlite_db, clock)
    sup = ServiceContext(db=sqlite_db, actor=add_staff(sqlite_db, "赵主管", "supervisor", "5678"), clock=clock)
    gate_visits.check_in(guard, visitor())
    gate_visits.check_out(guard, visits(sqlite_db)[0].id)
    add_watch(sup, "曾多次推销", id_number=ID1)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("1", "z", "s", "enter", "1", "enter")
        await pilot.pause()
        assert len(visits(sqlite_db)) == 1
        assert app.screen.query_one("#sup-name", Input)
        app.screen.query_one("#sup-name", Input).value = "赵主管"
        app.screen.query_one("#sup-pin", Input).value = "5678"
        app.screen.query_one("#sup-pin", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        rows = visits(sqlite_db)
        assert len(rows) == 2 and rows[1].override_by == sup.actor.id


async def test_refuse_without_id(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("1")
        await pilot.pause()
        app.screen.query_one("#in-name", Input).value = "无名氏"
        await pilot.press("f4")
        await pilot.pause()
        await pilot.press("1", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckInScreen)
    with sqlite_db.read() as s:
        row = s.execute(select(VisitRefusal)).scalar_one()
    assert row.reason == "no_id" and row.name == "无名氏"


async def test_on_site_board_checks_out_and_reports_conflict(sqlite_db, clock):
    from wuye_tui.services.gate import visits as gate_visits

    guard, _desk = setup(sqlite_db, clock)
    a = gate_visits.check_in(guard, visitor())
    b = gate_visits.check_in(guard, visitor(name="王五", id_number="440524198001010013", purpose="3"))
    clock.advance(hours=1)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, OnSiteScreen)
        table = app.screen.query_one("#onsite-table", DataTable)
        assert table.row_count == 2
        gate_visits.check_out(guard, b.id)  # another terminal checks the first row out meanwhile
        await pilot.press("enter", "enter", "y")  # find box -> table -> confirm with Y
        await pilot.pause()
        assert "已于" in str(app.screen.query_one("#gate-msg", Static).render())
        assert table.row_count == 1
        await pilot.press("enter", "y")
        await pilot.pause()
        assert table.row_count == 0
    assert all(v.checked_out_at is not None for v in visits(sqlite_db))
    assert a.id


async def test_the_same_person_twice_asks_then_checks_the_earlier_visit_out(sqlite_db, clock):
    """Issue 10: an ID number already on site is not booked twice silently: the desk names
    the earlier visit and offers its check-out (C) or a supervisor's override (S)."""
    from screens.gate.ask import KeyChoiceDialog
    from tests.screens.test_faults import fill, open_checkin
    from wuye_tui.services.gate import visits as gv

    guard, _desk = setup(sqlite_db, clock)
    earlier = gv.check_in(guard, visitor(name="诸葛亮", id_number=ID1, unit="3栋2单元1202"))
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkin(pilot)
        fill(screen)  # the same ID number again
        await pilot.press("f2")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, KeyChoiceDialog)
        assert "诸葛亮" in str(dialog.query_one("#ask-title", Static).render())  # names the earlier visitor
        assert len(visits(sqlite_db)) == 1  # nothing saved while asking
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and len(visits(sqlite_db)) == 1
        assert screen.query_one("#in-name", Input).value == "诸葛亮"  # the form kept
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("c")  # check the earlier visit out, then this one in
        await pilot.pause()
        rows = visits(sqlite_db)
        assert len(rows) == 2 and rows[0].id == earlier.id and rows[0].checked_out_at is not None
        assert rows[1].checked_out_at is None
