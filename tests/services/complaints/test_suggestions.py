"""Suggestions: logged, reported to a supervisor, outcome recorded; refusals."""

from __future__ import annotations

import pytest

from tests.services.conftest_complaints import seed_roster
from wuye_tui.errors import Conflict, PermissionDenied, ValidationError
from wuye_tui.services.complaints import suggestions as sg


def test_log_report_decide(make_ctx):
    sup = make_ctx("supervisor", "王主管")
    desk = make_ctx("front_desk")
    seed_roster(sup)
    s = sg.log(desk, "张伟", "建议在3栋增设电动车充电桩", unit="1栋1单元101", phone="13800138001")
    assert s.status == "logged" and s.unit_id
    with pytest.raises(Conflict):
        sg.decide(sup, s.id, "adopted", "好")
    with pytest.raises(ValidationError) as e:
        sg.report(desk, s.id, "陈客服2")
    assert e.value.field == "supervisor"
    sg.report(desk, s.id, "王主管")
    with pytest.raises(Conflict):
        sg.report(desk, s.id, "王主管")
    with pytest.raises(PermissionDenied):
        sg.decide(desk, s.id, "adopted", "好")
    with pytest.raises(ValidationError):
        sg.decide(sup, s.id, "maybe", "好")
    with pytest.raises(ValidationError):
        sg.decide(sup, s.id, "adopted", "")
    done = sg.decide(sup, s.id, "planned", "列入下季度工程计划")
    assert done.status == "decided" and done.outcome == "planned"
    with pytest.raises(Conflict):
        sg.decide(sup, s.id, "adopted", "x")
    assert [x.id for x in sg.list_suggestions(desk, status="decided")] == [s.id]


@pytest.mark.parametrize(("field", "kw"), [("name", {"name": ""}), ("content", {"content": " "}),
                                           ("phone", {"phone": "123"}), ("unit", {"unit": "88栋"})])
def test_bad_input(make_ctx, field, kw):
    desk = make_ctx("front_desk")
    data = {"name": "张伟", "content": "建议"} | kw
    with pytest.raises(ValidationError) as e:
        sg.log(desk, **data)
    assert e.value.field == field
    assert sg.list_suggestions(desk) == []
