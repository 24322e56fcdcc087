"""Duty log: entries by post, incidents closed with a note, major incidents escalate,
bad input saves nothing, entries are in the audit chain and tampering is caught."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from wuye_tui.errors import Conflict, PermissionDenied, ValidationError
from wuye_tui.models import AuditEntry, Escalation
from wuye_tui.models.guard import DutyEntry
from wuye_tui.services.core import audit
from wuye_tui.services.guard import dutylog

from ..conftest_guard import provided


def _count(db, model) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def test_add_note_and_list(make_ctx, db):
    ctx = make_ctx("guard")
    e = dutylog.add_entry(ctx, "main_gate", "security", "info", "  巡查正门，一切正常  ")
    assert e.id and e.text == "巡查正门，一切正常" and e.status == "" and not e.is_incident
    rows = dutylog.list_entries(ctx)
    assert [r.entry.id for r in rows] == [e.id] and rows[0].staff_name == ctx.actor.name
    with db.read() as s:
        a = s.execute(select(AuditEntry).where(AuditEntry.action == "dutylog.add")).scalar_one()
    assert "巡查正门" in a.after


def test_incident_open_then_closed_with_note(make_ctx):
    ctx = make_ctx("guard")
    e = dutylog.add_entry(ctx, "patrol", "equipment", "warning", "3栋电梯异响", incident=True)
    assert e.status == "open"
    items = provided(ctx, "incident")
    assert [i.ref for i in items] == [f"duty_entry:{e.id}"]
    with pytest.raises(ValidationError) as err:
        dutylog.close_incident(ctx, e.id, "   ")
    assert err.value.field == "close_note"
    closed = dutylog.close_incident(ctx, e.id, "维保单位已修复")
    assert closed.status == "closed" and closed.close_note == "维保单位已修复"
    with pytest.raises(Conflict):
        dutylog.close_incident(ctx, e.id, "again")
    assert not provided(ctx, "incident")
    note = dutylog.add_entry(ctx, "patrol", "other", "info", "note")
    with pytest.raises(Conflict):
        dutylog.close_incident(ctx, note.id, "x")


def test_major_incident_escalates_in_same_transaction(make_ctx, db):
    ctx = make_ctx("guard")
    e = dutylog.add_entry(ctx, "main_gate", "fire", "critical", "2栋15楼冒烟", major_type="fire")
    assert e.is_incident and e.status == "open" and e.escalation_id
    with db.read() as s:
        esc = s.get(Escalation, e.escalation_id)
    assert esc.major_type == "fire" and esc.source == "incident" and esc.source_id == str(e.id)
    assert "2栋15楼冒烟" in esc.title


@pytest.mark.parametrize("field,kwargs", [
    ("post", {"post": "roof"}),
    ("post", {"post": ""}),
    ("duty_type", {"duty_type": "party"}),
    ("severity", {"severity": "meh"}),
    ("text", {"text": "  \x00 "}),
    ("text", {"text": "长" * 2001}),
    ("major_type", {"major_type": "alien_invasion"}),
])
def test_bad_input_names_field_and_saves_nothing(make_ctx, db, field, kwargs):
    ctx = make_ctx("guard")
    args = {"post": "main_gate", "duty_type": "security", "severity": "info", "text": "ok"}
    args.update(kwargs)
    before = _count(db, AuditEntry)
    with pytest.raises(ValidationError) as err:
        dutylog.add_entry(ctx, **args)
    assert err.value.field == field and err.value.message
    assert _count(db, DutyEntry) == 0 and _count(db, Escalation) == 0
    assert _count(db, AuditEntry) == before


def test_failed_escalation_rolls_back_the_entry(make_ctx, db, monkeypatch):
    ctx = make_ctx("guard")

    def boom(*a, **k):  # type: ignore[no-untyped-def]
        raise ValidationError("title", "broken")

    monkeypatch.setattr(dutylog, "raise_in", boom)
    with pytest.raises(ValidationError):
        dutylog.add_entry(ctx, "main_gate", "fire", "critical", "冒烟", major_type="fire")
    assert _count(db, DutyEntry) == 0


def test_correction_is_a_new_entry(make_ctx):
    ctx = make_ctx("guard")
    e = dutylog.add_entry(ctx, "main_gate", "security", "info", "10点 访客3人")
    c = dutylog.correct_entry(ctx, e.id, "应为访客4人")
    assert c.id != e.id and c.source == "correction" and c.source_ref == f"entry:{e.id}"
    assert dutylog.get_entry(ctx, e.id).entry.text == "10点 访客3人"


def test_paging_newest_first(make_ctx):
    ctx = make_ctx("guard")
    ids = [dutylog.add_entry(ctx, "main_gate", "other", "info", f"n{i}").id for i in range(7)]
    first = dutylog.list_entries(ctx, limit=3)
    assert [r.entry.id for r in first] == ids[::-1][:3]
    nxt = dutylog.list_entries(ctx, before_id=first[-1].entry.id, limit=3)
    assert [r.entry.id for r in nxt] == ids[::-1][3:6]


def test_unknown_role_refused(db, clock):
    from wuye_tui.services.core.context import Actor, ServiceContext

    ctx = ServiceContext(db=db, actor=Actor(None, "x", "visitor"), clock=clock)
    with pytest.raises(PermissionDenied):
        dutylog.add_entry(ctx, "main_gate", "other", "info", "x")


def test_tampered_duty_entry_audit_row_is_named_by_verify(make_ctx, db, tmp_path):
    ctx = make_ctx("guard", pin="1111")
    dutylog.add_entry(ctx, "main_gate", "security", "info", "第一条")
    e = dutylog.add_entry(ctx, "main_gate", "security", "info", "第二条")
    dutylog.add_entry(ctx, "main_gate", "security", "info", "第三条")
    with db.read() as s:
        assert audit.verify(s).ok
        target = s.execute(select(AuditEntry.id).where(AuditEntry.action == "dutylog.add")
                           .where(AuditEntry.entity_id == str(e.id))).scalar_one()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE audit SET after = :a WHERE id = :i"), {"a": '{"text":"改过了"}', "i": target})
    with db.read() as s:
        result = audit.verify(s)
    assert not result.ok and result.broken_id == target
    if db.is_sqlite:
        from wuye_tui.cli import app

        out = CliRunner().invoke(app, ["--db", db.url, "audit", "verify"])
        assert out.exit_code == 1
        assert str(target) in out.output
