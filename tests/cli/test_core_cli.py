"""The core CLI with Typer's runner: init, staff, residents import, db, audit."""

from __future__ import annotations

import csv

import pytest
from typer.testing import CliRunner

from wuye_tui.cli import app

runner = CliRunner()


@pytest.fixture
def dbfile(tmp_path):
    path = tmp_path / "cli.db"
    result = runner.invoke(app, ["--db", str(path), "init", "--name", "王主管", "--pin", "1234"])
    assert result.exit_code == 0, result.output
    return str(path)


def run(dbfile, *args, user="王主管", pin="1234", **kw):
    env = {"WUYE_USER": user, "WUYE_PIN": pin}
    return runner.invoke(app, ["--db", dbfile, *args], env=env, **kw)


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("wuye ")


def test_init_twice_refused(dbfile):
    result = runner.invoke(app, ["--db", dbfile, "init", "--name", "李四", "--pin", "1234"])
    assert result.exit_code == 1
    assert "已有员工" in result.output


def test_staff_add_list_and_guard_refused(dbfile):
    assert run(dbfile, "staff", "add", "张保安", "--role", "guard", "--pin", "1111").exit_code == 0
    listed = run(dbfile, "staff", "list")
    assert listed.exit_code == 0 and "张保安" in listed.output and "门岗" in listed.output
    refused = run(dbfile, "staff", "add", "李四", "--role", "guard", "--pin", "1111", user="张保安", pin="1111")
    assert refused.exit_code == 1
    assert "无权" in refused.output and "Traceback" not in refused.output
    assert "李四" not in run(dbfile, "staff", "list").output


def test_wrong_pin_is_one_line(dbfile):
    result = run(dbfile, "staff", "list", pin="9999")
    assert result.exit_code == 1
    assert "PIN 错误" in result.output and "Traceback" not in result.output


def test_english_messages(dbfile):
    result = runner.invoke(app, ["--db", dbfile, "--lang", "en", "staff", "list"],
                           env={"WUYE_USER": "王主管", "WUYE_PIN": "0000"})
    assert result.exit_code == 1 and "Wrong PIN" in result.output


def test_bad_role_is_a_field_error(dbfile):
    result = run(dbfile, "staff", "add", "李四", "--role", "janitor", "--pin", "1111")
    assert result.exit_code == 1 and "role" in result.output


def _write_csv(path, rows, encoding="utf-8-sig"):
    with open(path, "w", newline="", encoding=encoding) as f:
        w = csv.writer(f)
        w.writerow(["楼栋", "单元", "房号", "姓名", "电话", "车牌"])
        w.writerows(rows)


def test_residents_import_bad_row_imports_nothing(dbfile, tmp_path):
    path = tmp_path / "r.csv"
    _write_csv(path, [["3", "2", "1202", "刘德明", "13812345678", "粤B12345"],
                      ["3", "2", "1203", "欧阳娜娜", "12345", ""],
                      ["5", "1", "301", "张伟", "0755-12345678", ""]])
    result = run(dbfile, "residents", "import", str(path))
    assert result.exit_code == 1
    assert "第 3 行" in result.output and "电话" in result.output
    found = run(dbfile, "residents", "find", "3栋")
    assert found.output.strip() == ""
    skipped = run(dbfile, "residents", "import", str(path), "--skip-bad")
    assert skipped.exit_code == 0 and "2" in skipped.output
    found = run(dbfile, "residents", "find", "ldm")
    assert "3栋2单元1202" in found.output and "刘德明" in found.output


def test_residents_import_gb18030_and_xlsx(dbfile, tmp_path):
    path = tmp_path / "gbk.csv"
    _write_csv(path, [["1", "1", "101", "王芳", "13912345678", ""]], encoding="gb18030")
    assert run(dbfile, "residents", "import", str(path)).exit_code == 0
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["楼栋", "单元", "房号", "姓名", "电话", "车牌"])
    ws.append(["2", "1", "502", "李强", "13712345678", "粤A1234D，京A12345"])
    xlsx = tmp_path / "r.xlsx"
    wb.save(xlsx)
    result = run(dbfile, "residents", "import", str(xlsx))
    assert result.exit_code == 0, result.output
    assert "2栋1单元502" in run(dbfile, "residents", "find", "李强").output


def test_missing_file_is_a_clear_error(dbfile, tmp_path):
    result = run(dbfile, "residents", "import", str(tmp_path / "nope.csv"))
    assert result.exit_code == 1 and "找不到文件" in result.output


def test_db_check_backup_and_audit_verify(dbfile, tmp_path):
    run(dbfile, "staff", "add", "张保安", "--role", "guard", "--pin", "1111")
    assert runner.invoke(app, ["--db", dbfile, "db", "check"]).exit_code == 0
    backup = tmp_path / "b.db"
    refused = runner.invoke(app, ["--db", dbfile, "db", "backup", str(backup)])  # no PIN: refused
    assert refused.exit_code == 1 and not backup.exists()
    guard = run(dbfile, "db", "backup", str(backup), user="张保安", pin="1111")
    assert guard.exit_code == 1 and not backup.exists()
    result = run(dbfile, "db", "backup", str(backup))
    assert result.exit_code == 0 and backup.exists()
    assert (backup.stat().st_mode & 0o777) == 0o600
    ok = runner.invoke(app, ["--db", str(backup), "audit", "verify"])
    assert ok.exit_code == 0 and "完好" in ok.output
    import sqlite3

    con = sqlite3.connect(dbfile)
    con.execute("UPDATE audit SET after = replace(after, 'guard', 'manager') WHERE action = 'staff.add'")
    bad_id = con.execute("SELECT id FROM audit WHERE action = 'staff.add'").fetchone()[0]
    con.commit()
    con.close()
    broken = runner.invoke(app, ["--db", dbfile, "audit", "verify"])
    assert broken.exit_code == 1 and f"第 {bad_id} 行" in broken.output


def test_no_user_given(dbfile):
    result = runner.invoke(app, ["--db", dbfile, "staff", "list"], env={"WUYE_USER": "", "WUYE_PIN": ""})
    assert result.exit_code == 1 and "--as" in result.output


def test_bad_language():
    result = runner.invoke(app, ["--lang", "fr", "--version"])
    assert result.exit_code == 0  # --version is eager
    result = runner.invoke(app, ["--lang", "fr", "db", "check"])
    assert result.exit_code == 2


def test_settings_show_and_set(dbfile):
    assert run(dbfile, "staff", "add", "李经理", "--role", "manager", "--pin", "8888").exit_code == 1
    shown = run(dbfile, "settings", "show")
    assert shown.exit_code == 0 and "idle_lock_minutes\t5" in shown.output
    assert run(dbfile, "settings", "set", "idle_lock_minutes", "10").exit_code == 0
    assert "idle_lock_minutes\t10" in run(dbfile, "settings", "show").output
    bad = run(dbfile, "settings", "set", "idle_lock_minutes", "abc")
    assert bad.exit_code == 1 and "整数" in bad.output
    refused = run(dbfile, "settings", "set", "notify_command", "echo hi")
    assert refused.exit_code == 1 and "无权" in refused.output
