"""The reports desk: an export runs in a worker with progress (the screen stays live),
bad input shows at the field, the monthly statistics preview."""

from __future__ import annotations

import csv
import os
import stat

from textual.widgets import OptionList, Static

from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app, settle
from wuye_tui.services.core import escalation
from wuye_tui.services.core.context import ServiceContext


def seed(db, clock):  # type: ignore[no-untyped-def]
    sup = add_staff(db, "王主管", "supervisor", "1234")
    ctx = ServiceContext(db=db, actor=sup, clock=clock)
    for i in range(5):
        escalation.raise_escalation(ctx, "fire", f"{i}号楼烟雾报警")
    return ctx


async def open_reports(pilot):  # type: ignore[no-untyped-def]
    await login(pilot, "王主管", "1234")
    await pilot.press("r")
    await pilot.pause()
    assert pilot.app.screen.__class__.__name__ == "ReportScreen"
    return pilot.app.screen


def pick(screen, key: str) -> None:  # type: ignore[no-untyped-def]
    idx = [k for k, _label in screen.items].index(key)
    screen.query_one("#rp-choice", OptionList).highlighted = idx


async def wait_done(pilot, screen, tries: int = 200) -> None:  # type: ignore[no-untyped-def]
    for _ in range(tries):
        await pilot.pause(0.02)
        if not screen.running:
            await pilot.pause()
            return
    raise AssertionError("export did not finish")


async def test_export_from_screen(sqlite_db, clock, tmp_path):
    seed(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        pick(screen, "register:escalations")
        await pilot.pause()
        screen.field("from").set_value("2026-03-01")
        screen.field("to").set_value("2026-03-02")
        screen.field("format").set_value("csv")
        out = tmp_path / "esc.csv"
        screen.field("out").set_value(str(out))
        await pilot.press("f5")
        await wait_done(pilot, screen)
        status = str(screen.query_one("#rp-status", Static).render())
        assert "已写入 5 行" in status, status
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 6 and rows[1][5].endswith("号楼烟雾报警")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


async def test_bad_input_shows_at_field_and_writes_nothing(sqlite_db, clock, tmp_path):
    seed(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        pick(screen, "register:audit")
        screen.field("from").set_value("2026-03-05")
        screen.field("to").set_value("2026-03-01")
        screen.field("out").set_value(str(tmp_path / "a.csv"))
        await pilot.press("f5")
        await pilot.pause()
        assert "结束日期早于开始日期" in str(screen.query_one("#err-to", Static).render())
        screen.field("to").set_value("2026-03-06")
        screen.field("out").set_value(str(tmp_path / "missing" / "a.csv"))
        await pilot.press("f5")
        await pilot.pause()
        assert "无法写入" in str(screen.query_one("#err-out", Static).render())
        screen.field("format").set_value("pdf")
        await pilot.press("f5")
        await pilot.pause()
        assert "csv" in str(screen.query_one("#err-format", Static).render())
        assert not screen.running
    assert list(tmp_path.glob("*.csv")) == []


async def test_monthly_preview_and_xlsx(sqlite_db, clock, tmp_path):
    import pytest

    pytest.importorskip("wuye_tui.services.complaints.stats")
    seed(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.field("month").set_value("2026-03")
        await pilot.press("f6")
        await settle(pilot)
        from rich.console import Group

        assert isinstance(screen.query_one("#rp-preview-text", Static).content, Group)  # tables, see test_report_print
        assert pilot.app.screen.__class__.__name__ == "ReportPreview"
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen
        pick(screen, "report:monthly")
        await pilot.pause()
        screen.field("format").set_value("xlsx")
        out = tmp_path / "m.xlsx"
        screen.field("out").set_value(str(out))
        await pilot.press("f5")
        await wait_done(pilot, screen)
    from openpyxl import load_workbook

    assert load_workbook(out).worksheets[0]["A1"].value == "客户月投诉统计表"
