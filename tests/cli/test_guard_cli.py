"""Guard post CLI: duty log, keys, patrol missed/coverage, handover report, errors."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.conftest import add_staff
from wuye_tui.cli import app

GUARD = {"WUYE_USER": "张保安", "WUYE_PIN": "1111"}
SUP = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}


def run(db, env, *args):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["--db", db.url, *args], env=env)


def test_dutylog_and_keys(sqlite_db):
    add_staff(sqlite_db, "张保安", "guard", "1111")
    add_staff(sqlite_db, "王主管", "supervisor", "1234")  # authorises the loan
    out = run(sqlite_db, GUARD, "dutylog", "add", "--post", "main_gate", "--type", "security",
              "--severity", "warning", "--incident", "东门有可疑人员徘徊")
    assert out.exit_code == 0, out.output
    assert "#1" in out.output
    out = run(sqlite_db, GUARD, "dutylog", "add", "--type", "party", "x")
    assert out.exit_code == 1 and "未知记录类型" in out.output
    out = run(sqlite_db, GUARD, "dutylog", "list", "--open")
    assert "可疑人员" in out.output
    out = run(sqlite_db, GUARD, "dutylog", "close", "1", "--note", "已劝离")
    assert out.exit_code == 0, out.output
    assert run(sqlite_db, GUARD, "key", "add", "R-PUMP", "--label", "水泵房").exit_code == 0
    out = run(sqlite_db, GUARD, "key", "lend", "R-PUMP", "--to", "小刘", "--purpose", "inspection",
              "--authorised-by", "王主管")
    assert out.exit_code == 0, out.output
    out = run(sqlite_db, GUARD, "key", "list", "--out")
    assert "R-PUMP" in out.output and "小刘" in out.output
    out = run(sqlite_db, GUARD, "key", "lend", "R-PUMP", "--to", "别人", "--purpose", "inspection",
              "--authorised-by", "王主管")
    assert out.exit_code == 1 and "已借出" in out.output
    assert run(sqlite_db, GUARD, "key", "return", "R-PUMP").exit_code == 0


def test_reports_need_a_supervisor(sqlite_db):
    add_staff(sqlite_db, "张保安", "guard", "1111")
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    out = run(sqlite_db, SUP, "handover", "show", "--date", "2026-03-01")
    assert out.exit_code == 0, out.output
    assert "早班" in out.output and "本班没有签字的交接" in out.output
    out = run(sqlite_db, SUP, "handover", "show", "--date", "2026-03-01", "--shift", "night", "--json")
    assert out.exit_code == 0 and '"night"' in out.output
    out = run(sqlite_db, GUARD, "handover", "show", "--date", "2026-03-01")
    assert out.exit_code == 1
    out = run(sqlite_db, SUP, "handover", "show", "--date", "2026-13-01")
    assert out.exit_code == 1 and "date" in out.output
    out = run(sqlite_db, GUARD, "patrol", "missed", "--date", "2026-03-01")
    assert out.exit_code == 0 and "周界巡逻" in out.output
    out = run(sqlite_db, SUP, "patrol", "coverage", "--from", "2026-03-01", "--to", "2026-03-01")
    assert out.exit_code == 0 and "地下车库" in out.output


def test_export_registers_stream_rows(sqlite_db, clock):
    from datetime import timedelta

    from wuye_tui.exports.registers import load_registers
    from wuye_tui.services.guard import dutylog, keys
    from wuye_tui.services.core.context import ServiceContext

    g = add_staff(sqlite_db, "张保安", "guard", "1111")
    add_staff(sqlite_db, "王主管", "supervisor", "1234")  # authorises the loan
    ctx = ServiceContext(db=sqlite_db, actor=g, clock=clock)
    dutylog.add_entry(ctx, "main_gate", "security", "info", "正常")
    keys.add_key(ctx, "R-PUMP", label="水泵房")
    keys.lend_key(ctx, "R-PUMP", "小刘", "inspection", "王主管", phone="13812345678")
    regs = load_registers()
    start, end = clock.now() - timedelta(days=1), clock.now() + timedelta(days=1)
    for name in ("duty-log", "patrols", "handovers", "keys"):
        reg = regs[name]
        for row in reg.rows(ctx, start, end, False):
            assert len(row) == len(reg.columns)
    [key_row] = list(regs["keys"].rows(ctx, start, end, False))
    assert key_row[6] == "138****5678"
    assert list(regs["keys"].rows(ctx, start, end, True))[0][6] == "13812345678"


def test_roster_set_and_show(sqlite_db):
    add_staff(sqlite_db, "张保安", "guard", "1111")
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    out = run(sqlite_db, SUP, "roster", "set", "--date", "2026-03-02", "--shift", "morning", "--guard", "张保安")
    assert out.exit_code == 0, out.output
    out = run(sqlite_db, SUP, "roster", "show", "--date", "2026-03-02")
    assert out.exit_code == 0 and "张保安" in out.output and "早班" in out.output and "正门岗" in out.output
    out = run(sqlite_db, SUP, "roster", "set", "--date", "2026-03-02", "--shift", "noon", "--guard", "张保安")
    assert out.exit_code != 0 and "Traceback" not in out.output and len(out.output.strip().splitlines()) == 1
    out = run(sqlite_db, GUARD, "roster", "set", "--date", "2026-03-02", "--shift", "morning", "--guard", "张保安")
    assert out.exit_code != 0
