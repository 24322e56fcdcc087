"""The reply letter: customer-facing content only, PDF on the letterhead, recorded; a
written complaint is not archived without one."""

from __future__ import annotations

import os
import re
import stat

import pytest

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.errors import Conflict
from wuye_tui.exports import letters
from wuye_tui.services.complaints import letters as complaint_letters, intake as complaints
from wuye_tui.services.core import settings
from wuye_tui.services.complaints import workflow as wf

INTERNAL = ("请客服主管跟进", "客户认为道歉不够诚恳", "内部：电工说是住户自己弄坏的")


@pytest.fixture
def desk(make_ctx):  # type: ignore[no-untyped-def]
    ctx = make_ctx("front_desk")
    seed_roster(ctx)
    return ctx


def _written_replied(desk, clock):  # type: ignore[no-untyped-def]
    c = complaints.add_complaint(desk, **intake(channel="written", description="楼道灯三天不亮，晚上无法出行"))
    wf.dispatch(desk, c.id, "", INTERNAL[0])
    wf.start(desk, c.id, INTERNAL[2])
    clock.advance(hours=2)
    wf.reply(desk, c.id, "已更换 3 楼楼道灯泡及整流器，经测试照明正常。")
    wf.confirm(desk, c.id, "dissatisfied", INTERNAL[1])
    wf.reply(desk, c.id, "已由客服主管上门致歉，并加装感应灯。")
    wf.confirm(desk, c.id, "satisfied")
    return c


def test_letter_is_customer_facing(desk, make_ctx, clock):
    sup = make_ctx("supervisor")
    settings.update(sup, site_address="杭州市西湖区文三路 100 号", site_phone="0571-88886666")
    c = _written_replied(desk, clock)
    lt = complaint_letters.letter(desk, c.id)
    assert lt.number == f"TS-20260302-{c.id:04d}" and lt.customer == "张伟" and lt.unit == "1栋1单元101"
    assert lt.address.startswith("杭州市") and lt.phone == "0571-88886666"
    assert lt.result == "已由客服主管上门致歉，并加装感应灯。"
    text = complaint_letters.letter_text(lt)
    assert "楼道灯三天不亮" in text and "0571-88886666" in text and lt.number in text
    for note in INTERNAL:
        assert note not in text
    assert not re.search(r"^(#|>|- )", text, re.M)  # not Markdown


def test_pdf_letter_written_recorded_and_archive_needs_it(desk, clock, tmp_path):
    c = _written_replied(desk, clock)
    with pytest.raises(Conflict, match="书面回复函"):
        wf.archive(desk, c.id)
    out = tmp_path / "letter.pdf"
    letters.write_letter(desk, c.id, out)
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"STSong-Light" in data
    assert len(re.findall(rb"/Type /Page[^s]", data)) == 1
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    d = complaints.detail(desk, c.id)
    assert [ev.kind for ev, _who in d.events].count("letter") == 1
    assert wf.archive(desk, c.id).status == "archived"


def test_phone_complaint_archives_without_letter(desk):
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    wf.reply(desk, c.id, "已处理")
    wf.confirm(desk, c.id, "satisfied")
    assert wf.archive(desk, c.id).status == "archived"


def test_no_letter_before_a_reply(desk, tmp_path):
    c = complaints.add_complaint(desk, **intake(channel="written"))
    with pytest.raises(Conflict):
        letters.write_letter(desk, c.id, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
