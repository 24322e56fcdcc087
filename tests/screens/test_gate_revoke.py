"""Revoking a renovation permit at the pass desk, driven with Pilot: the office lists the
active permits and revokes one with a reason; its passes are then refused at the gate as
revoked. Bad reasons are refused at the field; guards are not offered revocation."""

from __future__ import annotations

import json

from sqlalchemy import select
from textual.widgets import DataTable, Input, Static

from screens.gate.passes import PassDeskScreen
from screens.gate.reason import ReasonDialog
from tests.screens.helpers import SIZE, login, make_app
from tests.screens.test_gate_checkin import setup
from wuye_tui.models import AuditEntry
from wuye_tui.models.gate import PassCheck, RenovationPermit


def permits(db) -> list[RenovationPermit]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(RenovationPermit).order_by(RenovationPermit.id)).scalars())


def text_of(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


def issue_two(desk):  # type: ignore[no-untyped-def]
    from wuye_tui.services.gate import passes as gate_passes

    first = gate_passes.issue_permit(desk, "3栋2单元1202", "好家装饰", "孙工", "13800001111", "2026-03-01",
                                     "2026-03-20", "2", ["周大", "吴二"])
    second = gate_passes.issue_permit(desk, "5栋1单元0801", "安居装修", "马工", "13800002222", "2026-03-02",
                                      "2026-03-10", "1")
    return first, second


async def open_desk(pilot, app, name: str, pin: str) -> PassDeskScreen:  # type: ignore[no-untyped-def]
    await login(pilot, name, pin)
    await pilot.press("4")
    await pilot.pause()
    assert isinstance(app.screen, PassDeskScreen)
    return app.screen


def rows_of(screen) -> list[str]:  # type: ignore[no-untyped-def]
    t = screen.query_one("#permits-table", DataTable)
    return [" ".join(str(c) for c in t.get_row_at(i)) for i in range(t.row_count)]


async def test_front_desk_revokes_and_the_passes_are_then_refused(sqlite_db, clock):
    _guard, desk = setup(sqlite_db, clock)
    (p1, numbers1), (p2, _numbers2) = issue_two(desk)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_desk(pilot, app, "陈客服", "3333")
        rows = rows_of(screen)
        assert len(rows) == 2 and rows[0].startswith(f"{p2.id} 5栋1单元0801") and "好家装饰" in rows[1]
        assert "2 份" in text_of(screen, "#permits-title")
        table = screen.query_one("#permits-table", DataTable)
        table.focus()
        await pilot.press("down", "enter")  # Enter shows the passes of the permit
        await pilot.pause()
        assert numbers1[0] in text_of(screen, "#gate-msg") and "周大" in text_of(screen, "#gate-msg")
        await pilot.press("f8")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        assert "好家装饰" in text_of(dialog, "#reason-subject")
        await pilot.press(*"业主投诉夜间施工", "enter")
        await pilot.pause()
        assert app.screen is screen
        assert [r.startswith(str(p2.id)) for r in rows_of(screen)] == [True]
        assert "已撤销" in text_of(screen, "#gate-msg")
    revoked = {p.id: p for p in permits(sqlite_db)}
    assert revoked[p1.id].revoked_at is not None and revoked[p1.id].revoke_reason == "业主投诉夜间施工"
    assert revoked[p2.id].revoked_at is None
    with sqlite_db.read() as s:
        (a,) = s.execute(select(AuditEntry).where(AuditEntry.action == "gate.permit_revoke")).scalars()
    assert json.loads(a.after) == {"reason": "业主投诉夜间施工"} and a.entity_id == str(p1.id)
    # at the gate, a guard types each pass of the revoked permit: refused as revoked
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_desk(pilot, app, "张保安", "1111")
        assert len(rows_of(screen)) == 1
        for number in numbers1:
            await pilot.press(*number, "enter")
            await pilot.pause()
            result = text_of(screen, "#pass-result")
            assert "拒绝" in result and "已撤销" in result and "业主投诉夜间施工" in result
        await pilot.press(*_numbers2[0], "enter")
        await pilot.pause()
        assert "准许" in text_of(screen, "#pass-result")
    with sqlite_db.read() as s:
        assert [c.result for c in s.execute(select(PassCheck).order_by(PassCheck.id)).scalars()] == [
            "revoked", "revoked", "ok"]


async def test_bad_reason_is_refused_at_the_field_and_revokes_nothing(sqlite_db, clock):
    _guard, desk = setup(sqlite_db, clock)
    issue_two(desk)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_desk(pilot, app, "王主管", "1234")
        await pilot.press("f8")  # acts on the highlighted permit, wherever the focus is
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ReasonDialog)
        for keys in ([], [" ", " "]):
            await pilot.press(*keys, "enter")
            await pilot.pause()
            assert app.screen is dialog
            assert text_of(dialog, "#err-reason") == "此项必填"
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is dialog and text_of(dialog, "#err-reason") == "此项必填"
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and len(rows_of(screen)) == 2
    assert all(p.revoked_at is None for p in permits(sqlite_db))


async def test_permit_revoked_elsewhere_meanwhile_is_said_in_the_dialog(sqlite_db, clock):
    from wuye_tui.services.gate import passes as gate_passes

    _guard, desk = setup(sqlite_db, clock)
    _first, (p2, _n) = issue_two(desk)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_desk(pilot, app, "王主管", "1234")
        await pilot.press("f8")
        await pilot.pause()
        gate_passes.revoke_permit(desk, p2.id, "前台已撤销")
        await pilot.press(*"重复撤销", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReasonDialog)
        assert "已撤销" in text_of(app.screen, "#reason-error")
    assert {p.id: p.revoke_reason for p in permits(sqlite_db)}[p2.id] == "前台已撤销"


async def test_a_guard_sees_the_permits_but_is_not_offered_revocation(sqlite_db, clock):
    _guard, desk = setup(sqlite_db, clock)
    issue_two(desk)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_desk(pilot, app, "张保安", "1111")
        assert len(rows_of(screen)) == 2
        assert screen.check_action("revoke", ()) is False
        screen.query_one("#permits-table", DataTable).focus()
        await pilot.press("f8")
        await pilot.pause()
        assert app.screen is screen
        screen.action_revoke()  # even called directly, nothing happens
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#in-pass", Input) is not None
    assert all(p.revoked_at is None for p in permits(sqlite_db))


async def test_issuing_a_permit_adds_it_to_the_list(sqlite_db, clock):
    setup(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_desk(pilot, app, "陈客服", "3333")
        assert rows_of(screen) == [] and "没有" in text_of(screen, "#permits-title")
        await pilot.press("f7")
        await pilot.pause()
        values = {"unit": "3栋2单元1202", "company": "好家装饰", "foreman": "孙工", "phone": "13800001111",
                  "start": "2026-03-02", "end": "2026-03-05", "workers": "2"}
        for name, value in values.items():
            app.screen.query_one(f"#in-{name}", Input).value = value
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is screen
        assert len(rows_of(screen)) == 1 and "好家装饰" in rows_of(screen)[0]
