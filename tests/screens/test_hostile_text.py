"""User text is never markup: markup, ANSI escapes and control characters in every free-text
field of every register and in the site name; every desk opens, nothing crashes, the text
shows literally (issue #9 item 1)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from textual.widgets import DataTable, Static
from textual.widgets import _data_table

from screens.desks import DESKS
from tests.screens.helpers import SIZE, login, make_app, wait_ready

PAYLOAD = "[/] x [bold red]red [@click=app.quit]quit[/] [$error]v \x1b[31mansi\x07\r"
SHOWN = "[/] x [bold red]red [@click=app.quit]quit[/] [$error]v ␛[31mansi␇␍"

# Free-text columns (names, notes, titles): codes stay valid so the screens have rows to show.
FREE_TEXT = {
    "building": ["name"], "gate_visitor": ["name"], "duty_entry": ["text", "close_note"],
    "escalation": ["title", "detail", "resolution"], "gate_watch": ["name", "reason"],
    "handover": ["notes"], "patrol_missed": ["note"], "patrol_round": ["note"],
    "complaint": ["caller", "description", "location"], "escalationevent": ["note"],
    "gate_permit": ["company", "foreman", "revoke_reason"], "gate_prereg": ["name"],
    "gate_refusal": ["note", "name"], "gate_vehicle": ["driver"], "gate_visit": ["name"],
    "handover_equipment": ["note"], "handover_item": ["title", "detail"], "handover_note": ["text"],
    "key_item": ["label"], "patrol_check": ["note"], "resident": ["name"],
    "suggestion": ["name", "content", "outcome_note"], "complaintevent": ["note"],
    "gate_pass": ["worker"], "gate_slip_use": ["note"],
    "key_loan": ["lent_to", "purpose_note", "return_note"], "returnvisit": ["feedback", "handled_note"],
}


@pytest.fixture
def hostile_site(sqlite_db, clock):
    from wuye_tui.demo import build_demo
    from wuye_tui.services.guard import dutylog
    from wuye_tui.services.core.context import ServiceContext

    site = build_demo(sqlite_db, households=20, days=3, clock=clock)
    guard = next(a for a in site.actors if a.role == "guard")
    ctx = ServiceContext(db=sqlite_db, clock=clock, terminal="test").as_actor(guard)
    # What a guard types (the service keeps the markup, drops the control characters)
    dutylog.add_entry(ctx, "main_gate", "security", "warning", "[/] x " + PAYLOAD, incident=True, major_type="fire")
    with sqlite_db.engine.begin() as conn:
        for table, columns in FREE_TEXT.items():
            for col in columns:
                conn.execute(text(f"UPDATE {table} SET {col} = COALESCE({col}, '') || :p"), {"p": PAYLOAD})
        # Other staff names too (the supervisor logging in keeps hers)
        conn.execute(text("UPDATE staff SET name = name || :p WHERE name <> '王主管'"), {"p": PAYLOAD})
        conn.execute(text("DELETE FROM setting WHERE key = 'site_name'"))
        conn.execute(text("INSERT INTO setting (key, value) VALUES ('site_name', :v)"),
                     {"v": '"[/] 物业 [@click=app.quit]x\\u001b[2J"'})
    return sqlite_db


def _plain(widget: Static) -> str:
    return widget.visual.plain if hasattr(widget.visual, "plain") else str(widget.render())


async def test_every_desk_shows_hostile_text_literally(hostile_site, clock):
    app = make_app(hostile_site, clock)
    async with app.run_test(size=SIZE) as pilot:
        await wait_ready(pilot)
        await pilot.pause(0.1)
        site = _plain(app.screen.query_one("#login-site", Static))
        assert site.startswith("[/] 物业 [@click=app.quit]x")
        assert "\x1b" not in site
        await login(pilot, "王主管", "1234")
        app.poll_alerts()
        await pilot.pause(0.3)
        bar = app.screen.query_one("#alerts", Static)
        assert "[/] x" in _plain(bar) and "\x1b" not in _plain(bar)
        home = app.screen
        seen_cells = 0
        for desk in DESKS:
            app.push_screen(desk.load()())
            await pilot.pause(0.3)
            assert app.is_running, desk.target
            for table in app.screen.query(DataTable):
                for row in range(min(table.row_count, 5)):
                    for value in table.get_row_at(row):
                        rendered = _data_table.default_cell_formatter(value)
                        plain = getattr(rendered, "plain", "")
                        assert "\x1b" not in plain
                        if "[/] x" in str(value):
                            assert "[/] x" in plain
                            seen_cells += 1
            while app.screen is not home:
                app.pop_screen()
                await pilot.pause()
        assert app.is_running
        assert seen_cells > 5  # hostile text really reached the tables


async def test_complaint_detail_shows_markup_literally(hostile_site, clock):
    from screens.complaints.detail import ComplaintDetailScreen

    with hostile_site.read() as session:
        cid = session.execute(text("SELECT id FROM complaint ORDER BY id LIMIT 1")).scalar_one()
    app = make_app(hostile_site, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "王主管", "1234")
        app.push_screen(ComplaintDetailScreen(cid))
        await pilot.pause(0.3)
        head = _plain(app.screen.query_one("#cp-head", Static))
        assert SHOWN.split("␛")[0] in head
        assert "␛[31mansi" in head
        events = _plain(app.screen.query_one("#cp-events", Static))
        assert app.is_running and events


async def test_toast_with_markup_does_not_crash(sqlite_db, clock):
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.notify("[/] x [@click=app.quit]q", title="[/]")
        await pilot.pause(0.2)
        assert app.is_running


async def test_unit_search_options_show_names_literally(hostile_site, clock):
    from textual.widgets import Input, Static

    from screens.complaints.entry import ComplaintEntryScreen

    app = make_app(hostile_site, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "王主管", "1234")
        app.push_screen(ComplaintEntryScreen())
        await pilot.pause(0.3)
        app.screen.query_one("#in-unit", Input).value = "1"
        await pilot.pause(0.3)
        picks = str(app.screen.query_one("#picks-unit", Static).render())  # the gate's unit picker
        assert picks.strip() and "[/] x" in picks
        await pilot.pause(0.2)
        assert app.is_running


async def test_hostile_text_in_every_setting_and_the_report_preview(hostile_site, clock):
    """Every text setting written straight into the database (as someone with the file
    could) holding markup and escapes: login, every desk and the monthly preview open, and
    nothing is parsed as markup."""
    import json

    from screens.desks import DESKS
    from wuye_tui.services.core import settings as site_settings

    texts = [f.name for f in site_settings.SiteSettings.__dataclass_fields__.values()
             if f.type in ("str", str) and f.name not in ("time_zone", "summary_time", "id_storage")]
    assert len(texts) > 20
    with hostile_site.engine.begin() as conn:
        for key in texts:
            conn.execute(text("DELETE FROM setting WHERE key = :k"), {"k": key})
            conn.execute(text("INSERT INTO setting (key, value) VALUES (:k, :v)"), {"k": key, "v": json.dumps(PAYLOAD)})
    app = make_app(hostile_site, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "王主管", "1234")
        await pilot.pause(0.3)
        home = app.screen
        for desk in DESKS:
            app.push_screen(desk.load()())
            await pilot.pause(0.2)
            assert app.is_running, desk.target
            while app.screen is not home:
                app.pop_screen()
                await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        app.screen.field("month").set_value("2026-03")
        await pilot.press("f6")
        await pilot.pause(0.3)
        assert app.is_running and app.screen.__class__.__name__ == "ReportPreview"
