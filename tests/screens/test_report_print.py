"""The reports desk: the preview is a table, F7 prints a report on the configured printer."""

from __future__ import annotations

import os

import pytest
from textual.widgets import Static

from tests.cli.test_print_cli import FAKE_LP
from tests.screens.helpers import SIZE, make_app
from tests.screens.test_report_screen import open_reports, pick, seed
from wuye_tui.services.core.context import ServiceContext


def rendered(screen) -> str:  # type: ignore[no-untyped-def]
    from rich.console import Console

    console = Console(width=120, record=True, file=open(os.devnull, "w"))
    console.print(screen.query_one("#rp-preview-text", Static).content)
    return console.export_text()


async def test_preview_is_a_table_not_markdown(sqlite_db, clock):
    pytest.importorskip("wuye_tui.services.complaints.stats")
    seed(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        screen.field("month").set_value("2026-03")
        await pilot.press("f6")
        await pilot.pause()
        text = rendered(screen)
        assert "客户月投诉统计表" in text and "受理投诉及请求总数" in text
        assert "|---" not in text and "## " not in text and "┌" in text


async def test_f7_prints_the_report(sqlite_db, clock, tmp_path, monkeypatch):
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "lp").write_text(FAKE_LP)
    (bin_ / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}{os.environ['PATH']}")
    seed(sqlite_db, clock)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reports(pilot)
        pick(screen, "report:monthly")
        screen.field("month").set_value("2026-03")
        await pilot.press("f7")
        for _i in range(100):
            await pilot.pause(0.05)
            if "打印机" in str(screen.query_one("#rp-status", Static).render()):
                break
        assert "未配置打印机" in str(screen.query_one("#rp-status", Static).render())
        from wuye_tui.services.core import settings

        settings.update(ServiceContext(db=sqlite_db, actor=screen.ctx.actor, clock=clock), printer="office")
        await pilot.press("f7")
        for _i in range(200):
            await pilot.pause(0.05)
            if "office-7" in str(screen.query_one("#rp-status", Static).render()):
                break
        assert "office-7" in str(screen.query_one("#rp-status", Static).render())
    assert (tmp_path / "spool" / "monthly_2026-03.pdf").read_bytes().startswith(b"%PDF")
