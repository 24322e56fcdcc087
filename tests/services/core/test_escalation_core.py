"""The core escalation service: types checked, timeline, acknowledgement by supervisors only,
and the open-items provider for the handover."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from wuye_tui.errors import Conflict, PermissionDenied, ValidationError
from wuye_tui.models import Escalation
from wuye_tui.services.core import escalation, open_items


def test_unknown_major_type_refused_and_nothing_saved(make_ctx, db):
    guard = make_ctx("guard")
    with pytest.raises(ValidationError) as err:
        escalation.raise_escalation(guard, "alien_invasion", "外星人")
    assert err.value.field == "major_type"
    with db.read() as session:
        assert session.execute(select(func.count()).select_from(Escalation)).scalar_one() == 0


def test_raise_ack_resolve_timeline(make_ctx, clock):
    guard = make_ctx("guard")
    sup = make_ctx("supervisor")
    esc = escalation.raise_escalation(guard, "fire", "2栋地下车库冒烟", "保安已到场")
    assert esc.reply_due_at is not None and esc.notified == sup.actor.name
    assert [e.id for e in escalation.unacknowledged(guard)] == [esc.id]
    items = [i for i in open_items.collect(sup) if i.kind == "escalation"]
    assert len(items) == 1 and "2栋地下车库冒烟" in items[0].title
    with pytest.raises(PermissionDenied):
        escalation.acknowledge(guard, esc.id)
    clock.advance(minutes=3)
    escalation.acknowledge(sup, esc.id, "已通知消防")
    with pytest.raises(Conflict):
        escalation.acknowledge(sup, esc.id)
    assert escalation.unacknowledged(guard) == []
    escalation.resolve(sup, esc.id, "误报：厨房油烟")
    kinds = [ev.kind for ev, _who in escalation.timeline(sup, esc.id).events]
    assert kinds == ["raised", "notified", "acknowledged", "resolved"]
