"""Schema upgrades: the migrations give exactly the models' schema, and a database made
by an older revision upgrades with its rows intact."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select

from wuye_tui.db import Database, script_heads
from wuye_tui.models import Resident, ResidentVehicle, Staff, Unit
from wuye_tui.models.base import metadata
from wuye_tui.services.core import audit, staff
from wuye_tui.services.core.context import ServiceContext

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "wuye_0001_core.sql"


def _diff(db: Database) -> list:
    with db.engine.connect() as conn:
        mc = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(mc, metadata)]


def test_migrations_match_models(db):
    assert db.stored_revisions() == script_heads()
    assert _diff(db) == []


def test_old_database_upgrades_with_rows(tmp_path, clock):
    path = tmp_path / "old.db"
    con = sqlite3.connect(path)
    con.executescript(FIXTURE.read_text(encoding="utf-8"))
    con.close()
    db = Database(f"sqlite:///{path}")
    assert db.stored_revisions() == {"0001_core"}
    db.upgrade()
    assert db.stored_revisions() == script_heads()
    assert db.check() == []
    with db.read() as session:
        assert session.execute(select(func.count()).select_from(Staff)).scalar_one() == 3
        assert session.execute(select(Unit.code).order_by(Unit.code)).scalars().all() == ["3栋2单元1202", "3栋2单元1203"]
        assert session.execute(select(Resident.name).order_by(Resident.id)).scalars().all() == ["刘德明", "欧阳娜娜"]
        assert session.execute(select(ResidentVehicle.plate)).scalars().all() == ["粤B12345"]
        assert audit.verify(session).ok
    ctx = ServiceContext(db=db, clock=clock)
    assert staff.authenticate(ctx, "张保安", "1111").role == "guard"
    assert _diff(db) == []
    db.dispose()


def test_upgrade_is_skipped_when_current(sqlite_db, monkeypatch):
    import alembic.command

    called = []
    monkeypatch.setattr(alembic.command, "upgrade", lambda *a, **k: called.append(a))
    sqlite_db.upgrade()
    assert called == []
