"""Complaint detail: p prints the reply letter on the configured printer (fake lp)."""

from __future__ import annotations

import os

from textual.widgets import Static

from tests.cli.test_print_cli import FAKE_LP
from tests.screens.helpers import SIZE, make_app
from tests.screens.test_complaint_detail_extras import footer_actions, open_detail, replied
from tests.screens.test_complaint_screens import seed
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.core import settings


async def test_p_prints_the_letter_or_says_why_not(sqlite_db, clock, tmp_path, monkeypatch):
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    (bin_ / "lp").write_text(FAKE_LP)
    (bin_ / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}{os.environ['PATH']}")
    desk, sup = seed(sqlite_db, clock)
    c = replied(desk)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot)
        assert "print_letter" in footer_actions(screen)
        await pilot.press("p")
        for _i in range(100):
            await pilot.pause(0.05)
            if any("打印机" in str(n.message) for n in app._notifications):
                break
        assert any("未配置打印机" in str(n.message) for n in app._notifications)
        assert not (tmp_path / "spool").exists()
        settings.update(sup, printer="office")
        await pilot.press("p")
        for _i in range(200):
            await pilot.pause(0.05)
            if "office-7" in str(screen.query_one("#cp-info", Static).render()):
                break
        assert "office-7" in str(screen.query_one("#cp-info", Static).render())
    assert (tmp_path / "spool" / f"回复函_{c.id}.pdf").read_bytes().startswith(b"%PDF")
    assert "letter" in [ev.kind for ev, _w in complaints.detail(desk, c.id).events]
