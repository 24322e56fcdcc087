"""Majors are urgent everywhere: the major type's reply time is the complaint's deadline,
open majors come first in lists, the detail says how its escalation stands; the status
filter takes Chinese names."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.clock import as_utc
from wuye_tui.errors import ValidationError
from wuye_tui.services.complaints import workflow as wf
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.core import escalation


@pytest.fixture
def desk(make_ctx):  # type: ignore[no-untyped-def]
    seed_roster(make_ctx("supervisor", "赵主任"))
    return make_ctx("front_desk")


def test_lift_entrapment_is_due_in_the_major_types_hour(desk, clock):
    c = complaints.add_complaint(desk, **intake(major_type="elevator_entrapment", description="电梯困人"))
    assert as_utc(c.deadline_at) - clock.now() == timedelta(hours=1)
    assert as_utc(c.due_at) - clock.now() == timedelta(hours=1)
    esc = escalation.timeline(desk, c.escalation_id).escalation
    assert as_utc(esc.reply_due_at) == as_utc(c.due_at)
    general = complaints.add_complaint(desk, **intake(unit="1栋1单元102", description="楼道灯不亮"))
    assert as_utc(general.due_at) - clock.now() == timedelta(hours=24)


def test_open_majors_come_first_then_newest(desk, clock):
    major = complaints.add_complaint(desk, **intake(major_type="flooding", description="地下车库水浸"))
    clock.advance(minutes=5)
    others = [complaints.add_complaint(desk, **intake(unit=u, category="parking", location="", description="车位被占"))
              for u in ("1栋1单元102", "1栋2单元201")]
    rows = complaints.list_complaints(desk, limit=1)
    assert [r.id for r in rows] == [major.id, others[-1].id] and rows[0].pinned and not rows[1].pinned
    nxt = complaints.list_complaints(desk, before_id=rows[-1].id, limit=1)
    assert [r.id for r in nxt] == [others[0].id]
    assert complaints.list_complaints(desk, before_id=nxt[-1].id, limit=5) == []  # not shown twice
    # once replied, a major is an ordinary row in its place
    for step in (wf.dispatch, wf.start):
        step(desk, major.id)
    wf.reply(desk, major.id, "已抽水")
    assert [r.id for r in complaints.list_complaints(desk)] == [others[1].id, others[0].id, major.id]


def test_detail_shows_the_escalation_state(desk, make_ctx, clock):
    c = complaints.add_complaint(desk, **intake(major_type="fire", description="楼道冒烟"))
    d = complaints.detail(desk, c.id)
    assert d.escalation is not None and "等待主管确认" in d.escalation_state(desk)
    escalation.acknowledge(make_ctx("supervisor", "钱主管"), c.escalation_id, "已到场")
    line = complaints.detail(desk, c.id).escalation_state(desk)
    assert "钱主管" in line and "火灾" in line and "回复时限" in line


def test_status_filter_by_chinese_name(desk):
    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    assert [r.id for r in complaints.list_complaints(desk, complaints.Filters(status="处理中"))] == [c.id]
    assert [r.id for r in complaints.list_complaints(desk, complaints.Filters(status="In progress"))] == [c.id]
    assert complaints.list_complaints(desk, complaints.Filters(status="已回复")) == []
    with pytest.raises(ValidationError) as exc:
        complaints.list_complaints(desk, complaints.Filters(status="不存在"))
    assert exc.value.field == "status"


def test_replied_but_never_confirmed_is_flagged(desk, clock):
    from wuye_tui.services.complaints.common import unconfirmed_days

    c = complaints.add_complaint(desk, **intake())
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    wf.reply(desk, c.id, "已修好")
    clock.advance(days=6)
    assert unconfirmed_days(complaints.get(desk, c.id), clock.now()) == 0
    clock.advance(days=25)
    assert unconfirmed_days(complaints.get(desk, c.id), clock.now()) == 31
    wf.confirm(desk, c.id, "satisfied")
    assert unconfirmed_days(complaints.get(desk, c.id), clock.now()) == 0
