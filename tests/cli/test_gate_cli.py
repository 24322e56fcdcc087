"""Gate CLI: prereg add prints the code, visitor checkin/onsite/find/checkout, vehicles,
passes, slips, watch list, purge; errors are one line and exit 1."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.conftest import add_staff
from tests.services.conftest_gate import ID1, seed_roster
from wuye_tui.cli import app
from wuye_tui.cli.common import STATE
from wuye_tui.services.core.context import ServiceContext

GUARD = {"WUYE_USER": "张保安", "WUYE_PIN": "1111"}
DESK = {"WUYE_USER": "陈客服", "WUYE_PIN": "3333"}
SUP = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}


def run(db, env, *args):  # type: ignore[no-untyped-def]
    STATE._db = None
    result = CliRunner().invoke(app, ["--db", db.url, *args], env=env)
    STATE._db = None
    return result


def prepare(db, clock):  # type: ignore[no-untyped-def]
    add_staff(db, "张保安", "guard", "1111")
    add_staff(db, "王主管", "supervisor", "1234")
    desk = ServiceContext(db=db, actor=add_staff(db, "陈客服", "front_desk", "3333"), clock=clock)
    seed_roster(desk)


def test_prereg_checkin_onsite_find_checkout(sqlite_db, clock):
    prepare(sqlite_db, clock)
    r = run(sqlite_db, DESK, "prereg", "add", "--unit", "3栋2单元1202", "--name", "刘备", "--valid-hours", "24")
    assert r.exit_code == 0, r.output
    code = r.stdout.splitlines()[0].strip()
    assert len(code) == 6 and code.isdigit()
    r = run(sqlite_db, GUARD, "visitor", "checkin", "--code", code)
    assert r.exit_code == 0 and "刘备" in r.stdout
    r = run(sqlite_db, GUARD, "visitor", "checkin", "--name", "张三", "--id", ID1, "--unit", "5栋1单元0801",
            "--phone", "13800138000")
    assert r.exit_code == 0, r.output
    r = run(sqlite_db, GUARD, "visitor", "onsite")
    assert "刘备" in r.stdout and "110105********002X" in r.stdout and ID1 not in r.stdout
    r = run(sqlite_db, GUARD, "visitor", "find", "zs")
    assert "张三" in r.stdout
    r = run(sqlite_db, GUARD, "visitor", "checkout", "张三")
    assert r.exit_code == 0, r.output
    r = run(sqlite_db, GUARD, "visitor", "checkout", "2")
    assert r.exit_code == 1 and "已于" in r.stderr and len(r.stderr.strip().splitlines()) == 1


def test_bad_input_is_one_line(sqlite_db, clock):
    prepare(sqlite_db, clock)
    r = run(sqlite_db, DESK, "prereg", "add", "--unit", "火星", "--name", "刘备")
    assert r.exit_code == 1 and "unit" in r.stderr
    r = run(sqlite_db, DESK, "prereg", "add", "--unit", "3栋2单元1202", "--name", "刘备", "--valid-hours", "x")
    assert r.exit_code == 1 and "valid_hours" in r.stderr
    r = run(sqlite_db, GUARD, "visitor", "checkin", "--name", "张三", "--id", "123", "--unit", "3栋2单元1202")
    assert r.exit_code == 1 and "id_number" in r.stderr
    r = run(sqlite_db, GUARD, "purge", "--before", "2026-01-01")
    assert r.exit_code == 1


def test_vehicles_passes_slips_watch_purge(sqlite_db, clock):
    prepare(sqlite_db, clock)
    assert run(sqlite_db, GUARD, "vehicle", "in", "京A12345").exit_code == 0
    assert run(sqlite_db, GUARD, "vehicle", "out", "京A12345").exit_code == 0
    r = run(sqlite_db, GUARD, "vehicle", "in", "粤B54321", "--driver", "王师傅", "--phone", "13600001111",
            "--unit", "3栋2单元1202")
    assert r.exit_code == 0, r.output
    r = run(sqlite_db, DESK, "pass", "issue", "--unit", "3栋2单元1202", "--company", "好家装饰", "--foreman", "孙工",
            "--phone", "13800001111", "--from", "2026-01-01", "--to", "2030-12-31", "--workers", "2")
    assert r.exit_code == 1  # more than 180 days
    r = run(sqlite_db, DESK, "slip", "issue", "--unit", "3栋2单元1202", "--items", "冰箱x1", "--date", "2099-01-01")
    assert r.exit_code == 0
    number = r.stdout.strip()
    r = run(sqlite_db, GUARD, "slip", "use", number)
    assert r.exit_code == 1  # not valid today
    r = run(sqlite_db, SUP, "watch", "add", "--reason", "闹事", "--name", "王五")
    assert r.exit_code == 0
    assert "王五" in run(sqlite_db, SUP, "watch", "list").stdout
    assert run(sqlite_db, GUARD, "watch", "list").exit_code == 1  # guards see hits, not the list
    r = run(sqlite_db, SUP, "purge", "--before", "2026-01-01")
    assert r.exit_code == 0, r.output


def test_watch_add_checks_the_id_and_remove_needs_a_reason(tmp_path):
    runner = CliRunner()
    from wuye_tui.db import Database

    path = tmp_path / "w.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    add_staff(db, "王主管", "supervisor", "1234")
    db.dispose()
    env = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}
    bad = runner.invoke(app, ["--db", str(path), "watch", "add", "--reason", "闹事", "--id", "110105194912310021"],
                        env=env)
    assert bad.exit_code == 1 and "id_number" in bad.output
    ok = runner.invoke(app, ["--db", str(path), "watch", "add", "--reason", "闹事", "--name", "王五",
                             "--id", ID1], env=env)
    assert ok.exit_code == 0, ok.output
    entry = ok.output.strip()
    listed = runner.invoke(app, ["--db", str(path), "watch", "list"], env=env)
    assert "王五" in listed.output and ID1 not in listed.output
    no_reason = runner.invoke(app, ["--db", str(path), "watch", "remove", entry, "--reason", " "], env=env)
    assert no_reason.exit_code == 1
    gone = runner.invoke(app, ["--db", str(path), "watch", "remove", entry, "--reason", "已核实"], env=env)
    assert gone.exit_code == 0, gone.output
    assert "王五" not in runner.invoke(app, ["--db", str(path), "watch", "list"], env=env).output
