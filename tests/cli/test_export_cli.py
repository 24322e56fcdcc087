"""``wuye export``: every error is one clear line, exit 1, and nothing written."""

from __future__ import annotations

import csv
import os
import stat

import pytest
from typer.testing import CliRunner

from tests.conftest import add_staff
from wuye_tui.cli import app

SUP = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}
GUARD = {"WUYE_USER": "张保安", "WUYE_PIN": "1111"}


@pytest.fixture
def env(sqlite_db, tmp_path):
    add_staff(sqlite_db, "王主管", "supervisor", "1234")
    add_staff(sqlite_db, "张保安", "guard", "1111")
    out = tmp_path / "out"
    out.mkdir()
    return sqlite_db.url.removeprefix("sqlite:///"), out


def run(dbpath, args, who=SUP):
    return CliRunner().invoke(app, ["--db", dbpath, *args], env=who)


def one_line_error(result):
    assert result.exit_code == 1, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_export_audit_csv(env):
    dbpath, out = env
    r = run(dbpath, ["export", "audit", "--from", "2000-01-01", "--to", "2100-12-31", "--format", "csv",
                     "--out", str(out / "a.csv")])
    assert r.exit_code == 0, r.output
    assert "行" in r.output
    rows = list(csv.reader((out / "a.csv").open(encoding="utf-8-sig")))
    assert rows[0][:3] == ["编号", "时间", "员工"]
    assert rows[-1][3] == "export.run"
    assert stat.S_IMODE(os.stat(out / "a.csv").st_mode) == 0o600


def test_unknown_register(env):
    dbpath, out = env
    line = one_line_error(run(dbpath, ["export", "nosuch", "--from", "2026-03-01", "--to", "2026-03-02",
                                       "--out", str(out / "x.csv")]))
    assert "nosuch" in line and "audit" in line
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("a,b,field", [("2026-02-30", "2026-03-01", "from"), ("yesterday", "2026-03-01", "from"),
                                       ("2026-03-01", "3/1", "to"), ("2026-03-02", "2026-03-01", "to")])
def test_bad_dates(env, a, b, field):
    dbpath, out = env
    line = one_line_error(run(dbpath, ["export", "audit", "--from", a, "--to", b, "--out", str(out / "x.csv")]))
    assert field in line
    assert list(out.iterdir()) == []


def test_bad_format(env):
    dbpath, out = env
    line = one_line_error(run(dbpath, ["export", "audit", "--from", "2026-03-01", "--to", "2026-03-01",
                                       "--format", "pdf", "--out", str(out / "x.pdf")]))
    assert "csv" in line


def test_empty_range_writes_header_and_says_zero(env):
    dbpath, out = env
    r = run(dbpath, ["export", "escalations", "--from", "2001-01-01", "--to", "2001-01-31",
                     "--format", "csv", "--out", str(out / "e.csv")])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("已写入 0 行")
    assert len(list(csv.reader((out / "e.csv").open(encoding="utf-8-sig")))) == 1


def test_file_that_cannot_be_written(env):
    dbpath, out = env
    line = one_line_error(run(dbpath, ["export", "audit", "--from", "2026-03-01", "--to", "2026-03-01",
                                       "--out", str(out / "missing" / "x.csv")]))
    assert "无法写入" in line
    line = one_line_error(run(dbpath, ["export", "audit", "--from", "2026-03-01", "--to", "2026-03-01",
                                       "--out", str(out)]))
    assert "无法写入" in line
    assert list(out.iterdir()) == []


def test_guard_asking_for_supervisor_export(env):
    dbpath, out = env
    for reg, extra in (("audit", []), ("escalations", ["--reveal"])):
        line = one_line_error(run(dbpath, ["export", reg, "--from", "2026-03-01", "--to", "2026-03-01",
                                           "--out", str(out / "x.csv"), *extra], who=GUARD))
        assert "张保安" in line
    assert list(out.iterdir()) == []


def test_wrong_pin_writes_nothing(env):
    dbpath, out = env
    one_line_error(run(dbpath, ["export", "audit", "--from", "2026-03-01", "--to", "2026-03-01",
                                "--out", str(out / "x.csv")], who={"WUYE_USER": "王主管", "WUYE_PIN": "9999"}))
    assert list(out.iterdir()) == []


def test_english(env):
    dbpath, out = env
    r = CliRunner().invoke(app, ["--db", dbpath, "--lang", "en", "export", "audit", "--from", "2026-03-01",
                                 "--to", "2026-02-01", "--out", str(out / "x.csv")], env=SUP)
    assert r.exit_code == 1 and "The end date is before the start date" in r.output
