"""Shared fixtures.

- ``db``: an upgraded, empty database; parametrised over SQLite and, when
  ``WUYE_TEST_PG_URL`` is set, PostgreSQL. Service tests use it so they run on both.
- ``sqlite_db``: SQLite only (UI tests, CLI tests, file-level tests).
- ``clock``: a FixedClock at 2026-03-02 09:00 in Shanghai (01:00 UTC).
- ``make_ctx(role, name=None, pin="1234")``: a ServiceContext acting as a new staff member.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
# Cheap PIN hashes in tests only (the product default is argon2id 64 MiB / scrypt 2^17).
os.environ.setdefault("WUYE_TESTING", "1")
os.environ.setdefault("WUYE_SCRYPT_LOG2N", "10")


@pytest.fixture(scope="session", autouse=True)
def _isolated_dirs(tmp_path_factory: pytest.TempPathFactory):
    home = tmp_path_factory.mktemp("home")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ.pop("WUYE_DB", None)
    os.environ.pop("WUYE_USER", None)
    os.environ.pop("WUYE_PIN", None)
    os.environ.pop("WUYE_LANG", None)
    yield


@pytest.fixture(autouse=True)
def _language():
    from wuye_tui.i18n import set_language

    set_language("zh")
    yield
    set_language("zh")


PG_URL = os.environ.get("WUYE_TEST_PG_URL", "")
BACKENDS = ["sqlite"] + (["pg"] if PG_URL else [])


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from wuye_tui.db import Database

    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()
    return path


@pytest.fixture(scope="session")
def _pg_database():
    from sqlalchemy import text

    from wuye_tui.db import Database

    url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1) if PG_URL.startswith("postgresql://") else PG_URL
    db = Database(url)
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    db.upgrade()
    yield db
    db.dispose()


def _pg_truncate(db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from wuye_tui.models.base import metadata

    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


def _fresh_sqlite(template: Path, folder: Path):  # type: ignore[no-untyped-def]
    from wuye_tui.db import Database

    path = folder / "wuye.db"
    shutil.copyfile(template, path)
    return Database(f"sqlite:///{path}")


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path: Path, _sqlite_template: Path):
    if request.param == "sqlite":
        database = _fresh_sqlite(_sqlite_template, tmp_path)
        yield database
        database.dispose()
    else:
        database = request.getfixturevalue("_pg_database")
        _pg_truncate(database)
        yield database


@pytest.fixture
def sqlite_db(tmp_path: Path, _sqlite_template: Path):
    database = _fresh_sqlite(_sqlite_template, tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def clock():
    from wuye_tui.clock import FixedClock

    return FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))


def add_staff(database, name: str, role: str, pin: str = "1234"):  # type: ignore[no-untyped-def]
    """Insert a staff member directly (tests only) and return their Actor."""
    from wuye_tui.models import Staff
    from wuye_tui.services.core.context import Actor

    with database.write() as session:
        s = Staff(name=name, role=role, pin_hash=_cached_hash(pin), created_at=datetime.now(timezone.utc))
        session.add(s)
        session.flush()
        return Actor(s.id, name, role)


_HASHES: dict[str, str] = {}


def _cached_hash(pin: str) -> str:
    from wuye_tui.services.core.security import hash_pin

    if pin not in _HASHES:
        _HASHES[pin] = hash_pin(pin)
    return _HASHES[pin]


@pytest.fixture
def make_ctx(db, clock):  # type: ignore[no-untyped-def]
    from wuye_tui.services.core.context import ServiceContext

    counter = {"n": 0}
    default_names = {"guard": "张保安", "front_desk": "陈客服", "supervisor": "王主管", "manager": "李经理"}

    def make(role: str, name: str | None = None, pin: str = "1234") -> ServiceContext:
        counter["n"] += 1
        who = name or (default_names.get(role, role) + ("" if counter["n"] == 1 else str(counter["n"])))
        actor = add_staff(db, who, role, pin)
        return ServiceContext(db=db, actor=actor, clock=clock)

    return make
