"""Staff, PIN login, lockout, permissions and the audit trail, on every backend."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from wuye_tui.errors import AuthError, Conflict, LockedOut, PermissionDenied, ValidationError
from wuye_tui.models import AuditEntry, Staff
from wuye_tui.services.core import audit, staff
from wuye_tui.services.core.context import ServiceContext


def test_first_supervisor_only_once(db, clock):
    ctx = ServiceContext(db=db, clock=clock)
    s = staff.create_first_supervisor(ctx, "王主管", "1234")
    assert s.role == "supervisor"
    with pytest.raises(Conflict):
        staff.create_first_supervisor(ctx, "李四", "5678")
    assert staff.count(ctx) == 1


def test_pin_stored_only_as_salted_hash(db, clock):
    ctx = ServiceContext(db=db, clock=clock)
    staff.create_first_supervisor(ctx, "王主管", "123456")
    with db.read() as session:
        stored = session.execute(select(Staff.pin_hash)).scalar_one()
    assert "123456" not in stored and stored.startswith(("argon2id$", "scrypt2$"))
    sup = staff.authenticate(ctx, "王主管", "123456")
    assert sup.role == "supervisor"


def test_bad_pin_format_is_a_field_error(db, clock):
    ctx = ServiceContext(db=db, clock=clock)
    with pytest.raises(ValidationError) as err:
        staff.create_first_supervisor(ctx, "王主管", "12a")
    assert err.value.field == "pin"
    assert staff.count(ctx) == 0


def test_five_wrong_pins_slow_down_and_are_audited(make_ctx, clock):
    sup = make_ctx("supervisor")
    staff.add(sup, "张保安", "guard", "1111")
    for attempt in range(4):
        with pytest.raises(AuthError) as err:
            staff.authenticate(sup, "张保安", "9999")
        assert not isinstance(err.value, LockedOut)
        assert err.value.remaining == 4 - attempt
    with pytest.raises(LockedOut) as locked:
        staff.authenticate(sup, "张保安", "9999")
    assert (locked.value.until - clock.now()).total_seconds() == 30  # a delay, not a 15-minute lock
    # even the right PIN is refused while the delay runs (and is not counted)
    with pytest.raises(LockedOut):
        staff.authenticate(sup, "张保安", "1111")
    clock.advance(seconds=31)
    with pytest.raises(LockedOut) as again:  # the next wrong PIN doubles the delay
        staff.authenticate(sup, "张保安", "9999")
    assert (again.value.until - clock.now()).total_seconds() == 60
    clock.advance(seconds=61)
    assert staff.authenticate(sup, "张保安", "1111").name == "张保安"
    with sup.db.read() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("auth.failed") == 6
    assert "auth.slowed" in actions and "auth.delayed" in actions


def test_guard_cannot_add_staff(make_ctx):
    guard = make_ctx("guard")
    with pytest.raises(PermissionDenied):
        staff.add(guard, "李四", "guard", "1111")


def test_supervisor_cannot_add_manager_but_manager_can(make_ctx):
    sup = make_ctx("supervisor")
    with pytest.raises(PermissionDenied):
        staff.add(sup, "李经理", "manager", "1111")
    mgr = make_ctx("manager")
    assert staff.add(mgr, "周经理", "manager", "1111").role == "manager"


def test_disable_and_reset(make_ctx):
    sup = make_ctx("supervisor")
    staff.add(sup, "张保安", "guard", "1111")
    staff.set_active(sup, "张保安", False)
    with pytest.raises(AuthError):
        staff.authenticate(sup, "张保安", "1111")
    staff.set_active(sup, "张保安", True)
    staff.reset_pin(sup, "张保安", "2222")
    assert staff.authenticate(sup, "张保安", "2222").role == "guard"
    with pytest.raises(Conflict):
        staff.set_active(sup, sup.actor.name, False)


def test_duplicate_name_and_bad_role(make_ctx):
    sup = make_ctx("supervisor")
    staff.add(sup, "张保安", "guard", "1111")
    with pytest.raises(ValidationError) as err:
        staff.add(sup, "张保安", "guard", "1111")
    assert err.value.field == "name"
    with pytest.raises(ValidationError) as err:
        staff.add(sup, "李四", "janitor", "1111")
    assert err.value.field == "role"


def test_audit_chain_verifies_and_detects_tampering(make_ctx, db):
    sup = make_ctx("supervisor")
    for i in range(5):
        staff.add(sup, f"保安{'甲乙丙丁戊'[i]}", "guard", "1111")
    with db.read() as session:
        result = audit.verify(session)
    assert result.ok and result.checked == 5
    with db.write() as session:
        row = session.execute(select(AuditEntry).order_by(AuditEntry.id).offset(2).limit(1)).scalar_one()
        target = row.id
        row.after = row.after.replace("guard", "manager")
    with db.read() as session:
        result = audit.verify(session)
    assert not result.ok and result.broken_id == target and result.reason == "hash"


def test_audit_detects_deleted_row(make_ctx, db):
    sup = make_ctx("supervisor")
    for name in ("甲", "乙", "丙"):
        staff.add(sup, f"保安{name}", "guard", "1111")
    with db.write() as session:
        second = session.execute(select(AuditEntry).order_by(AuditEntry.id).offset(1).limit(1)).scalar_one()
        session.delete(second)
    with db.read() as session:
        result = audit.verify(session)
    assert not result.ok and result.reason == "link"


def test_sessions_recorded(make_ctx, clock):
    guard = make_ctx("guard")
    sid = staff.start_session(guard)
    clock.advance(hours=8)
    staff.end_session(guard, sid, "idle_lock")
    sup = make_ctx("supervisor")
    rows = staff.sessions_between(sup, clock.now() - timedelta(days=1), clock.now() + timedelta(hours=1))
    assert [(r.staff_id, r.end_reason) for r in rows] == [(guard.actor.id, "idle_lock")]
    with pytest.raises(PermissionDenied):
        staff.sessions_between(guard, clock.now() - timedelta(days=1), clock.now())
