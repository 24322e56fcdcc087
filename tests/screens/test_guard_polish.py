"""Guard screens, second pass (issue 5 follow-up), driven with Pilot at 120x36:

1. the outgoing guard chooses the post handed over (keyboard, kept in the draft);
2. reasons for missed rounds from the patrol screen (F7), and from the handover with the
   highlighted missed round preselected;
3. the handover's items table fits its width; the highlighted item is shown in full below.
Bad input everywhere: nothing is saved and the message is shown where it belongs.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

import pytest
from rich.cells import cell_len
from sqlalchemy import select
from textual.widgets import DataTable, Select, Static

from screens.guard.handover import HandoverScreen
from screens.guard.missed_dialog import MissedRoundDialog
from screens.guard.patrol import PatrolScreen
from tests.open_items_stub import keep_guard_providers, visitor
from tests.conftest import add_staff
from tests.screens.helpers import SIZE, login, make_app
from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.models.guard import Handover, MissedRound
from wuye_tui.reference import load_reference
from wuye_tui.services.guard import handover, patrol
from wuye_tui.services.core.context import ServiceContext
from wuye_tui.services.guard.shifts import handover_shift

AMBIGUOUS = "·—…○"
LONG = ("访客 欧阳某某 [b]装修监理[/b] 3栋2单元1202，08:10 进入，随行二人携带工具箱、切割机和两袋水泥，"
        "登记证件为护照，车辆停放在东门临时车位，预计 17:30 离开，业主电话已核实")


@pytest.fixture(autouse=True)
def known_providers(monkeypatch):  # type: ignore[no-untyped-def]
    """The guard post's providers and the core's, and stand-ins for the visitors on site."""
    keep_guard_providers(monkeypatch, visitor("visit:7", "访客 刘某 3栋2单元1202，08:10 进入"),
                         visitor("visit:8", LONG, overdue=True))


def staff_pair(db):  # type: ignore[no-untyped-def]
    a = add_staff(db, "张保安", "guard", "1111")
    add_staff(db, "赵保安", "guard", "2222")
    return a


def rows(db, model):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(model).order_by(model.id)).scalars().all()


def text_of(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


# ---- 1. the post handed over ------------------------------------------------------------


async def test_post_chosen_with_keys_is_kept_in_the_draft(sqlite_db, clock):
    staff_pair(sqlite_db)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(HandoverScreen())
        await pilot.pause()
        screen = app.screen
        post = screen.query_one("#sel-post", Select)
        posts = load_reference().posts
        assert [code for _label, code in post._options] == [p.code for p in posts]
        assert post.value == "main_gate" and not post.disabled
        assert post.has_focus  # a handover just opened: the post comes first
        await pilot.press("enter", "down", "enter")  # 正门岗 -> 后门岗, keyboard only
        await pilot.pause()
        [h] = rows(sqlite_db, Handover)
        assert h.post == "back_gate" and h.status == "draft"
        assert "后门岗" in text_of(screen, "#ho-title")
        assert not screen.query_one("#err-post", Static).display
        # the draft remembers it: opening the handover again shows the chosen post
        app.pop_screen()
        app.push_screen(HandoverScreen())
        await pilot.pause()
        assert app.screen.query_one("#sel-post", Select).value == "back_gate"
        assert not app.screen.query_one("#sel-post", Select).has_focus  # reopened: no need to ask again
        assert "后门岗" in text_of(app.screen, "#ho-title")
        assert [h.post for h in rows(sqlite_db, Handover)] == ["back_gate"]


async def test_post_refused_keeps_the_draft_and_says_why(sqlite_db, clock, monkeypatch):
    staff_pair(sqlite_db)

    def refuse(ctx, handover_id, post):  # type: ignore[no-untyped-def]
        raise ValidationError("post", "未知岗位")

    monkeypatch.setattr(handover, "set_post", refuse)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(HandoverScreen())
        await pilot.pause()
        screen = app.screen
        post = screen.query_one("#sel-post", Select)
        post.value = "control_room"
        await pilot.pause()
        error = screen.query_one("#err-post", Static)
        assert error.display and "未知岗位" in str(error.render())
        assert post.value == "main_gate" and post.has_class("-invalid")
        assert rows(sqlite_db, Handover)[0].post == "main_gate"


async def test_post_cannot_be_changed_by_the_incoming_guard(sqlite_db, clock):
    staff_pair(sqlite_db)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(HandoverScreen())
        await pilot.pause()
        app.end_login("logout")  # leaves without a handover (the F10 warning is tested elsewhere)
        await pilot.pause()
        await login(pilot, "赵保安", "2222")
        app.push_screen(HandoverScreen())
        await pilot.pause()
        screen = app.screen
        assert "张保安" in text_of(screen, "#ho-title")
        post = screen.query_one("#sel-post", Select)
        assert post.disabled and post.value == "main_gate"
        with pytest.raises(WuyeError):  # the service refuses anyone but the outgoing guard
            handover.set_post(app.ctx, rows(sqlite_db, Handover)[0].id, "back_gate")
        assert rows(sqlite_db, Handover)[0].post == "main_gate"


# ---- 2. reasons for missed rounds --------------------------------------------------------


def _missed(db, clock, actor) -> list[patrol.Slot]:  # type: ignore[no-untyped-def]
    ctx = ServiceContext(db=db, actor=actor, clock=clock)
    win = handover_shift(ctx)
    return patrol.missed_rounds(ctx, win.start, win.end)


async def test_patrol_f7_gives_reasons_with_bad_input_refused(sqlite_db, clock):
    a = staff_pair(sqlite_db)
    clock.advance(hours=3)  # 12:00: the morning's 08:00 and 10:00 rounds were missed
    missed = _missed(sqlite_db, clock, a)
    assert len(missed) >= 3
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(PatrolScreen())
        await pilot.pause()
        line = app.screen.query_one("#patrol-missed", Static)
        assert line.display and f"{len(missed)} 次未填原因" in str(line.render())
        await pilot.press("f7")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MissedRoundDialog)
        table = dialog.query_one("#missed-table", DataTable)
        assert table.row_count == len(missed) and table.cursor_row == 0
        # no reason: refused at the reason
        await pilot.press("f2")
        await pilot.pause()
        assert "请选择原因" in text_of(dialog, "#err-reason")
        assert rows(sqlite_db, MissedRound) == []
        # the reason chosen with the keyboard, a note far too long: refused at the note
        reason = dialog.query_one("#sel-missed-reason", Select)
        reason.focus()
        await pilot.press("enter", "down", "down", "enter")
        await pilot.pause()
        assert reason.value in load_reference().codes("missed_round_reason")
        dialog.query_one("#in-note").value = "漏" * 501
        await pilot.press("f2")
        await pilot.pause()
        assert "500" in text_of(dialog, "#err-note")
        assert not dialog.query_one("#err-reason", Static).display
        assert rows(sqlite_db, MissedRound) == []
        dialog.query_one("#in-note").value = "配电房跳闸，全员处理"
        await pilot.press("f2")
        await pilot.pause()
        [row] = rows(sqlite_db, MissedRound)
        first = missed[0]
        assert (row.route, row.reason, row.note) == (first.route, reason.value, "配电房跳闸，全员处理")
        assert row.slot_at.replace(tzinfo=None) == first.at.replace(tzinfo=None)
        label = load_reference().label("missed_round_reason", str(reason.value))
        assert str(table.get_row_at(0)[2]) == label
        assert table.cursor_row == 1  # on to the next round still without a reason
        # the same round again: refused, nothing added
        table.move_cursor(row=0)
        await pilot.press("f2")
        await pilot.pause()
        assert "已说明过原因" in text_of(dialog, "#missed-error")
        assert len(rows(sqlite_db, MissedRound)) == 1
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PatrolScreen)
        line = app.screen.query_one("#patrol-missed", Static)
        assert f"{len(missed) - 1} 次未填原因" in str(line.render())


async def test_patrol_f7_with_nothing_missed(sqlite_db, clock):
    staff_pair(sqlite_db)
    app = make_app(sqlite_db, clock)  # 09:00: the 08:00 rounds are still due, none missed
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(PatrolScreen())
        await pilot.pause()
        assert not app.screen.query_one("#patrol-missed", Static).display
        await pilot.press("f7")
        await pilot.pause()
        dialog = app.screen
        assert "没有漏巡" in text_of(dialog, "#missed-empty")
        await pilot.press("f2")
        await pilot.pause()
        assert "没有需要说明" in text_of(dialog, "#missed-error")
        assert rows(sqlite_db, MissedRound) == []


async def test_handover_f7_preselects_the_highlighted_missed_round(sqlite_db, clock):
    staff_pair(sqlite_db)
    clock.advance(hours=3)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(HandoverScreen())
        await pilot.pause()
        screen = app.screen
        items = screen.view.items
        missed = [i for i in items if i.kind == "patrol_missed" and not json.loads(i.detail).get("due")]
        target = missed[1]
        table = screen.query_one("#ho-items", DataTable)
        table.focus()
        table.move_cursor(row=items.index(target))
        await pilot.pause()
        assert "按 F7" in text_of(screen, "#ho-detail")
        await pilot.press("f7")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MissedRoundDialog)
        d = json.loads(target.detail)
        chosen = dialog.selected()
        assert (chosen.route, chosen.at) == (d["route"], datetime.fromisoformat(d["slot_at"]))
        dialog.query_one("#sel-missed-reason", Select).value = "understaffed"
        await pilot.press("f2")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        [row] = rows(sqlite_db, MissedRound)
        assert row.route == d["route"] and row.reason == "understaffed"
        assert "原因：人手不足" in text_of(screen, "#ho-detail")  # the item was refreshed in place
        item = next(i for i in screen.view.items if i.ref == target.ref)
        assert "人手不足" in item.title


# ---- 3. the items table fits -------------------------------------------------------------


def _check_fits(table: DataTable) -> None:
    cols = list(table.columns.values())
    assert sum(c.get_render_width(table) for c in cols) <= table.size.width - 2  # room for the scrollbar
    title_w = cols[2].width
    for n in range(table.row_count):
        mark, kind, title, since = (str(c) for c in table.get_row_at(n))
        assert cell_len(title) <= title_w and cell_len(kind) <= cols[1].width
        assert re.fullmatch(r"\d\d-\d\d \d\d:\d\d", since), since  # the "since" column whole
        assert not any(ch in AMBIGUOUS for ch in mark + kind + title + since)


async def test_items_table_fits_and_the_detail_line_shows_the_whole_item(sqlite_db, clock):
    staff_pair(sqlite_db)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        app.push_screen(HandoverScreen())
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#ho-items", DataTable)
        _check_fits(table)
        long_row = next(n for n, i in enumerate(screen.view.items) if i.ref == "visit:8")
        cut = str(table.get_row_at(long_row)[2])
        assert cut.endswith("...") and "[b]" in cut  # shown as typed, not read as markup
        table.focus()
        table.move_cursor(row=long_row)
        await pilot.pause()
        detail = text_of(screen, "#ho-detail")
        assert " ".join(LONG.split()) in detail.replace("\n", "")
        assert "在场访客" in detail and "2026-03-02 09:00" in detail and "待确认" in detail
        assert not any(ch in AMBIGUOUS for ch in detail)
        await pilot.press("enter")  # the outgoing guard's own terminal: refused, the row stays highlighted
        await pilot.pause()
        assert table.cursor_row == long_row and "待确认" in text_of(screen, "#ho-detail")
        assert "接班保安" in text_of(screen, "#ho-error")
        wide = table.columns[table.ordered_columns[2].key].width
        await pilot.resize_terminal(100, 30)
        await pilot.pause()
        await pilot.pause()
        _check_fits(table)
        assert table.ordered_columns[2].width < wide and table.cursor_row == long_row
