"""The complaint detail screen's extras, driven with Pilot: the written reply letter to a
file (bad paths at the field), valid/invalid offered to supervisors only (bad input at the
field), and archiving without confirmation after the failed contact attempts, with a
supervisor's name and PIN when front-desk staff are logged in. The footer shows only the
legal actions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

from tests.screens.helpers import SIZE, login, make_app
from tests.screens.test_complaint_screens import seed
from wuye_tui.models.audit import AuditEntry
from wuye_tui.models.complaints import ComplaintEvent
from wuye_tui.services.complaints import workflow as wf
from wuye_tui.services.complaints import intake as complaints


@pytest.fixture
def home(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


def replied(desk, failures: int = 0, channel: str = "written"):  # type: ignore[no-untyped-def]
    c = complaints.add_complaint(desk, caller="张伟", unit="1栋1单元101", channel=channel, category="environment",
                                 cause="service", description="垃圾站没有及时清运")
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    wf.reply(desk, c.id, "已安排每日两次清运")
    for _ in range(failures):
        desk.clock.advance(days=1)  # attempts count on different days
        wf.contact_failed(desk, c.id)
    return c


async def open_detail(pilot, name: str = "陈客服", pin: str = "3333"):  # type: ignore[no-untyped-def]
    await login(pilot, name, pin)
    await pilot.press("5")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert screen.__class__.__name__ == "ComplaintDetailScreen"
    return screen


def footer_actions(screen) -> set[str]:  # type: ignore[no-untyped-def]
    return {k.action for k in screen.query(FooterKey)}


def error_at(dialog, name: str) -> str:  # type: ignore[no-untyped-def]
    return str(dialog.query_one(f"#err-{name}", Static).render()).strip()


def events(db, complaint_id: int) -> list[ComplaintEvent]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(ComplaintEvent).where(ComplaintEvent.complaint_id == complaint_id)
                              .order_by(ComplaintEvent.id)).scalars())


# ---- the written reply letter ----------------------------------------------------------

async def test_letter_offered_only_once_there_is_a_reply(sqlite_db, clock, home):
    desk, _sup = seed(sqlite_db, clock)
    c = complaints.add_complaint(desk, caller="张伟", unit="1栋1单元101", channel="written", category="environment",
                                 cause="service", description="垃圾站没有及时清运")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot)
        assert screen.check_action("letter", ()) is False and "letter" not in footer_actions(screen)
        await pilot.press("l")
        await pilot.pause()
        assert app.screen is screen
        wf.defer(desk, c.id, "需要更换垃圾车，下周回复", "2026-03-09 10:00")  # an explanation is enough
        screen.reload()
        await pilot.pause()
        assert screen.check_action("letter", ()) is True and "letter" in footer_actions(screen)


async def test_letter_written_to_the_default_path_in_home(sqlite_db, clock, home):
    desk, _sup = seed(sqlite_db, clock)
    c = replied(desk)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot)
        assert "letter" in footer_actions(screen)
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        assert dialog.__class__.__name__ == "LetterDialog"
        expected = home / f"回复函_{c.id}.pdf"
        assert dialog.query_one("#in-path", Input).value == str(expected)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert expected.read_bytes().startswith(b"%PDF")
        from wuye_tui.services.complaints.letters import letter_text, letter

        text = letter_text(letter(desk, c.id))
        assert "letter" in [ev.kind for ev, _who in complaints.detail(desk, c.id).events]
        assert "张伟" in text and "已安排每日两次清运" in text and "垃圾站没有及时清运" in text
        info = str(screen.query_one("#cp-info", Static).render())
        assert "回复函已写入" in info and str(expected) in info
        assert screen.query_one("#cp-info", Static).display


async def test_letter_path_edited_and_bad_paths_at_the_field(sqlite_db, clock, home, monkeypatch):
    desk, _sup = seed(sqlite_db, clock)
    c = replied(desk)
    (home / "letters").mkdir()
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot)
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        path_in = dialog.query_one("#in-path", Input)
        for bad in ("/no/such/folder/x.md", str(home / "letters"), "letters/", "a\tb.md", "x" * 1001):
            path_in.value = bad
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog, bad
            assert error_at(dialog, "path"), bad
            assert app.focused is path_in
        path_in.value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert error_at(dialog, "path") == "此项必填"
        assert sorted(p.name for p in home.rglob("*")) == ["letters"]  # nothing written

        # an existing file: warned at the field, replaced on the second Enter
        target = home / "letters" / "reply.md"
        target.write_text("old", encoding="utf-8")
        path_in.value = "~/letters/reply.md"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "已存在" in error_at(dialog, "path")
        assert target.read_text(encoding="utf-8") == "old"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert "已安排每日两次清运" in target.read_text(encoding="utf-8")

        # a relative path is taken from the home folder; a failed write is said at the field
        await pilot.press("l")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#in-path", Input).value = "letters/second.md"

        def refuse(ctx, complaint_id, path):  # type: ignore[no-untyped-def]
            raise PermissionError(13, "Permission denied")

        from wuye_tui.exports import letters

        monkeypatch.setattr(letters, "write_letter", refuse)
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "Permission denied" in error_at(dialog, "path")
        monkeypatch.undo()
        monkeypatch.setenv("HOME", str(home))
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and (home / "letters" / "second.md").exists()
        assert str(home / "letters" / "second.md") in str(screen.query_one("#cp-info", Static).render())
        await pilot.press("l")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
    assert not (home / f"回复函_{c.id}.md").exists()


# ---- valid / invalid -----------------------------------------------------------------

async def test_validity_not_offered_to_front_desk(sqlite_db, clock):
    desk, _sup = seed(sqlite_db, clock)
    c = replied(desk)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot)
        assert screen.check_action("validity", ()) is False and "validity" not in footer_actions(screen)
        await pilot.press("v")
        await pilot.pause()
        assert app.screen is screen
    assert complaints.get(desk, c.id).valid is True


async def test_supervisor_marks_invalid_with_reason_bad_input_at_the_field(sqlite_db, clock):
    desk, _sup = seed(sqlite_db, clock)
    c = replied(desk)
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, "王主管", "1234")
        assert "validity" in footer_actions(screen)
        await pilot.press("v")
        await pilot.pause()
        dialog = app.screen
        assert dialog.__class__.__name__ == "FieldDialog"
        valid_in = dialog.query_one("#in-valid", Input)
        assert valid_in.value == "2"  # offered: the opposite of now
        for bad in ("7", "maybe", ""):
            valid_in.value = bad
            dialog.query_one("#in-reason", Input).value = "重复投诉"
            valid_in.focus()
            await pilot.press("enter", "enter")
            await pilot.pause()
            assert app.screen is dialog and error_at(dialog, "valid"), bad
            assert app.focused is valid_in
        valid_in.value = "2"
        for bad in ("", "   ", "理" * 2001):
            dialog.query_one("#in-reason", Input).value = bad
            dialog.query_one("#in-reason", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog and error_at(dialog, "reason"), bad
        assert complaints.get(desk, c.id).valid is True
        assert [e.kind for e in events(sqlite_db, c.id)].count("validity") == 0
        dialog.query_one("#in-reason", Input).value = "与上周 #1 为同一事项，重复投诉"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert complaints.get(desk, c.id).valid is False
        assert "无效投诉" in str(screen.query_one("#cp-head", Static).render())
        assert "重复投诉" in str(screen.query_one("#cp-events", Static).render())
        await pilot.press("v")  # and back: now offered as valid
        await pilot.pause()
        assert app.screen.query_one("#in-valid", Input).value == "1"
        app.screen.query_one("#in-reason", Input).value = "核实后确属有效"
        await pilot.press("enter", "enter")
        await pilot.pause()
    assert complaints.get(desk, c.id).valid is True
    ev = [e for e in events(sqlite_db, c.id) if e.kind == "validity"]
    assert [e.note for e in ev] == ["无效投诉：与上周 #1 为同一事项，重复投诉", "有效投诉：核实后确属有效"]


# ---- archive without confirmation ----------------------------------------------------

async def test_archive_unconfirmed_offered_only_after_enough_failed_contacts(sqlite_db, clock):
    desk, _sup = seed(sqlite_db, clock)
    needed = wf.failed_contacts_needed()
    c = replied(desk, failures=needed - 1)
    clock.advance(days=1)  # the last attempt comes on another day
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot)
        assert "archive_unconfirmed" not in footer_actions(screen)
        assert "archive" in footer_actions(screen)  # offered, and says why it cannot be done yet
        await pilot.press("a")
        await pilot.pause()
        assert app.screen is screen
        assert any("尚未确认" in str(n.message) for n in app._notifications)
        await pilot.press("u")
        await pilot.pause()
        assert app.screen is screen
        head = str(screen.query_one("#cp-head", Static).render())
        assert f"未联系上客户 {needed - 1} 次" in head
        await pilot.press("f", "enter")  # the last failed attempt, recorded on this screen
        await pilot.pause()
        assert complaints.get(desk, c.id).contact_failures == needed
        assert screen.check_action("archive_unconfirmed", ()) is True
        assert "archive_unconfirmed" in footer_actions(screen)
        assert footer_actions(screen) >= {"confirm", "contact_failed", "note", "correct", "letter"}
        assert not footer_actions(screen) & {"dispatch", "start", "reply", "defer", "validity"}


async def test_not_offered_once_confirmed(sqlite_db, clock):
    desk, _sup = seed(sqlite_db, clock)
    c = replied(desk, failures=wf.failed_contacts_needed())
    wf.confirm(desk, c.id, "satisfied")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, "王主管", "1234")
        assert "archive_unconfirmed" not in footer_actions(screen)
        assert "archive" in footer_actions(screen)


async def test_front_desk_archives_unconfirmed_with_a_supervisor_pin(sqlite_db, clock):
    desk, sup = seed(sqlite_db, clock)
    c = replied(desk, failures=wf.failed_contacts_needed(), channel="phone")  # written: needs a letter first
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot)
        await pilot.press("u")
        await pilot.pause()
        pin = app.screen
        assert pin.__class__.__name__ == "SupervisorPinDialog"
        # cancelled: nothing happens
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and complaints.get(desk, c.id).status == "replied"
        await pilot.press("u")
        await pilot.pause()
        pin = app.screen
        for name, code in (("王主管", "9999"), ("陈客服", "3333")):  # wrong PIN; not a supervisor
            pin.query_one("#sup-name", Input).value = name
            pin.query_one("#sup-pin", Input).value = code
            pin.query_one("#sup-pin", Input).focus()
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is pin, name
            assert str(pin.query_one("#pin-error", Static).render()).strip(), name
        pin.query_one("#sup-name", Input).value = "王主管"
        pin.query_one("#sup-pin", Input).value = "1234"
        await pilot.press("enter")
        await pilot.pause()
        dialog = app.screen
        assert dialog.__class__.__name__ == "FieldDialog"
        assert "王主管" in str(dialog.query_one(".fd-lines", Static).render())
        for bad in ("", "  ", "因" * 2001):
            dialog.query_one("#in-reason", Input).value = bad
            await pilot.press("enter")
            await pilot.pause()
            assert app.screen is dialog and error_at(dialog, "reason"), bad
        assert complaints.get(desk, c.id).status == "replied"
        dialog.query_one("#in-reason", Input).value = "三次电话无人接听，上门两次无人"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen
        assert complaints.get(desk, c.id).status == "archived"
        assert "未经确认归档" in str(screen.query_one("#cp-events", Static).render())
        assert not footer_actions(screen) & {"archive_unconfirmed", "confirm", "contact_failed"}
    last = events(sqlite_db, c.id)[-1]
    assert (last.kind, last.staff_id, last.note) == ("archived_unconfirmed", sup.actor.id, "三次电话无人接听，上门两次无人")
    with sqlite_db.read() as s:
        row = s.execute(select(AuditEntry).where(AuditEntry.action == "complaint.archive_unconfirmed")).scalar_one()
    assert row.staff_id == sup.actor.id and "三次电话无人接听" in row.after


async def test_supervisor_archives_unconfirmed_without_a_pin(sqlite_db, clock):
    desk, sup = seed(sqlite_db, clock)
    c = replied(desk, failures=wf.failed_contacts_needed(), channel="phone")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_detail(pilot, "王主管", "1234")
        await pilot.press("u")
        await pilot.pause()
        dialog = app.screen
        assert dialog.__class__.__name__ == "FieldDialog"
        await pilot.press(*"客户已搬走", "enter")
        await pilot.pause()
        assert app.screen is screen
    assert complaints.get(desk, c.id).status == "archived"
    assert events(sqlite_db, c.id)[-1].staff_id == sup.actor.id


async def test_refused_when_the_record_moved_on_meanwhile(sqlite_db, clock):
    """Another terminal records the confirmation while the dialog is open: the service's
    refusal is shown in the dialog, which stays open; nothing is archived."""
    desk, _sup = seed(sqlite_db, clock)
    c = replied(desk, failures=wf.failed_contacts_needed(), channel="phone")
    app = make_app(sqlite_db, clock)
    async with app.run_test(size=SIZE) as pilot:
        await open_detail(pilot, "王主管", "1234")
        await pilot.press("u")
        await pilot.pause()
        dialog = app.screen
        wf.confirm(desk, c.id, "satisfied")
        await pilot.press(*"无法联系", "enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "已确认" in str(dialog.query_one("#fd-error", Static).render())
    assert complaints.get(desk, c.id).status == "confirmed"


def test_default_letter_path_follows_home(home):
    from screens.complaints.letter import check_path, default_path

    assert default_path(7) == home / "回复函_7.pdf"
    assert check_path("~/x.md") == home / "x.md" == check_path("x.md")
    assert isinstance(check_path(str(home / "y.txt")), Path)
