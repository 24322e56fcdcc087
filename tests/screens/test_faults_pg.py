"""PostgreSQL stopped and restarted inside the test (a throwaway server on its own port,
never the shared one): a guard's check-in survives it, a terminal started before the
database is up logs in once it is, the CLI says one line, and the password never shows."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from textual.widgets import Input, Static

from screens.gate.checkin import CheckInScreen
from screens.login import LoginScreen
from screens.widgets.status_bar import StatusBar
from tests.pg_cluster import PASSWORD, ThrowawayCluster, skip_reason
from tests.screens.helpers import SIZE, login, make_app, settle
from tests.screens.test_faults import fill, kept, notes, setup, text, visits
from wuye_tui.db import Database

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


@pytest.fixture(scope="module")
def cluster():
    c = ThrowawayCluster().create()
    yield c
    c.destroy()


@pytest.fixture
def pg(cluster, clock):  # type: ignore[no-untyped-def]
    cluster.start() if not _up(cluster) else None
    db = Database(cluster.url)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    db.upgrade()
    setup(db, clock)
    yield db
    db.dispose()
    if not _up(cluster):
        cluster.start()


def _up(cluster) -> bool:  # type: ignore[no-untyped-def]
    import psycopg

    try:
        psycopg.connect(host="127.0.0.1", port=cluster.port, user="wuye", password=PASSWORD, dbname="wuye",
                        connect_timeout=2).close()
        return True
    except psycopg.OperationalError:
        return False


async def wait_until(pilot, predicate, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    for _ in range(int(seconds / 0.1)):
        if predicate():
            return True
        await pilot.pause(0.1)
    return predicate()


async def test_checkin_survives_postgresql_stopped_and_restarted(cluster, pg, clock):
    app = make_app(pg, clock)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "张保安", "1111")
        await pilot.press("1")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CheckInScreen)
        fill(screen)
        cluster.stop()
        await pilot.press("f2")
        await pilot.pause()
        assert app.is_running and app.screen is screen and kept(screen)
        assert "无法连接数据库" in notes(app) and "Ctrl+R" in notes(app)
        assert PASSWORD not in notes(app)
        assert await wait_until(pilot, lambda: "数据库不可用，正在重试" in text(screen.query_one(StatusBar)), 5)
        cluster.start()
        assert await wait_until(pilot, lambda: app.db_down is None, 40), "never noticed the database is back"
        assert "数据库不可用" not in text(screen.query_one(StatusBar))
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert [v.name for v in visits(pg)] == ["诸葛亮"]
        assert "诸葛亮" in text(screen.query_one("#gate-msg", Static))


async def test_terminal_started_before_the_database_logs_in_once_it_is_up(cluster, pg, clock):
    pg.dispose()
    cluster.stop()
    app = make_app(pg, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert await wait_until(pilot, lambda: "数据库不可用" in text(app.screen.query_one("#login-message", Static)),
                                15)
        message = text(app.screen.query_one("#login-message", Static))
        assert "重试" in message and PASSWORD not in message
        app.screen.query_one("#login-name", Input).value = "张保安"
        cluster.start()
        assert await wait_until(pilot, lambda: app.db_ready, 40), "never retried"
        assert app.screen.query_one("#login-name", Input).value == "张保安"
        await login(pilot, "张保安", "1111")
        assert not isinstance(app.screen, LoginScreen)


def test_cli_with_postgresql_down_prints_one_line_without_the_password(cluster, pg):
    pg.dispose()
    cluster.stop()
    env = dict(os.environ, WUYE_DB=cluster.url, WUYE_USER="张保安", WUYE_PIN="1111", WUYE_CONNECT_TIMEOUT="2")
    proc = subprocess.run([sys.executable, "-m", "wuye_tui.cli", "visitor", "onsite"], capture_output=True,
                          text=True, env=env, timeout=60)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "无法连接数据库" in out and "Traceback" not in out
    assert PASSWORD not in out
    assert len(proc.stderr.strip().splitlines()) == 1


def test_pg_lock_not_granted_is_bounded(cluster, pg, monkeypatch):
    """Another session holds the write lock: a write gives up after WUYE_LOCK_WAIT with
    "busy", never hangs."""
    import threading
    import time

    from sqlalchemy import text as sql

    from wuye_tui.db import PG_WRITE_LOCK
    from wuye_tui.storage_errors import translate

    monkeypatch.setenv("WUYE_LOCK_WAIT", "1")
    db = Database(cluster.url)
    held = threading.Event()
    done = threading.Event()

    def holder() -> None:
        with pg.engine.connect() as conn:
            conn.execute(sql("SELECT pg_advisory_lock(:k)"), {"k": PG_WRITE_LOCK})
            held.set()
            done.wait(20)
            conn.execute(sql("SELECT pg_advisory_unlock(:k)"), {"k": PG_WRITE_LOCK})
            conn.commit()

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(10)
        start = time.monotonic()
        with pytest.raises(Exception) as info:
            with db.write():
                pass
        took = time.monotonic() - start
        err = translate(info.value)
        assert err is not None and err.kind == "locked", info.value
        assert took < 5
    finally:
        done.set()
        t.join()
        db.dispose()


def test_db_check_on_postgresql_checks_constraints_and_the_audit_head(cluster, pg):
    from typer.testing import CliRunner

    from wuye_tui.cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["--db", cluster.url, "db", "check"])
    assert ok.exit_code == 0, ok.output
    assert "staff 3" in ok.output and PASSWORD not in ok.output
    with pg.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE audit SET after = 'tampered' WHERE id = (SELECT max(id) FROM audit)")
        table, name = conn.exec_driver_sql(
            "SELECT cl.relname, c.conname FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid"
            " WHERE c.contype = 'f' AND cl.relname = 'resident' LIMIT 1").one()
        conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
    bad = runner.invoke(app, ["--db", cluster.url, "db", "check"])
    assert bad.exit_code == 1
    assert "审计链最新一行" in bad.output and "resident" in bad.output and "外键" in bad.output


def test_init_and_settings_never_print_the_password(cluster, pg):
    from typer.testing import CliRunner

    from wuye_tui.cli import app

    runner = CliRunner()
    with pg.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    pg.dispose()
    made = runner.invoke(app, ["--db", cluster.url, "init", "--name", "王主管", "--pin", "1234"])
    assert made.exit_code == 0, made.output
    assert PASSWORD not in made.output and "wuye:***@" in made.output
    shown = runner.invoke(app, ["--db", cluster.url, "settings", "show"], env={"WUYE_USER": "王主管",
                                                                             "WUYE_PIN": "1234"})
    assert shown.exit_code == 0 and PASSWORD not in shown.output
