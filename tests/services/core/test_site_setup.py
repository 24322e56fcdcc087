"""A site on PostgreSQL (issue 18): ``setup_postgres`` and ``db copy`` against the test
server, and the one-line errors for a wrong password, a missing database, nothing listening,
a host that never answers (a local socket that accepts and stays silent) and a newer schema."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from sqlalchemy import func, select, text

from tests.conftest import PG_URL, _pg_truncate
from wuye_tui.errors import ConfigError, ValidationError
from wuye_tui.services.core import site_setup
from wuye_tui.services.core.db_copy import copy_database

needs_pg = pytest.mark.skipif(not PG_URL, reason="WUYE_TEST_PG_URL not set")


@pytest.fixture(autouse=True)
def _english():
    from wuye_tui.i18n import set_language

    set_language("en")  # the messages are matched in English; the zh catalog has them all
    yield


def _with(url: str, **parts: object) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).set(**parts).render_as_string(hide_password=False)


@needs_pg
def test_setup_creates_the_schema_and_the_first_supervisor(_pg_database):
    _pg_truncate(_pg_database)
    result = site_setup.setup_postgres(PG_URL, "王主管", "246810")
    assert result.name == "王主管" and "***" in result.shown_url and "wuye_ci:wuye_ci@" not in result.shown_url
    with _pg_database.read() as s:
        assert s.execute(text("SELECT role FROM staff")).scalars().all() == ["supervisor"]
    with pytest.raises(ConfigError, match="set up already"):
        site_setup.setup_postgres(PG_URL, "李主管", "246810")


@needs_pg
def test_wrong_password_and_missing_database_are_named():
    with pytest.raises(ConfigError, match="wrong password"):
        site_setup.setup_postgres(_with(PG_URL, password="not-the-password"), "王主管", "246810")
    with pytest.raises(ConfigError, match="does not exist.*createdb"):
        site_setup.setup_postgres(_with(PG_URL, database="wuye_no_such_db"), "王主管", "246810")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_nothing_listening_is_named_at_once():
    url = f"postgresql+psycopg://u:p@127.0.0.1:{_free_port()}/site"
    t0 = time.monotonic()
    with pytest.raises(ConfigError, match="Nothing listens"):
        site_setup.setup_postgres(url, "王主管", "246810")
    assert time.monotonic() - t0 < 3


def test_a_host_that_never_answers_is_cut_off():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])  # accepted, never answered
            except OSError:
                pass

    t = threading.Thread(target=accept, daemon=True)
    t.start()
    try:
        url = f"postgresql+psycopg://u:p@127.0.0.1:{server.getsockname()[1]}/site"
        t0 = time.monotonic()
        with pytest.raises(ConfigError, match="No answer"):
            site_setup.setup_postgres(url, "王主管", "246810")
        assert time.monotonic() - t0 < 4 * site_setup.CONNECT_TIMEOUT
    finally:
        stop.set()
        t.join()
        for c in held:
            c.close()
        server.close()


def test_bad_urls_are_refused_before_connecting():
    for bad in ("", "sqlite:///x.db", "postgresql+psycopg://u:p@/nodb", "not a url"):
        with pytest.raises(ValidationError):
            site_setup.setup_postgres(bad, "王主管", "246810")


def test_a_database_of_a_newer_version_is_named(sqlite_db):
    with sqlite_db.engine.begin() as conn:
        conn.execute(text("DELETE FROM alembic_version"))
        conn.execute(text("INSERT INTO alembic_version VALUES ('0999_from_the_future')"))
    with pytest.raises(ConfigError, match="newer wuye.*0999_from_the_future"):
        site_setup.check_version(sqlite_db.stored_revisions())




@needs_pg
def test_copy_a_sqlite_site_to_postgresql(sqlite_db, _pg_database):
    from wuye_tui.models.base import metadata
    from wuye_tui.services.core import audit, roster, staff
    from wuye_tui.services.core.context import ServiceContext

    ctx = ServiceContext(db=sqlite_db, terminal="t")
    first = staff.create_first_supervisor(ctx, "王主管", "246810")
    sup = ctx.as_actor(staff.actor_of(first))
    for i in range(1, 41):
        roster.add_resident(sup, f"{i % 5 + 1}栋", "1单元", f"{100 + i}", "住户" + "甲乙丙丁戊己庚辛壬癸"[i % 10] + "子丑寅卯辰巳午未申酉"[i // 10 % 10], f"138001380{i:02d}")
    staff.add(sup, "张保安", "guard", "1111")
    _pg_truncate(_pg_database)
    seen: list[int] = []
    report = copy_database(sqlite_db.url, PG_URL, progress=lambda table, done, total: seen.append(done))
    counts = {}
    for t in metadata.sorted_tables:
        with sqlite_db.read() as a, _pg_database.read() as b:
            counts[t.name] = (a.execute(select(func.count()).select_from(t)).scalar(),
                              b.execute(select(func.count()).select_from(t)).scalar())
    assert all(x == y for x, y in counts.values()), counts
    assert report.rows == sum(x for x, _y in counts.values()) and seen[-1] == report.rows
    assert audit.verify_database(_pg_database).ok
    # the copy is a working site: new rows get fresh ids after the copied ones
    pg = ServiceContext(db=_pg_database, terminal="t")
    actor = staff.authenticate(pg, "王主管", "246810")
    staff.add(pg.as_actor(actor), "李保安", "guard", "2222")
    with pytest.raises(ConfigError, match="not empty"):
        copy_database(sqlite_db.url, PG_URL)
