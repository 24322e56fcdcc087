"""``wuye report monthly|handover|patrol``: the 客户月投诉统计表 against a hand count."""

from __future__ import annotations

import csv
import os
import stat

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from tests.conftest import add_staff
from wuye_tui.cli import app
from wuye_tui.services.core.context import ServiceContext

SUP = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}
GUARD = {"WUYE_USER": "张保安", "WUYE_PIN": "1111"}

pytest.importorskip("wuye_tui.services.complaints.stats")


@pytest.fixture
def site(sqlite_db, clock, tmp_path):
    from tests.services.conftest_complaints import intake, seed_roster
    from wuye_tui.services.complaints import intake as complaints

    sup = add_staff(sqlite_db, "王主管", "supervisor", "1234")
    add_staff(sqlite_db, "张保安", "guard", "1111")
    desk = ServiceContext(db=sqlite_db, actor=add_staff(sqlite_db, "陈客服", "front_desk"), clock=clock)
    seed_roster(ServiceContext(db=sqlite_db, actor=sup, clock=clock))
    complaints.add_complaint(desk, **intake())
    complaints.add_complaint(desk, **intake())
    complaints.add_complaint(desk, **intake(caller="李娜", unit="1栋1单元102", phone="13800138002",
                                            channel="2", category="环境卫生及绿化", cause="4", description="垃圾未清"))
    out = tmp_path / "out"
    out.mkdir()
    return sqlite_db.url.removeprefix("sqlite:///"), out


def run(dbpath, args, who=SUP):
    return CliRunner().invoke(app, ["--db", dbpath, *args], env=who)


def test_monthly_markdown_matches_hand_count(site):
    dbpath, _out = site
    r = run(dbpath, ["report", "monthly", "--month", "2026-03"])
    assert r.exit_code == 0, r.output
    md = r.output
    assert md.startswith("# 客户月投诉统计表")
    assert "| 受理投诉及请求总数 | 3 | 100.0% |" in md
    assert "| 环境卫生及绿化 | 1 | 33.3% |" in md
    assert "有效投诉率" in md and "< 1%" in md


def test_monthly_csv_and_xlsx_read_back(site):
    dbpath, out = site
    r = run(dbpath, ["report", "monthly", "--month", "2026-03", "--format", "csv", "--out", str(out / "m.csv")])
    assert r.exit_code == 0, r.output
    assert stat.S_IMODE(os.stat(out / "m.csv").st_mode) == 0o600
    rows = list(csv.reader((out / "m.csv").open(encoding="utf-8-sig")))
    assert rows[0] == ["客户月投诉统计表"]
    assert ["受理投诉及请求总数", "3", "100.0%"] in rows
    r = run(dbpath, ["report", "monthly", "--month", "2026-03", "--format", "xlsx", "--out", str(out / "m.xlsx")])
    assert r.exit_code == 0, r.output
    cells = [row for row in load_workbook(out / "m.xlsx").worksheets[0].iter_rows(values_only=True)]
    assert cells[0][0] == "客户月投诉统计表"
    assert ("受理投诉及请求总数", 3, 1) == cells[[c[0] for c in cells].index("受理投诉及请求总数")][:3]  # 100 % as a number


def test_monthly_empty_month(site):
    dbpath, _out = site
    r = run(dbpath, ["report", "monthly", "--month", "2025-01"])
    assert r.exit_code == 0, r.output
    assert "| 受理投诉及请求总数 | 0 | - |" in r.output


@pytest.mark.parametrize("args,word", [
    (["--month", "2026-13"], "month"),
    (["--month", "March"], "month"),
    (["--month", "2026-03", "--format", "docx"], "format"),
    (["--month", "2026-03", "--format", "pdf"], "out"),
    (["--month", "2026-03", "--format", "xlsx"], "out"),
])
def test_monthly_bad_input(site, args, word):
    dbpath, out = site
    r = run(dbpath, ["report", "monthly", *args])
    assert r.exit_code == 1 and word in r.output and len(r.output.strip().splitlines()) == 1
    assert list(out.iterdir()) == []


def test_monthly_needs_a_supervisor(site):
    dbpath, out = site
    r = run(dbpath, ["report", "monthly", "--month", "2026-03", "--format", "csv", "--out", str(out / "m.csv")],
            who=GUARD)
    assert r.exit_code == 1 and "张保安" in r.output and len(r.output.strip().splitlines()) == 1
    assert list(out.iterdir()) == []


def test_monthly_unwritable_file(site):
    dbpath, out = site
    r = run(dbpath, ["report", "monthly", "--month", "2026-03", "--format", "csv",
                     "--out", str(out / "nope" / "m.csv")])
    assert r.exit_code == 1 and "无法写入" in r.output


def test_patrol_bad_range(site):
    dbpath, _out = site
    r = run(dbpath, ["report", "patrol", "--from", "2026-03-02", "--to", "2026-03-01"])
    assert r.exit_code == 1 and "结束日期早于开始日期" in r.output
    r = run(dbpath, ["report", "handover", "--date", "2026-02-30"])
    assert r.exit_code == 1 and "date" in r.output


def test_handover_and_patrol_reports(site):
    pytest.importorskip("wuye_tui.services.guard.reports")
    dbpath, out = site
    r = run(dbpath, ["report", "handover", "--date", "2026-03-01"])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("# 交接班报表") and "## 班次" in r.output
    assert "审计链检查点：第 " in r.output  # the chain head, printed outside the DB (under the title)
    r = run(dbpath, ["report", "patrol", "--from", "2026-03-01", "--to", "2026-03-01", "--out", str(out / "p.md")])
    assert r.exit_code == 0, r.output
    text = (out / "p.md").read_text(encoding="utf-8")
    assert text.startswith("# 巡逻覆盖报表") and "## 合计" in text
    r = run(dbpath, ["report", "patrol", "--from", "2026-03-01", "--to", "2026-03-01"], who=GUARD)
    assert r.exit_code == 1 and "张保安" in r.output
