"""The escalation's notification command: success with the JSON on stdin, failure,
timeout, a missing program; never blocking; acknowledgement by supervisors only."""

from __future__ import annotations

import json
import sys
import time

import pytest
from sqlalchemy import select

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.errors import Conflict, PermissionDenied
from wuye_tui.models import Escalation, EscalationEvent
from wuye_tui.services import complaints, escalation, settings


@pytest.fixture
def setup(make_ctx):  # type: ignore[no-untyped-def]
    manager = make_ctx("manager")
    desk = make_ctx("front_desk")
    seed_roster(manager)
    c = complaints.add_complaint(desk, **intake(major_type="flooding", description="地下车库水浸"))
    esc = escalation.unacknowledged(desk)[0]
    return manager, desk, c, esc


def events(ctx, esc_id):  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        return s.execute(select(EscalationEvent).where(EscalationEvent.escalation_id == esc_id)
                         .order_by(EscalationEvent.id)).scalars().all()


def status(ctx, esc_id):  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        return s.get(Escalation, esc_id).notify_status


def test_no_command_does_nothing(setup):
    manager, desk, c, esc = setup
    assert escalation.run_notify_command(desk, esc) == ""
    assert [e.kind for e in events(desk, esc.id)] == ["raised", "notified"]


def test_command_gets_the_escalation_as_json(setup, tmp_path):
    manager, desk, c, esc = setup
    out = tmp_path / "got.json"
    settings.update(manager, notify_command=f"{sys.executable} -c \"import sys; open(r'{out}','wb').write(sys.stdin.buffer.read())\"")
    assert escalation.run_notify_command(desk, esc) == "ok"
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["id"] == esc.id and data["major_type"] == "flooding" and data["major_type_label"] == "水浸"
    assert data["source"] == "complaint" and data["source_id"] == str(c.id)
    assert status(desk, esc.id) == "ok"


def test_failing_command_is_recorded(setup):
    manager, desk, c, esc = setup
    settings.update(manager, notify_command="sh -c 'echo no route to sms gateway >&2; exit 3'")
    result = escalation.run_notify_command(desk, esc)
    assert result.startswith("failed: exit 3") and "no route" in result
    assert status(desk, esc.id).startswith("failed: exit 3")
    last = events(desk, esc.id)[-1]
    assert last.kind == "notify_failed" and "exit 3" in last.note
    assert [e.id for e in escalation.unacknowledged(desk)] == [esc.id]  # the alert stays


def test_missing_program_is_recorded(setup):
    manager, desk, c, esc = setup
    settings.update(manager, notify_command="/nonexistent/notify-bot --sms")
    assert escalation.run_notify_command(desk, esc).startswith("failed:")
    assert events(desk, esc.id)[-1].kind == "notify_failed"


def test_timeout_is_recorded_and_does_not_block(setup):
    manager, desk, c, esc = setup
    settings.update(manager, notify_command="sleep 5", notify_timeout_seconds=1)
    started = time.monotonic()
    thread = escalation.notify_async(desk, esc)
    assert time.monotonic() - started < 0.5  # the caller is free at once
    thread.join(10)
    assert not thread.is_alive()
    assert status(desk, esc.id) == "timeout after 1s"
    assert events(desk, esc.id)[-1].kind == "notify_failed"


def test_only_managers_set_the_command(setup, make_ctx):
    sup = make_ctx("supervisor")
    with pytest.raises(PermissionDenied):
        settings.update(sup, notify_command="true")


def test_acknowledge_needs_a_supervisor_and_only_once(setup, make_ctx):
    manager, desk, c, esc = setup
    with pytest.raises(PermissionDenied):
        escalation.acknowledge(desk, esc.id)
    sup = make_ctx("supervisor")
    escalation.acknowledge(sup, esc.id, "已通知工程部抽水")
    assert escalation.unacknowledged(desk) == []
    with pytest.raises(Conflict):
        escalation.acknowledge(sup, esc.id)
    tl = escalation.timeline(desk, esc.id)
    assert [ev.kind for ev, _ in tl.events] == ["raised", "notified", "acknowledged"]
    assert tl.events[-1][1] == sup.actor.name
    assert tl.escalation.reply_due_at is not None
