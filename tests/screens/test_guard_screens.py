"""Guard desks driven with Pilot: a full patrol round with an anomaly, a full handover
between two guards (signed on the outgoing guard's screen, then logout), logout without
handover, the duty log and the key register, with bad input."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from textual.widgets import Checkbox, DataTable, Input, Static

from screens.guard.dutylog import DutyLogScreen
from screens.guard.handover import HandoverScreen
from screens.guard.keys import KeyScreen
from screens.guard.patrol import PatrolScreen
from screens.login import LoginScreen
from tests.open_items_stub import keep_guard_providers, visitor
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app
from wuye_tui.models import StaffSession
from wuye_tui.models.guard import DutyEntry, Handover, HandoverItem, KeyLoan, PatrolRound
from wuye_tui.reference import load_reference



@pytest.fixture(autouse=True)
def known_providers(monkeypatch):  # type: ignore[no-untyped-def]
    """The guard post's providers and the core's, and stand-ins for the visitors on site."""
    keep_guard_providers(monkeypatch, visitor("visit:7", "访客 刘某 3栋2单元1202，08:10 进入"))


def staff_pair(db):  # type: ignore[no-untyped-def]
    add_staff(db, "张保安", "guard", "1111")
    add_staff(db, "赵保安", "guard", "2222")


def rows(db, model):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(model).order_by(model.id)).scalars().all()


async def test_full_patrol_round_with_anomaly(sqlite_db, clock):
    staff_pair(sqlite_db)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(PatrolScreen())
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#route-table", DataTable)
        codes = [r.code for r in load_reference().routes]
        table.move_cursor(row=codes.index("garage"))
        await pilot.press("f2")
        await pilot.pause()
        route = load_reference().route("garage")
        for n, cp in enumerate(route.checkpoints):
            clock.advance(seconds=45)
            assert cp.label in str(screen.query_one("#cp-name", Static).render())
            screen.query_one("#in-tag", Input).value = cp.tag
            if n == 1:
                screen.query_one("#bad-no_leaks", Checkbox).value = True
                await pilot.press("f2")  # anomaly without a note: refused at the note
                await pilot.pause()
                assert "说明" in str(screen.query_one("#patrol-error", Static).render())
                assert screen.query_one("#note-no_leaks", Input).has_class("-invalid")
                screen.query_one("#note-no_leaks", Input).value = "消防管接头滴水"
            await pilot.press("f2")
            await pilot.pause()
        [rnd] = rows(sqlite_db, PatrolRound)
        assert rnd.status == "done" and rnd.anomalies == 1 and not rnd.too_fast
        [inc] = rows(sqlite_db, DutyEntry)
        assert inc.status == "open" and "消防管接头滴水" in inc.text


async def test_patrol_wrong_tag_is_refused(sqlite_db, clock):
    staff_pair(sqlite_db)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(PatrolScreen())
        await pilot.pause()
        await pilot.press("f2")  # first route
        await pilot.pause()
        app.screen.query_one("#in-tag", Input).value = "ZZ9"
        await pilot.press("f2")
        await pilot.pause()
        assert "标牌" in str(app.screen.query_one("#err-tag", Static).render())
        [rnd] = rows(sqlite_db, PatrolRound)
        assert rnd.checkpoints_done == 0


async def test_full_handover_between_two_guards(sqlite_db, clock):
    """Two terminals on one database: the outgoing guard fills in, the incoming guard
    receives on his own login, acknowledges by group, and a change by the outgoing guard
    after acknowledgement must be looked at again before the signature is accepted."""
    staff_pair(sqlite_db)
    app_a, app_b = make_app(sqlite_db, clock), make_app(sqlite_db, clock)
    async with app_a.run_test(size=SIZE) as pa, app_b.run_test(size=SIZE) as pb:
        await login(pa, "张保安", "1111")
        await pa.press("9")  # keys, not push_screen: each app's screens run in that app's context
        await pa.pause()
        sa = app_a.screen
        table_a = sa.query_one("#ho-items", DataTable)
        assert table_a.row_count >= 2, sa.query_one("#ho-error", Static).render()
        # the outgoing guard records equipment and notes (saved as typed)
        sa.query_one("#eq-radio", Input).value = "1"
        sa.query_one("#eqn-radio", Input).value = "一台送修"
        sa.query_one("#ho-notes").load_text("正门道闸偶有卡顿")
        await pa.pause(0.8)
        # he cannot acknowledge or sign on his own terminal
        table_a.focus()
        await pa.press("enter")
        await pa.pause()
        assert "接班保安" in str(sa.query_one("#ho-error", Static).render())
        assert not any(i.acknowledged for i in rows(sqlite_db, HandoverItem))
        await pa.press("f2")
        await pa.pause()
        assert "不能" in str(sa.query_one("#ho-error", Static).render())
        # the incoming guard, on his own terminal: the receive view of that handover
        await login(pb, "赵保安", "2222")
        await pb.press("9")
        await pb.pause()
        sb = app_b.screen
        assert "接班" in str(sb.query_one("#ho-title", Static).render())
        assert "张保安" in str(sb.query_one("#ho-title", Static).render())
        name = sb.query_one("#in-incoming", Input)
        assert name.value == "赵保安" and name.disabled
        table = sb.query_one("#ho-items", DataTable)
        table.focus()
        await pb.pause()
        assert "F8" in str(sb.query_one("#ho-error", Static).render())
        for _ in range(table.row_count):  # F8 acknowledges the highlighted group, F4 moves on
            if all(i.acknowledged for i in rows(sqlite_db, HandoverItem)):
                break
            await pb.press("f8")
            await pb.pause()
        assert all(i.acknowledged for i in rows(sqlite_db, HandoverItem))
        assert {i.acknowledged_by for i in rows(sqlite_db, HandoverItem)} == {app_b.ctx.actor.id}
        sb.query_one("#in-pin", Input).value = "0000"
        await pb.press("f2")
        await pb.pause()
        assert rows(sqlite_db, Handover)[0].failed_signatures == 1
        # the outgoing guard's screen shows the acknowledgements made on the other terminal
        for _ in range(40):
            if "还有 0 项" in str(sa.query_one("#ho-error", Static).render()):
                break
            await pa.pause(0.1)
        assert "还有 0 项" in str(sa.query_one("#ho-error", Static).render())
        # the outgoing guard changes a note after it was acknowledged: the incoming guard's
        # screen says so by itself
        sa.query_one("#eqn-radio", Input).value = "两台送修"
        await pa.pause()
        for _ in range(40):
            if "变更" in str(sb.query_one("#ho-error", Static).render()):
                break
            await pb.pause(0.1)
        assert "1 项在确认后有变更" in str(sb.query_one("#ho-error", Static).render())
        sb.query_one("#in-pin", Input).value = "2222"
        await pb.press("f2")
        await pb.pause()
        [h] = rows(sqlite_db, Handover)
        assert h.status == "draft"
        assert "变更" in str(sb.query_one("#ho-error", Static).render())
        item = sb.highlighted()
        assert item is not None and item.ref == "equipment:radio" and "两台送修" in item.title
        assert "[!]" in str(table.get_row_at(table.cursor_row)[0])
        await pb.press("enter")
        await pb.pause()
        sb.query_one("#in-pin", Input).value = "2222"
        await pb.press("f2")
        await pb.pause()
        [h] = rows(sqlite_db, Handover)
        assert h.status == "signed" and h.notes == "正门道闸偶有卡顿" and h.content_hash
        assert "签字" in str(sb.query_one("#ho-title", Static).render())
        for app, pilot in ((app_a, pa), (app_b, pb)):
            app.call_later(app.action_logout)
            await pilot.pause()
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen)
        assert [s.end_reason for s in rows(sqlite_db, StaffSession)] == ["logout", "logout"]


async def test_incoming_guard_logs_in_and_signs(sqlite_db, clock):
    staff_pair(sqlite_db)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(HandoverScreen())
        await pilot.pause()
        # guard A leaves before anyone signs: F10 warns and asks why; Esc stays, a reason leaves
        await pilot.press("escape", "f10")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ReasonDialog"
        assert "交接" in str(app.screen.query_one("#reason-subject", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert rows(sqlite_db, StaffSession)[0].ended_at is None
        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("enter")  # no reason: refused at the field
        await pilot.pause()
        assert app.screen.__class__.__name__ == "ReasonDialog"
        app.screen.query_one("#in-reason", Input).value = "家中急事"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await login(pilot, "赵保安", "2222")
        app.push_screen(HandoverScreen())
        await pilot.pause()
        screen = app.screen
        assert "张保安" in str(screen.query_one("#ho-title", Static).render())
        table = screen.query_one("#ho-items", DataTable)
        table.focus()
        for _ in range(table.row_count):
            await pilot.press("enter", "down")
        screen.query_one("#in-incoming", Input).value = "赵保安"
        screen.query_one("#in-pin", Input).value = "2222"
        await pilot.press("f2")
        await pilot.pause()
        [h] = rows(sqlite_db, Handover)
        assert h.status == "signed"
        first = rows(sqlite_db, StaffSession)[0]
        assert first.end_reason == "without_handover"


async def test_duty_log_entry_and_bad_input(sqlite_db, clock):
    staff_pair(sqlite_db)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(DutyLogScreen())
        await pilot.pause()
        screen = app.screen
        await pilot.press("f2")
        await pilot.pause()
        assert "必填" in str(screen.query_one("#err-text", Static).render())
        assert rows(sqlite_db, DutyEntry) == []
        screen.query_one("#in-text", Input).value = "2栋楼道堆放杂物，已通知保洁"
        screen.query_one("#chk-incident", Checkbox).value = True
        await pilot.press("f2")
        await pilot.pause()
        [e] = rows(sqlite_db, DutyEntry)
        assert e.status == "open"
        table = screen.query_one("#duty-table", DataTable)
        assert table.row_count == 1
        table.focus()
        await pilot.press("f4")  # no close note: refused
        await pilot.pause()
        assert rows(sqlite_db, DutyEntry)[0].status == "open"
        screen.query_one("#in-close_note", Input).value = "已清理"
        await pilot.press("f4")  # a confirmation naming the incident first
        await pilot.pause()
        assert "2栋楼道堆放杂物" in str(app.screen.query_one("#confirm-text", Static).render())
        assert rows(sqlite_db, DutyEntry)[0].status == "open"
        await pilot.press("enter")
        await pilot.pause()
        assert rows(sqlite_db, DutyEntry)[0].status == "closed"


async def test_key_lend_and_return(sqlite_db, clock):
    staff_pair(sqlite_db)
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(KeyScreen())
        await pilot.pause()
        s = app.screen
        s.query_one("#in-code", Input).value = "R-POWER"
        s.query_one("#in-label", Input).value = "配电房"
        await pilot.press("f4")
        await pilot.pause()
        s.query_one("#in-code", Input).value = "R-POWER"
        await pilot.press("f2")  # nobody to lend to: refused at the field
        await pilot.pause()
        assert str(s.query_one("#err-lent_to", Static).render())
        assert rows(sqlite_db, KeyLoan) == []
        s.query_one("#in-lent_to", Input).value = "工程部 小刘"
        s.query_one("#sel-purpose").value = "inspection"
        s.query_one("#in-authorised_by", Input).value = "王主管"
        await pilot.press("f2")
        await pilot.pause()
        [loan] = rows(sqlite_db, KeyLoan)
        assert loan.lent_to == "工程部 小刘" and loan.returned_at is None
        # F3 with the code field empty returns nothing, whatever row the cursor is on
        s.query_one("#in-code", Input).value = ""
        s.query_one("#key-table", DataTable).move_cursor(row=0)
        await pilot.press("f3")
        await pilot.pause()
        assert rows(sqlite_db, KeyLoan)[0].returned_at is None and s is app.screen
        assert str(s.query_one("#err-code", Static).render())
        # named: a confirmation naming key and borrower; Esc keeps it out, Enter returns it
        s.query_one("#in-code", Input).value = "r-power"
        await pilot.press("f3")
        await pilot.pause()
        text = str(app.screen.query_one("#confirm-text", Static).render())
        assert "R-POWER" in text and "配电房" in text and "工程部 小刘" in text
        await pilot.press("escape")
        await pilot.pause()
        assert rows(sqlite_db, KeyLoan)[0].returned_at is None
        await pilot.press("f3")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert rows(sqlite_db, KeyLoan)[0].returned_at is not None


async def test_supervisor_reports_open_and_refuse_bad_dates(sqlite_db, clock):
    from screens.guard.reports import HandoverReportScreen, PatrolCoverageScreen

    staff_pair(sqlite_db)
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "王主管", "1234")
        app.push_screen(HandoverReportScreen())
        await pilot.pause()
        body = str(app.screen.query_one("#hreport-body", Static).render())
        assert "早班" in body and "夜班" in body
        app.screen.query_one("#in-date", Input).value = "2026-02-30"
        await pilot.press("f2")
        await pilot.pause()
        assert "不存在" in str(app.screen.query_one("#err-date", Static).render())
        app.push_screen(PatrolCoverageScreen())
        await pilot.pause()
        table = app.screen.query_one("#coverage-table", DataTable)
        assert table.row_count == 7 * len(load_reference().routes)


async def test_supervisor_home_shows_the_flags_of_the_night(sqlite_db, clock):
    """A guard who left without handover (with his reason) and rounds without a reason are
    on the supervisor's home screen; a guard owing reasons is asked at his login."""
    from datetime import timedelta

    from wuye_tui.services.guard import sessions as guard_sessions

    staff_pair(sqlite_db)
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")  # 09:00, the morning shift
        await pilot.pause()
        clock.advance(hours=3)  # he walks no round; at 12:00 he leaves
        app.end_login("logout", "家中急事")
        await pilot.pause()
        await login(pilot, "王主管", "1234")
        await pilot.pause()
        flags = str(app.screen.query_one("#home-flags", Static).render())
        assert "离岗未交接" in flags and "张保安" in flags and "家中急事" in flags
        assert "漏巡" in flags and "未说明原因" in flags
        app.end_login("logout")
        await pilot.pause()
        # the guard of the shift is asked for the reasons at his next login
        await login(pilot, "张保安", "1111")
        await pilot.pause()
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MissedRoundDialog"
        assert guard_sessions.STALE_AFTER < timedelta(minutes=10)
