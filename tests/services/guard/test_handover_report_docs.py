"""The handover report places a session by the shift it belongs to and takes a shift by name."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from wuye_tui.errors import ValidationError
from wuye_tui.exports.reports import guard as reports_guard
from wuye_tui.services.guard import reports as guard_reports
from wuye_tui.services.core import staff

SH = ZoneInfo("Asia/Shanghai")


def test_night_guard_leaving_after_midnight_stays_with_the_night(make_ctx, clock):
    guard = make_ctx("guard", "刘夜班")
    sup = make_ctx("supervisor")
    clock.set(datetime(2026, 3, 2, 22, 50, tzinfo=SH))
    sid = staff.start_session(guard)
    clock.set(datetime(2026, 3, 3, 7, 20, tzinfo=SH))  # past the night's end, no handover
    staff.end_session(guard, sid, "without_handover")
    clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=SH))
    night = guard_reports.handover_report(sup, date(2026, 3, 2), "夜班").shifts[0]
    assert night.shift == "night" and [w.staff for w in night.left_without_handover] == ["刘夜班"]
    next_day = guard_reports.handover_report(sup, date(2026, 3, 3))
    assert all(not s.left_without_handover for s in next_day.shifts)


@pytest.mark.parametrize("name", ["night", "夜班", "Night shift", " NIGHT "])
def test_shift_by_code_or_name(make_ctx, clock, name):
    sup = make_ctx("supervisor")
    rep = guard_reports.handover_report(sup, date(2026, 3, 1), name)
    assert [s.shift for s in rep.shifts] == ["night"]
    md = reports_guard.handover_markdown(sup, date(2026, 3, 1), name)
    assert "夜班" in md and "night" not in md


def test_unknown_shift_names_the_known_ones(make_ctx):
    sup = make_ctx("supervisor")
    with pytest.raises(ValidationError) as exc:
        guard_reports.handover_report(sup, date(2026, 3, 1), "午班")
    assert "早班" in str(exc.value) and "夜班" in str(exc.value)
