"""Patrol: a full round, anomalies open incidents, too-fast rounds, missed rounds at
schedule boundaries (midnight included), reasons for missed rounds, bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from wuye_tui.errors import Conflict, ValidationError
from wuye_tui.models.guard import DutyEntry, PatrolCheck
from wuye_tui.reference import load_reference
from wuye_tui.services.guard import patrol
from wuye_tui.services.guard.patrol import ItemResult

from ..conftest_guard import provided

SH = ZoneInfo("Asia/Shanghai")


def at(clock, y, mo, d, h, mi, s=0):  # type: ignore[no-untyped-def]
    clock.set(datetime(y, mo, d, h, mi, s, tzinfo=SH))
    return clock.now()


def all_ok(cp, **anomalies):  # type: ignore[no-untyped-def]
    return [ItemResult(i, i not in anomalies, anomalies.get(i, "")) for i in cp.items]


def walk(ctx, clock, route: str, seconds: float = 40, anomalies=None, tag=True):  # type: ignore[no-untyped-def]
    rnd = patrol.start_round(ctx, route)
    for cp in load_reference().route(route).checkpoints:
        clock.advance(seconds=seconds)
        rnd = patrol.record_checkpoint(ctx, rnd.id, cp.code, all_ok(cp, **(anomalies or {}).get(cp.code, {})),
                                       tag=cp.tag.lower() if tag else "")
    return rnd


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_full_round_with_anomaly_opens_incident(make_ctx, clock, db):
    ctx = make_ctx("guard")
    rnd = walk(ctx, clock, "perimeter", anomalies={"north_fence": {"lights_ok": "北墙3号路灯不亮"}})
    assert rnd.status == "done" and rnd.anomalies == 1 and not rnd.too_fast
    assert rnd.ended_at - rnd.started_at == timedelta(seconds=200)
    detail = patrol.round_detail(ctx, rnd.id)
    bad = [c for c in detail.checks if not c.ok]
    assert len(bad) == 1 and bad[0].tag_confirmed and bad[0].incident_id
    with db.read() as s:
        inc = s.get(DutyEntry, bad[0].incident_id)
    assert inc.status == "open" and inc.source == "patrol" and "北墙3号路灯不亮" in inc.text
    assert inc.duty_type == "equipment" and inc.post == "patrol"
    assert patrol.current_round(ctx) is None
    items = provided(ctx, "patrol_round")
    assert any("北墙3号路灯不亮" in i.title for i in items)


def test_too_fast_boundary(make_ctx, clock):
    ctx = make_ctx("guard")
    route = load_reference().route("perimeter")  # 5 checkpoints x 30 s = 150 s
    assert patrol.min_duration(route) == timedelta(seconds=150)
    fast = walk(ctx, clock, "perimeter", seconds=29.8)
    assert fast.too_fast
    ok = walk(ctx, clock, "perimeter", seconds=30)
    assert not ok.too_fast


def test_round_rules_and_bad_input_save_nothing(make_ctx, clock, db):
    ctx = make_ctx("guard")
    rnd = patrol.start_round(ctx, "garage")
    with pytest.raises(Conflict):
        patrol.start_round(ctx, "perimeter")
    cps = load_reference().route("garage").checkpoints
    before = count(db, PatrolCheck)
    cases = [
        ("checkpoint", dict(checkpoint=cps[1].code, results=all_ok(cps[1]))),
        ("tag", dict(checkpoint=cps[0].code, results=all_ok(cps[0]), tag="G09")),
        (f"note_{cps[0].items[0]}", dict(checkpoint=cps[0].code,
                                         results=[ItemResult(cps[0].items[0], False, "  ")] + all_ok(cps[0])[1:])),
        (f"item_{cps[0].items[-1]}", dict(checkpoint=cps[0].code, results=all_ok(cps[0])[:-1])),
        ("item", dict(checkpoint=cps[0].code, results=all_ok(cps[0]) + [ItemResult("made_up", True)])),
        ("tag", dict(checkpoint=cps[0].code, results=all_ok(cps[0]), tag="X" * 21)),
    ]
    for field, kw in cases:
        with pytest.raises(ValidationError) as err:
            patrol.record_checkpoint(ctx, rnd.id, **kw)
        assert err.value.field == field, (field, err.value)
    assert count(db, PatrolCheck) == before and count(db, DutyEntry) == 0
    with pytest.raises(ValidationError) as err:
        patrol.start_round(ctx, "moon")
    assert err.value.field == "route"
    other = make_ctx("guard")
    with pytest.raises(Conflict):
        patrol.record_checkpoint(other, rnd.id, cps[0].code, all_ok(cps[0]))
    with pytest.raises(ValidationError):
        patrol.abandon_round(ctx, rnd.id, "")
    patrol.abandon_round(ctx, rnd.id, "处理突发事件")
    assert patrol.current_round(ctx) is None


def _slot(ctx, route, when):  # type: ignore[no-untyped-def]
    slots = patrol.schedule(ctx, when, when + timedelta(seconds=1), routes=[route])
    assert len(slots) == 1 and slots[0].at == when
    return slots[0]


def test_missed_round_across_midnight(make_ctx, clock):
    ctx = make_ctx("guard")
    # a round started at 23:50 counts for the 00:00 slot of the next day
    at(clock, 2026, 3, 2, 23, 50)
    walk(ctx, clock, "perimeter")
    midnight = datetime(2026, 3, 3, 0, 0, tzinfo=SH).astimezone(UTC)
    ten_pm = datetime(2026, 3, 2, 22, 0, tzinfo=SH).astimezone(UTC)
    at(clock, 2026, 3, 3, 2, 0)
    assert _slot(ctx, "perimeter", midnight).status == "done"
    assert _slot(ctx, "perimeter", ten_pm).status == "missed"
    # one second earlier the round would have met the 22:00 slot instead
    ctx2 = make_ctx("guard")
    at(clock, 2026, 3, 2, 23, 49, 59)
    walk(ctx2, clock, "perimeter")
    at(clock, 2026, 3, 3, 2, 0)
    assert _slot(ctx, "perimeter", ten_pm).status == "done"


def test_missed_exactly_when_window_closes(make_ctx, clock):
    ctx = make_ctx("guard")
    two_am = datetime(2026, 3, 3, 2, 0, tzinfo=SH).astimezone(UTC)
    at(clock, 2026, 3, 3, 1, 49, 59)
    assert _slot(ctx, "perimeter", two_am).status == "upcoming"  # its window opens at 01:50
    midnight = datetime(2026, 3, 3, 0, 0, tzinfo=SH).astimezone(UTC)
    assert _slot(ctx, "perimeter", midnight).status == "due"
    at(clock, 2026, 3, 3, 1, 50)
    assert _slot(ctx, "perimeter", midnight).status == "missed"
    assert _slot(ctx, "perimeter", two_am).status == "due"


def test_night_shift_missed_items_and_reason(make_ctx, clock):
    ctx = make_ctx("guard")
    at(clock, 2026, 3, 3, 6, 30)  # night shift 03-02 23:00 .. 03-03 07:00
    items = provided(ctx, "patrol_missed")
    missed = [i for i in items if i.overdue]
    # perimeter and garage every 2 h: 00, 02, 04 missed, 06 due; every 4 h: 00 missed, 04 due;
    # every 8 h: the 00:00 round is still due until 07:50
    routes = sorted(i.detail["route"] for i in missed)
    assert routes.count("perimeter") == 3 and routes.count("garage") == 3
    assert routes.count("fire_exits") == 1 and routes.count("fire_control_room") == 1
    assert len(routes) == 8
    assert "renovation" not in routes  # renovation rounds only 08:30-16:30
    assert all("未说明原因" in i.title or "no reason" in i.title for i in missed)
    slot_at = datetime.fromisoformat(missed[0].detail["slot_at"])
    for field, reason in (("reason", ""), ("reason", "sleepy")):
        with pytest.raises(ValidationError) as err:
            patrol.explain_missed(ctx, missed[0].detail["route"], slot_at, reason)
        assert err.value.field == field
    with pytest.raises(ValidationError) as err:
        patrol.explain_missed(ctx, missed[0].detail["route"], slot_at + timedelta(minutes=1), "weather")
    assert err.value.field == "slot"
    patrol.explain_missed(ctx, missed[0].detail["route"], slot_at, "weather", "暴雨")
    with pytest.raises(Conflict):
        patrol.explain_missed(ctx, missed[0].detail["route"], slot_at, "other")
    again = [i for i in provided(ctx, "patrol_missed") if i.ref == missed[0].ref]
    assert "恶劣天气" in again[0].title
    due = [i for i in items if not i.overdue]
    assert {i.detail["route"] for i in due} == {"perimeter", "garage", "fire_exits", "fire_control_room",
                                                "pump_room", "power_room", "elevator_room"}
    six = datetime(2026, 3, 3, 6, 0, tzinfo=SH).astimezone(UTC)
    with pytest.raises(Conflict):
        patrol.explain_missed(ctx, "perimeter", six, "weather")


def test_renovation_route_last_round(make_ctx, clock):
    ctx = make_ctx("guard")
    at(clock, 2026, 3, 4, 0, 0)
    day0 = datetime(2026, 3, 3, 0, 0, tzinfo=SH).astimezone(UTC)
    slots = patrol.schedule(ctx, day0, day0 + timedelta(days=1), routes=["renovation"])
    assert [ctx.local(s.at).strftime("%H:%M") for s in slots] == ["08:30", "10:30", "12:30", "14:30", "16:30"]
    last = slots[-1]
    assert last.closes - last.at == timedelta(minutes=110)  # one interval, less the early margin
    assert all(s.status == "missed" for s in slots)


def test_an_anomaly_that_matters_escalates(make_ctx, clock, db):
    """A burning smell or water in the switch room opens a critical incident and a
    火灾 / 水浸 escalation (severity and major type from data/patrol.toml)."""
    from wuye_tui.models import Escalation
    from wuye_tui.models.guard import DutyEntry
    from wuye_tui.reference import load_reference
    from wuye_tui.services.guard.patrol import ItemResult

    g = make_ctx("guard")
    ref = load_reference()
    assert (ref.item("no_burning_smell").severity, ref.item("no_burning_smell").major_type) == ("critical", "fire")
    assert ref.item("room_dry").major_type == "flooding"
    rnd = patrol.start_round(g, "power_room")
    cp = ref.route("power_room").checkpoints[0]
    bad = {"no_burning_smell": "配电柜有焦糊味", "room_dry": "地面积水", "doors_locked": "门未锁"}
    patrol.record_checkpoint(g, rnd.id, cp.code, [ItemResult(i, i not in bad, bad.get(i, "")) for i in cp.items])
    with db.read() as s:
        entries = {e.text.split(": ")[-1]: e for e in s.execute(select(DutyEntry)).scalars()}
        escalations = s.execute(select(Escalation).order_by(Escalation.id)).scalars().all()
    assert entries["配电柜有焦糊味"].severity == "critical" and entries["配电柜有焦糊味"].major_type == "fire"
    assert entries["地面积水"].major_type == "flooding"
    assert entries["门未锁"].major_type == "" and entries["门未锁"].severity == "warning"
    assert sorted(e.major_type for e in escalations) == ["fire", "flooding"]
