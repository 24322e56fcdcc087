"""The route list marks a round walked too fast."""

from __future__ import annotations

from textual.widgets import DataTable

from screens.guard.patrol import PatrolScreen
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app
from wuye_tui.reference import load_reference
from wuye_tui.services.guard import patrol
from wuye_tui.services.core.context import ServiceContext
from wuye_tui.services.guard.patrol import ItemResult


async def test_a_too_fast_round_is_marked_in_the_route_list(sqlite_db, clock):
    g = add_staff(sqlite_db, "张保安", "guard", "1111")
    ctx = ServiceContext(db=sqlite_db, actor=g, clock=clock)
    rnd = patrol.start_round(ctx, "garage")
    for cp in load_reference().route("garage").checkpoints:
        clock.advance(seconds=5)  # far under the route's 30 s a checkpoint
        patrol.record_checkpoint(ctx, rnd.id, cp.code, [ItemResult(i, True, "") for i in cp.items])
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(PatrolScreen())
        await pilot.pause()
        table = app.screen.query_one("#route-table", DataTable)
        summary = str(table.get_row("garage")[2])
        assert "过快" in summary, summary


async def test_f8_abandons_only_after_a_confirmation_naming_the_round(sqlite_db, clock):
    from sqlalchemy import select
    from textual.widgets import Input, Static

    from screens.guard.confirm import ConfirmDialog
    from wuye_tui.models.guard import PatrolRound

    add_staff(sqlite_db, "张保安", "guard", "1111")
    app = make_app(sqlite_db, clock)

    def status() -> str:
        with sqlite_db.read() as s:
            return s.execute(select(PatrolRound.status)).scalar_one()

    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(PatrolScreen())
        await pilot.pause()
        table = app.screen.query_one("#route-table", DataTable)
        table.move_cursor(row=table.get_row_index("garage"))
        await pilot.press("f2")  # start a round
        await pilot.pause()
        screen = app.screen
        screen.query_one("#in-abandon", Input).value = "下暴雨，车库进水"
        await pilot.press("f8")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        shown = str(dialog.query_one("#confirm-text", Static).render())
        assert load_reference().route("garage").label in shown and "0/" in shown and "车库进水" in shown
        await pilot.press("escape")  # not this time
        await pilot.pause()
        assert app.screen is screen and status() == "in_progress"
        await pilot.press("f8")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert status() == "abandoned"
