"""Leaving without handover, right both ways (logout, idle lock, a terminal that stops),
and every missed round gets its reason even after an early handover."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo


from wuye_tui.models import StaffSession
from wuye_tui.services.guard import missed as guard_missed, sessions as guard_sessions, handover, patrol
from wuye_tui.services.core import staff

from tests.open_items_stub import keep_guard_providers, visitor
from tests.services.guard.test_handover import _ready

SH = ZoneInfo("Asia/Shanghai")


def at(clock, h, mi=0, day=2):  # type: ignore[no-untyped-def]
    clock.set(datetime(2026, 3, day, h, mi, tzinfo=SH))


def session_row(db, sid):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.get(StaffSession, sid)


def test_a_terminal_that_stops_is_closed_and_flagged(make_ctx, clock, db, monkeypatch):
    keep_guard_providers(monkeypatch, visitor("visit:7", "访客 刘某"))
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    sup = make_ctx("supervisor", "王主管", "1234")
    at(clock, 9, 0)
    sa, sb = staff.start_session(a), staff.start_session(b)
    for sid in (sa, sb):
        assert guard_sessions.heartbeat(a, sid)
    at(clock, 9, 2)
    guard_sessions.heartbeat(b, sb)  # b's terminal keeps beating, a's was killed at 09:00
    at(clock, 9, 4)
    assert guard_sessions.close_stale(sup) == 1
    row = session_row(db, sa)
    assert row.end_reason == "without_handover" and row.ended_at is not None
    assert session_row(db, sb).ended_at is None
    [d] = guard_sessions.departures_without_handover(sup, clock.now() - timedelta(hours=1))
    assert (d.staff, d.how) == ("张保安", "stale")
    assert not guard_sessions.heartbeat(a, sa)  # the killed terminal, come back, learns it is closed
    # idle lock without handover is flagged too, with how it ended
    assert guard_sessions.end_reason(b, "idle_lock") == "without_handover"
    staff.end_session(b, sb, "without_handover")
    hows = {x.how for x in guard_sessions.departures_without_handover(sup, clock.now() - timedelta(hours=1))}
    assert hows == {"stale", "idle_lock"}
    assert guard_sessions.end_reason(sup, "idle_lock") == "idle_lock"


def test_a_guard_who_handed_over_and_whose_terminal_stops_is_not_flagged(make_ctx, clock, db, monkeypatch):
    keep_guard_providers(monkeypatch)
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    sup = make_ctx("supervisor", "王主管", "1234")
    at(clock, 14, 40)
    sa = staff.start_session(a)
    guard_sessions.heartbeat(a, sa)
    h = handover.open_handover(a)
    _ready(a, h, b)
    handover.sign(b, h.id, "赵保安", "2222")
    at(clock, 14, 50)
    guard_sessions.close_stale(sup)
    assert session_row(db, sa).end_reason == "stale"


def test_rounds_passing_after_an_early_handover_are_owed_by_that_shift(make_ctx, clock, db, monkeypatch):
    keep_guard_providers(monkeypatch)
    a = make_ctx("guard", "张保安", "1111")
    b = make_ctx("guard", "赵保安", "2222")
    sup = make_ctx("supervisor", "王主管", "1234")
    at(clock, 7, 0)
    assert guard_missed.unexplained(sup) == []  # nobody has used the site yet: nothing is owed
    staff.start_session(a)  # the morning guard logs in at 07:00
    at(clock, 14, 5)  # handing over almost an hour early
    h = handover.open_handover(a)
    due = [i for i in handover.get_view(a, h.id).items if i.kind == "patrol_missed" and '"due": true' in i.detail]
    assert due, "rounds still walkable at the handover are carried as due"
    _ready(a, h, b)
    handover.sign(b, h.id, "赵保安", "2222")
    assert guard_missed.owed_by(a, a.actor.id) == []  # every missed one explained at signing
    at(clock, 16, 30)  # the due rounds of the morning passed unwalked after the handover
    owed = guard_missed.owed_by(a, a.actor.id)
    assert owed and all(s.at < datetime(2026, 3, 2, 15, 0, tzinfo=SH) for s in owed)
    assert guard_missed.owed_by(b, b.actor.id) == [] or all(
        s.at >= datetime(2026, 3, 2, 15, 0, tzinfo=SH) for s in guard_missed.owed_by(b, b.actor.id))
    everyone = guard_missed.unexplained(sup)
    assert {(s.route, s.at) for s in owed} <= {(s.route, s.at) for s, _who in everyone}
    for s in owed:
        patrol.explain_missed(a, s.route, s.at, "understaffed")
    assert guard_missed.owed_by(a, a.actor.id) == []
