"""Snapshots at 120x36 with a fixed clock and data: the handover screen and a patrol
checkpoint."""

from __future__ import annotations

import pytest

from screens.guard.handover import HandoverScreen
from screens.guard.patrol import PatrolScreen
from tests.open_items_stub import keep_guard_providers, visitor
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app, no_blink



@pytest.fixture(autouse=True)
def known_providers(monkeypatch):  # type: ignore[no-untyped-def]
    """The guard post's providers and the core's, and stand-ins for the visitors on site."""
    keep_guard_providers(monkeypatch, visitor("visit:7", "访客 刘某 3栋2单元1202，08:10 进入"))


def _data(db, clock):  # type: ignore[no-untyped-def]
    from wuye_tui.services.guard import dutylog, keys
    from wuye_tui.services.core.context import ServiceContext

    a = add_staff(db, "张保安", "guard", "1111")
    add_staff(db, "赵保安", "guard", "2222")
    add_staff(db, "王主管", "supervisor", "1234")
    ctx = ServiceContext(db=db, actor=a, clock=clock)
    dutylog.add_entry(ctx, "main_gate", "equipment", "serious", "2栋1号电梯异响，已通知维保", incident=True)
    keys.add_key(ctx, "R-PUMP", label="水泵房")
    keys.lend_key(ctx, "R-PUMP", "工程部 小刘", "inspection", "王主管")


def test_handover_screen_snapshot(sqlite_db, clock, snap_compare):
    _data(sqlite_db, clock)
    app = make_app(sqlite_db, clock)

    async def run_before(pilot):  # type: ignore[no-untyped-def]
        await login(pilot, "张保安", "1111")
        app.push_screen(HandoverScreen())
        await pilot.pause()
        no_blink(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_patrol_checkpoint_snapshot(sqlite_db, clock, snap_compare):
    _data(sqlite_db, clock)
    app = make_app(sqlite_db, clock)

    async def run_before(pilot):  # type: ignore[no-untyped-def]
        await login(pilot, "张保安", "1111")
        app.push_screen(PatrolScreen())
        await pilot.pause()
        await pilot.press("f2")
        await pilot.pause()
        no_blink(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_handover_receive_view_snapshot(sqlite_db, clock, snap_compare):
    """The incoming guard's own login: the receive view of the outgoing guard's draft, one
    item changed after he acknowledged it ([!])."""
    from sqlalchemy import select

    from wuye_tui.models import Staff
    from wuye_tui.services.guard import handover
    from wuye_tui.services.core.context import Actor, ServiceContext

    _data(sqlite_db, clock)
    with sqlite_db.read() as s:
        people = {p.name: Actor(p.id, p.name, p.role) for p in s.execute(select(Staff)).scalars()}
    out = ServiceContext(db=sqlite_db, actor=people["张保安"], clock=clock)
    inc = ServiceContext(db=sqlite_db, actor=people["赵保安"], clock=clock)
    h = handover.open_handover(out)
    handover.acknowledge_group(inc, h.id, "equipment")
    handover.set_equipment(out, h.id, "radio", "1", "一台送修")
    app = make_app(sqlite_db, clock)

    async def run_before(pilot):  # type: ignore[no-untyped-def]
        await login(pilot, "赵保安", "2222")
        await pilot.press("9")
        await pilot.pause()
        no_blink(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
