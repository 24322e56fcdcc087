"""The login path (issue 11 item 2, 4): what runs before the login screen is drawn imports
neither SQLAlchemy nor Typer, and the first look at a SQLite file lists the staff with the
standard library alone."""

from __future__ import annotations

import subprocess
import sys

from wuye_tui.peek import peek_sqlite

LOGIN_DRAWN = """
import asyncio, sys
from wuye_tui.launch import tui_options
from wuye_tui.app import WuyeApp, create_app
WuyeApp.open_database = lambda self: None  # the worker that loads the database layer
app = create_app("sqlite:///never-opened.db", lang="zh", terminal="t")
async def main():
    async with app.run_test(size=(80, 24)) as pilot:
        while type(app.screen).__name__ != "LoginScreen" or not app.screen.is_mounted:
            await pilot.pause(0.01)
        await pilot.pause(0.1)
        heavy = sorted(m for m in ("sqlalchemy", "sqlmodel", "typer", "alembic") if m in sys.modules)
        print("HEAVY", ",".join(heavy))
asyncio.run(main())
"""


def test_login_screen_is_drawn_without_the_database_layer(tmp_path):
    run = subprocess.run([sys.executable, "-c", LOGIN_DRAWN], capture_output=True, text=True, timeout=120,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "HEAVY \n" in run.stdout, run.stdout


def test_peek_lists_active_staff_and_the_site(db, make_ctx):
    import pytest

    from wuye_tui.services.core import settings, staff

    if not db.is_sqlite:
        assert peek_sqlite(db.url) is None  # PostgreSQL: the normal open does it all
        pytest.skip("the first look is for SQLite files")
    sup = make_ctx("supervisor", "王主管")
    staff.add(sup, "张保安", "guard", "1111")
    gone = staff.add(sup, "李保安", "guard", "2222")
    staff.set_active(sup, gone.name, False)
    settings.update(sup, site_name="和谐家园")
    got = peek_sqlite(sup.db.url)
    assert got is not None and got.site_name == "和谐家园"
    assert got.staff_names == staff.login_names(sup)
    assert ("李保安", "guard") not in got.staff_names


def test_peek_says_nothing_when_unsure(tmp_path):
    assert peek_sqlite("postgresql+psycopg://u:p@h/db") is None
    assert peek_sqlite(f"sqlite:///{tmp_path / 'missing.db'}") is None
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)
    assert peek_sqlite(f"sqlite:///{bad}") is None


TABLES_LATER = """
import sys
import screens  # installs the literal text patches
loaded_early = "textual.widgets._data_table" in sys.modules
from textual.widgets import DataTable  # as every desk screen takes it
from textual.widgets import _data_table
print("EARLY", loaded_early)
print("CELL", _data_table.default_cell_formatter("[b]x[/] [@click=app.quit]q[/]").plain)
"""


def test_table_cells_stay_literal_when_the_table_module_loads_after_start_up(tmp_path):
    """The DataTable module is not loaded at start-up (the login has no table); its cell
    formatter is made literal when a screen first takes DataTable."""
    run = subprocess.run([sys.executable, "-c", TABLES_LATER], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "EARLY False" in run.stdout, run.stdout
    assert "CELL [b]x[/] [@click=app.quit]q[/]" in run.stdout, run.stdout
