"""Snapshots of the login and home screens, in Chinese and English, at 120x36, with a
fixed clock and fixed data."""

from __future__ import annotations

import pytest

from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app, no_blink, wait_ready


@pytest.fixture
def site(sqlite_db):
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    add_staff(sqlite_db, "张保安", "guard", "1111")
    return sqlite_db


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_login_snapshot(snap_compare, site, clock, lang):
    app = make_app(site, clock, lang=lang)

    async def before(pilot):
        await wait_ready(pilot)
        no_blink(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("who", [("张保安", "1111"), ("王主管", "1234")])
def test_home_snapshot(snap_compare, site, clock, lang, who):
    app = make_app(site, clock, lang=lang)

    async def before(pilot):
        await login(pilot, *who)
        no_blink(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before)
