"""Suggestions take numbered choices like every other form: 1 adopted; the supervisor it is
reported to by number too."""

from __future__ import annotations

import pytest

from wuye_tui.errors import ValidationError
from wuye_tui.services.complaints import suggestions as sg


def test_numbered_choices(make_ctx):
    sup = make_ctx("supervisor", "王主管")
    make_ctx("supervisor", "赵主任")
    desk = make_ctx("front_desk")
    assert sg.supervisors(desk) == sorted(["王主管", "赵主任"])
    s = sg.log(desk, "张伟", "建议增设充电桩")
    with pytest.raises(ValidationError) as e:
        sg.report(desk, s.id, "7")
    assert e.value.field == "supervisor"
    n = sg.supervisors(desk).index("赵主任") + 1
    assert sg.report(desk, s.id, str(n)).reported_to is not None
    assert sg.resolve_outcome("1") == "adopted" and sg.resolve_outcome("采纳") == "adopted"
    assert sg.resolve_outcome("3") == "declined" and sg.resolve_outcome("Planned for later") == "planned"
    with pytest.raises(ValidationError) as e:
        sg.decide(sup, s.id, "4", "好")
    assert e.value.field == "outcome"
    assert sg.decide(sup, s.id, "1", "采纳，下月施工").outcome == "adopted"
