"""Readable messages: a toast over a screen whose widget edges fall inside its text keeps
every wide character (the compositor used to replace one cut in two by two spaces)."""

from __future__ import annotations

from rich.segment import Segment
from textual.strip import Strip

from screens.guard.handover import HandoverScreen
from screens.wide_cuts import keep_wide
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app


def screen_text(app) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(s.text for s in app.screen._compositor.render_strips())


def test_keep_wide_moves_a_straddling_character_whole():
    strip = Strip([Segment("▌ 钥匙 K0001   ")])
    # a cut at cell 3 falls inside 钥 (cells 2-3)
    fixed = keep_wide(strip, [3])
    assert fixed.cell_length == strip.cell_length
    pieces = fixed.divide([3, fixed.cell_length])
    assert "".join(p.text for p in pieces) == "▌  钥匙 K0001  "
    assert keep_wide(Strip([Segment("abc")]), [1]).text == "abc"


async def test_toasts_over_the_handover_keep_every_wide_character(sqlite_db, clock):
    add_staff(sqlite_db, "张保安", "guard", "1111")
    messages = ["钥匙钥匙钥匙钥匙钥匙 K0001 已归还此项必填此项必填此项必填此项必填" + "匙" * i for i in range(4)]
    for size in (SIZE, (80, 24)):
        app = make_app(sqlite_db, clock)
        async with app.run_test(size=size, notifications=True) as pilot:
            await login(pilot, "张保安", "1111")
            app.push_screen(HandoverScreen())
            await pilot.pause()
            for text in messages[:2] if size[0] == 80 else messages:
                app.notify(text, title="未保存")
            await pilot.pause(0.3)
            shown = screen_text(app)
            # the toasts' lines, without the spaces the wrap and the moves add
            lines = [ln.split("▌", 1)[1] for ln in shown.splitlines() if "▌" in ln]
            flat = "".join(ln.replace(" ", "").replace("│", "").replace("╯", "").replace("─", "")
                           for ln in lines)
            assert flat.count("未保存") == (2 if size[0] == 80 else 4)
            for text in messages[:2] if size[0] == 80 else messages:
                assert text.replace(" ", "") in flat, (text, shown)


async def test_an_overlong_paste_is_refused_whole(sqlite_db, clock):
    from textual import events
    from textual.widgets import Input, Static, TextArea

    from sqlalchemy import select

    from wuye_tui.models.guard import Handover

    add_staff(sqlite_db, "张保安", "guard", "1111")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("9")
        await pilot.pause()
        screen = app.screen
        notes = screen.query_one("#ho-notes", TextArea)
        notes.focus()
        await pilot.pause()
        app.post_message(events.Paste("巡" * 2001))
        await pilot.pause(1.0)
        assert notes.text == ""
        assert "过长" in str(screen.query_one("#ho-error", Static).render())
        with sqlite_db.read() as s:
            assert s.execute(select(Handover.notes)).scalar_one() == ""
        app.post_message(events.Paste("正门道闸偶有卡顿"))
        await pilot.pause(1.0)
        with sqlite_db.read() as s:
            assert s.execute(select(Handover.notes)).scalar_one() == "正门道闸偶有卡顿"
        note = screen.query_one("#eqn-radio", Input)
        note.focus()
        await pilot.pause()
        app.post_message(events.Paste("x" * 201))
        await pilot.pause()
        assert note.value == ""  # refused whole, not cut to 200


async def test_every_column_visible_at_80_and_120(sqlite_db, clock):
    from textual.widgets import DataTable

    add_staff(sqlite_db, "张保安", "guard", "1111")
    for size in ((80, 24), SIZE):
        for key, table_id in (("9", "#ho-items"), ("k", "#key-table")):
            app = make_app(sqlite_db, clock)
            async with app.run_test(size=size) as pilot:
                await login(pilot, "张保安", "1111")
                await pilot.press(key)
                await pilot.pause()
                await pilot.pause()
                table = app.screen.query_one(table_id, DataTable)
                widths = [c.get_render_width(table) for c in table.columns.values()]
                assert len(widths) >= 4 and sum(widths) <= table.size.width, (size, table_id, widths,
                                                                              table.size.width)
