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
