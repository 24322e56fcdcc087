"""Every register, exported, read back by an independent reader: CSV with Python's csv
module (utf-8-sig), XLSX with openpyxl, JSON with json. Chinese text, dates (in the
site's zone) and counts are compared with the database: with direct SQL counts for the
core registers and with the register's own rows for every register that exists.
"""

from __future__ import annotations

import csv
import json
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from wuye_tui.exports.exporter import day_range, export
from wuye_tui.exports.registers import load_registers
from wuye_tui.i18n import _

SH = ZoneInfo("Asia/Shanghai")
CJK = re.compile(r"[\u4e00-\u9fff]")
START, END = date(2026, 2, 20), date(2026, 3, 2)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A small demo site (every area's demo module present) plus core writes with Chinese."""
    from wuye_tui.clock import FixedClock
    from wuye_tui.db import Database
    from wuye_tui.demo import build_demo
    from wuye_tui.services.core import escalation
    from wuye_tui.services.core.context import ServiceContext

    path = tmp_path_factory.mktemp("readback") / "site.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    demo = build_demo(db, households=40, days=10, clock=clock)
    sup = demo.as_role("supervisor")
    for i, (hours, title) in enumerate(((30, "3栋电梯困人，两人被困"), (400, "地下车库漏水"), (2, "配电房跳闸"))):
        clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc) - timedelta(hours=hours))
        esc = escalation.raise_escalation(sup, ("elevator_entrapment", "flooding", "power_cut")[i], title, "现场：“详情”，含逗号,和换行\n第二行")
        if i == 0:
            escalation.acknowledge(sup, esc.id, "已到场")  # type: ignore[arg-type]
    clock.set(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    from wuye_tui.services.gate import passes as gate_passes

    gate_passes.issue_permit(sup, demo.unit_codes[0], "美家装饰（深圳）有限公司", "欧阳建国", "13812345678",
                             "2026-03-02", "2026-03-20", 2, ["张伟", "李强"])
    # a refused pass check and a slip used twice: rows for the pass-checks and slip-uses registers
    from wuye_tui.errors import WuyeError
    from wuye_tui.services.gate import slips as gate_slips

    guard = demo.as_role("guard")
    try:
        gate_passes.check_pass(guard, "ZZ-999999")
    except WuyeError:
        pass
    slip = gate_slips.issue_slip(sup, demo.unit_codes[1], "冰箱x1，纸箱x2", "搬家")
    gate_slips.use_slip(guard, slip.id)
    try:
        gate_slips.use_slip(guard, slip.id)
    except WuyeError:
        pass
    yield ServiceContext(db=db, actor=sup.actor, clock=clock)
    db.dispose()


def expected_text(value, kind):  # type: ignore[no-untyped-def]
    """The reader's own idea of a cell as text (not the writer's code)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(SH).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def ctx_for(site, reg):  # type: ignore[no-untyped-def]
    return site


REGISTERS = sorted(load_registers())


def _plain(cell: str) -> str:
    """A CSV cell as written before it was made spreadsheet-safe: one leading tab (keeps digit
    strings text) or apostrophe (defuses a formula) is the writer's, as the README says."""
    return cell[1:] if cell[:1] in ("\t", "'") else cell


@pytest.mark.parametrize("name", REGISTERS)
def test_register_reads_back(site, tmp_path, name):
    reg = load_registers()[name]
    ctx = site
    s_utc, e_utc = day_range(ctx, START, END)
    expected = list(reg.rows(ctx, s_utc, e_utc, False))
    assert expected, f"{name}: no rows in the range, so reading it back would prove nothing"
    heads = [_(c.header) for c in reg.columns]

    # CSV
    out = tmp_path / f"{name}.csv"
    res = export(ctx, name, START, END, "csv", out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = [[_plain(c) for c in r] for r in csv.reader(fh)]
    assert rows[0] == heads
    body = rows[1:]
    # an audit export adds its own audit row (in range) before reading: allow exactly that
    extra = 1 if name == "audit" else 0
    assert len(body) == len(expected) + extra == res.rows
    for got, want in zip(body, expected):
        assert got == [expected_text(v, c.kind) for v, c in zip(want, reg.columns)]

    # XLSX
    out = tmp_path / f"{name}.xlsx"
    res = export(ctx, name, START, END, "xlsx", out)
    wb = load_workbook(out, read_only=True)
    ws = wb.worksheets[0]
    xrows = list(ws.iter_rows(values_only=True))
    assert xrows[0][0].startswith(_(reg.title))
    assert list(xrows[1]) == heads
    xbody = xrows[2:]
    assert len(xbody) == len(expected) + 2 * extra == res.rows
    for got, want in zip(xbody, expected):
        for g, v, col in zip(got, want, reg.columns):
            if v is None or v == "":
                assert g in (None, ""), (col.key, g)
            elif isinstance(v, datetime):
                assert isinstance(g, datetime), (col.key, g)
                local = v.astimezone(SH).replace(tzinfo=None)
                assert abs((g - local).total_seconds()) < 1, (col.key, g, local)
            elif isinstance(v, date):
                assert g.date() == v if isinstance(g, datetime) else g == v
            elif isinstance(v, bool):
                assert g == ("是" if v else "否")
            elif isinstance(v, (int, float)):
                assert g == v
            else:
                assert g == str(v), (col.key, g, v)
    wb.close()

    # JSON
    out = tmp_path / f"{name}.json"
    export(ctx, name, START, END, "json", out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert len(data) == len(expected) + 3 * extra
    assert all(list(obj) == [c.key for c in reg.columns] for obj in data)

    if expected:
        assert any(isinstance(v, str) and CJK.search(v) for row in expected for v in row), \
            f"{name}: no Chinese text read back"


def test_core_counts_and_text_match_the_database(site, tmp_path):
    from wuye_tui.models import AuditEntry, Escalation

    ctx = site
    s_utc, e_utc = day_range(ctx, START, END)
    with ctx.db.read() as s:
        n_esc = s.execute(select(func.count()).select_from(Escalation)
                          .where(Escalation.raised_at >= s_utc, Escalation.raised_at < e_utc)).scalar()
        titles = set(s.execute(select(Escalation.title)
                               .where(Escalation.raised_at >= s_utc, Escalation.raised_at < e_utc)).scalars())
    out = tmp_path / "esc.csv"
    export(ctx, "escalations", START, END, "csv", out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == n_esc >= 2
    assert {r[_("Title")] for r in rows} == titles
    assert "3栋电梯困人，两人被困" in titles and "地下车库漏水" not in titles  # 400 h ago is out of range
    lift = next(r for r in rows if r[_("Title")].startswith("3栋电梯"))
    assert lift[_("Raised at")] == "2026-03-01 03:00:00"  # 2026-02-28 19:00 UTC -> Shanghai
    assert lift[_("Detail")].endswith("含逗号,和换行\n第二行")
    assert lift[_("Acknowledged by")] == ctx.actor.name

    out = tmp_path / "esc.xlsx"
    export(ctx, "escalations", START, END, "xlsx", out)
    ws = load_workbook(out, read_only=True).worksheets[0]
    xrows = list(ws.iter_rows(values_only=True))[2:]
    assert len(xrows) == n_esc
    assert {r[5] for r in xrows} == titles
    assert datetime(2026, 3, 1, 3, 0) in {r[1] for r in xrows}

    with ctx.db.read() as s:
        n_audit = s.execute(select(func.count()).select_from(AuditEntry)
                            .where(AuditEntry.at >= s_utc, AuditEntry.at < e_utc)).scalar()
    out = tmp_path / "audit.csv"
    export(ctx, "audit", START, END, "csv", out)
    with out.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))[1:]
    assert len(rows) == n_audit + 1  # plus the export's own audit row
