"""PINs that survive a stolen file, lockout without denial of service (issue #9 items 4, 5),
on every backend."""

from __future__ import annotations

import json

import os
import stat

import pytest
from sqlalchemy import select

from tests.conftest import add_staff
from wuye_tui.errors import AuthError, LockedOut, PermissionDenied, ValidationError
from wuye_tui.models import AuditEntry, Staff
from wuye_tui.services.core import security, settings, sitekey, staff
from wuye_tui.services.core.context import ServiceContext


def _hash_of(db, name):
    with db.read() as session:
        return session.execute(select(Staff.pin_hash).where(Staff.name == name)).scalar_one()


def test_default_cost_is_slow(monkeypatch):
    monkeypatch.delenv("WUYE_TESTING", raising=False)
    monkeypatch.delenv("WUYE_SCRYPT_LOG2N", raising=False)
    assert security._argon_cost() == (65536, 2, 1)  # 64 MiB, 2 passes
    assert security.current_n() >= 2**17
    monkeypatch.setenv("WUYE_SCRYPT_LOG2N", "10")  # not honoured outside the test suite
    assert security.current_n() >= 2**17


def test_legacy_hash_upgrades_at_login_and_needs_the_key(db, clock):
    add_staff(db, "王主管", "supervisor", "1234")  # legacy unpeppered scrypt row
    assert _hash_of(db, "王主管").startswith("scrypt$")
    ctx = ServiceContext(db=db, clock=clock, terminal="t1")
    staff.authenticate(ctx, "王主管", "1234")
    stored = _hash_of(db, "王主管")
    assert stored.startswith(("argon2id$", "scrypt2$"))
    assert not security.needs_rehash(stored)
    # a copied database without the key file: the hash cannot be checked (no pepper)
    assert not security.check_pin("1234", stored)
    assert not security.check_pin("1234", stored, b"\x00" * 32)
    assert security.check_pin("1234", stored, security.pepper_for(db))
    staff.authenticate(ctx, "王主管", "1234")  # still logs in
    with db.read() as session:
        actions = session.execute(select(AuditEntry.action)).scalars().all()
    assert actions.count("staff.pin_rehash") == 1


def test_key_file_is_private_and_outside_the_database(db):
    key = security.pepper_for(db)
    assert len(key) == 32
    path = sitekey.key_dir() / f"{sitekey.site_id(db)}.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(sitekey.key_dir().stat().st_mode) == 0o700


def test_supervisor_pin_policy(make_ctx):
    mgr = make_ctx("manager")
    settings.update(mgr, supervisor_pin_min_length="6")
    with pytest.raises(ValidationError) as err:
        staff.add(mgr, "刘主管", "supervisor", "1234")
    assert err.value.field == "pin"
    staff.add(mgr, "刘主管", "supervisor", "123456")
    staff.add(mgr, "赵保安", "guard", "1111")  # guards keep short PINs
    sup = make_ctx("supervisor")
    with pytest.raises(PermissionDenied):
        settings.update(sup, supervisor_pin_min_length="4")


def test_anonymous_caller_cannot_lock_out_a_supervisor(db, clock):
    add_staff(db, "王主管", "supervisor", "1234")
    attacker = ServiceContext(db=db, clock=clock, terminal="cli:mallory@pc:-")
    longest = 0.0
    for _ in range(12):  # the attacker waits out every delay and tries again
        with pytest.raises(AuthError) as err:
            staff.authenticate(attacker, "王主管", "0000")
        if isinstance(err.value, LockedOut):
            wait = (err.value.until - clock.now()).total_seconds()
            longest = max(longest, wait)
            clock.advance(seconds=wait + 1)
    # the attacker's own terminal is slowed down a lot (doubling delays) ...
    assert longest >= 240
    with pytest.raises(LockedOut):
        staff.authenticate(attacker, "王主管", "0000")
    # the supervisor at the gate terminal waits at most 30 seconds
    desk = ServiceContext(db=db, clock=clock, terminal="gate-pc:1")
    try:
        staff.authenticate(desk, "王主管", "1234")
    except LockedOut as exc:
        assert (exc.until - clock.now()).total_seconds() <= 30
        clock.advance(seconds=31)
        assert staff.authenticate(desk, "王主管", "1234").name == "王主管"


def test_unknown_names_are_counted_never_stored(db, clock):
    ctx = ServiceContext(db=db, clock=clock, terminal="gate-pc:1")
    for _ in range(10):
        with pytest.raises(AuthError):
            staff.authenticate(ctx, "8642", "x")  # a PIN typed into the name field
    with db.read() as session:
        rows = session.execute(select(AuditEntry).where(AuditEntry.action == "auth.unknown")).scalars().all()
    assert len(rows) == 2  # the first and the tenth
    assert all("8642" not in (r.after + r.before + r.entity_id) for r in rows)
    assert '"unknown_names":10' in rows[-1].after and "gate-pc:1" in rows[-1].after


def test_manager_unlocks(db, clock):
    add_staff(db, "张保安", "guard", "1111")
    mgr_actor = add_staff(db, "李经理", "manager", "1234")
    sup_actor = add_staff(db, "王主管", "supervisor", "1234")
    ctx = ServiceContext(db=db, clock=clock, terminal="t")
    for _ in range(5):
        with pytest.raises(AuthError):
            staff.authenticate(ctx, "张保安", "0000")
    with pytest.raises(LockedOut):
        staff.authenticate(ctx, "张保安", "1111")
    with pytest.raises(PermissionDenied):
        staff.unlock(ctx.as_actor(sup_actor), "张保安")
    staff.unlock(ctx.as_actor(mgr_actor), "张保安")
    assert staff.authenticate(ctx, "张保安", "1111").name == "张保安"


def test_planted_hash_cannot_exhaust_memory():
    assert not security.check_pin("1", "scrypt$1073741824$8$1$AAAA$AAAA")
    assert not security.check_pin("1", "argon2id$99999999$1$1$AAAA$AAAA", b"k" * 32)





def test_whole_database_commands_need_a_supervisor(db, clock, tmp_path):
    from wuye_tui.errors import WuyeError
    from wuye_tui.services.core import wholedb

    guard = add_staff(db, "张保安", "guard", "1111")
    sup = add_staff(db, "王主管", "supervisor", "1234")
    ctx = ServiceContext(db=db, clock=clock)
    with pytest.raises(PermissionDenied):
        wholedb.backup_as(ctx.as_actor(guard), tmp_path / "b.db")
    if not db.is_sqlite:  # PostgreSQL: through pg_dump (the Debian server package brings it)
        import shutil

        if shutil.which("pg_dump") is None:
            with pytest.raises(WuyeError, match="pg_dump"):
                wholedb.backup_as(ctx.as_actor(sup), tmp_path / "b.dump")
            return
        out = wholedb.backup_as(ctx.as_actor(sup), tmp_path / "b.dump")
        assert stat.S_IMODE(out.stat().st_mode) == 0o600 and out.read_bytes()[:5] == b"PGDMP"
        with db.read() as session:
            backed = session.execute(select(AuditEntry).where(AuditEntry.action == "db.backup")).scalars().one()
        side = json.loads((tmp_path / "b.dump.head").read_text())  # the chain head beside the dump
        assert side["id"] >= backed.id and side["at_least"] and side["site_id"]
        assert stat.S_IMODE((tmp_path / "b.dump.head").stat().st_mode) == 0o600
        return
    wholedb.backup_as(ctx.as_actor(sup), tmp_path / "b.db")
    assert stat.S_IMODE((tmp_path / "b.db").stat().st_mode) == 0o600
    with pytest.raises(ValidationError):
        wholedb.backup_as(ctx.as_actor(sup), "")
    with pytest.raises(WuyeError):  # a database with staff: restore needs its supervisor
        wholedb.restore_as(None, db.url, tmp_path / "b.db", force=True)
    with pytest.raises(PermissionDenied):
        wholedb.restore_as(ctx.as_actor(guard), db.url, tmp_path / "b.db", force=True)


def test_a_missing_key_is_a_clear_error_not_a_new_key(db, clock):
    from wuye_tui.errors import WuyeError

    add_staff(db, "王主管", "supervisor", "1234")
    ctx = ServiceContext(db=db, clock=clock, terminal="t1")
    staff.authenticate(ctx, "王主管", "1234")  # the hash is now peppered
    path = sitekey.key_dir() / f"{sitekey.site_id(db)}.key"
    saved = path.read_bytes()
    path.unlink()
    sitekey.forget()
    sitekey._created.clear()  # as on another terminal that did not create the site
    try:
        with pytest.raises(WuyeError, match="密钥"):
            staff.authenticate(ctx, "王主管", "1234")
        assert not path.exists()  # no second, different key was made
    finally:
        path.write_bytes(saved)
        os.chmod(path, 0o600)
        sitekey.forget()
    assert staff.authenticate(ctx, "王主管", "1234").name == "王主管"
