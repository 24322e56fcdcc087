"""The front desk registers stream rows for a date range, phones masked unless revealed."""

from __future__ import annotations

from datetime import timedelta

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.exports.registers import load_registers
from wuye_tui.services.complaints import intake as complaints, return_visits, suggestions
from wuye_tui.services.complaints import workflow as wf


def test_registers_rows(make_ctx, clock):
    sup = make_ctx("supervisor", "王主管")
    desk = make_ctx("front_desk")
    seed_roster(sup)
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id); wf.start(desk, c.id); wf.reply(desk, c.id, "已修好")  # noqa: E702
    wf.confirm(desk, c.id, "satisfied")
    suggestions.log(desk, "张伟", "建议加装路灯", phone="13800138001")
    regs = load_registers()
    start, end = clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    [row] = list(regs["complaints"].rows(desk, start, end, False))
    assert len(row) == len(regs["complaints"].columns)
    assert row[6] == "138****8001" and "已回复客户: 已修好" in row[-1] and row[15] == "已确认"
    assert list(regs["complaints"].rows(desk, start, end, True))[0][6] == "13800138001"
    events = list(regs["complaint-events"].rows(desk, start, end, False))
    assert [e[4] for e in events] == ["受理", "已派单", "开始处理", "已回复客户", "客户确认"]
    [visit] = list(regs["return-visits"].rows(desk, start, end, False))
    assert visit[3] == c.id and visit[4] == "1栋1单元101"
    [sg] = list(regs["suggestions"].rows(desk, start, end, False))
    assert sg[3] == "138****8001"
    assert list(regs["complaints"].rows(desk, end, end + timedelta(days=1), False)) == []
    assert return_visits.due_list(desk) == []
