"""The exporter: permissions, reveal audited, private files, empty ranges, bad targets."""

from __future__ import annotations

import csv
import json
import os
import stat
from datetime import date

import pytest

from wuye_tui.errors import NotFound, PermissionDenied, ValidationError, WuyeError
from wuye_tui.exports.exporter import export
from wuye_tui.exports.writers import display_width
from wuye_tui.services.core import escalation


@pytest.fixture
def outdir(tmp_path):
    d = tmp_path / "out"
    d.mkdir()
    return d


def _audit_actions(ctx):
    from sqlalchemy import select

    from wuye_tui.models import AuditEntry

    with ctx.db.read() as s:
        return list(s.execute(select(AuditEntry.action).order_by(AuditEntry.id)).scalars())


def test_display_width_counts_chinese_as_two():
    assert display_width("abc") == 3
    assert display_width("张三") == 4
    assert display_width("3栋2单元") == 8
    assert display_width("（）") == 4


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_escalations_each_format(make_ctx, outdir, fmt):
    sup = make_ctx("supervisor")
    escalation.raise_escalation(sup, "elevator_entrapment", "3栋电梯困人", "两人被困")
    out = outdir / f"esc.{fmt}"
    result = export(sup, "escalations", date(2026, 3, 2), date(2026, 3, 2), fmt, out)
    assert result.rows == 1
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    if fmt == "csv":
        rows = list(csv.reader(out.open(encoding="utf-8-sig")))
        assert rows[0][0] == "编号" and rows[1][5] == "3栋电梯困人"
        assert rows[1][1] == "2026-03-02 09:00:00"  # Shanghai time
    elif fmt == "json":
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data[0]["title"] == "3栋电梯困人" and data[0]["raised_at"].startswith("2026-03-02T09:00:00+08:00")
    else:
        from openpyxl import load_workbook

        ws = load_workbook(out, read_only=True).worksheets[0]
        rows = list(ws.iter_rows(values_only=True))
        assert rows[0][0].startswith("重大事件登记表")
        assert rows[2][5] == "3栋电梯困人"
        assert rows[2][1].strftime("%Y-%m-%d %H:%M") == "2026-03-02 09:00"


def test_guard_may_not_export_supervisor_register(make_ctx, outdir):
    guard = make_ctx("guard")
    out = outdir / "a.csv"
    with pytest.raises(PermissionDenied):
        export(guard, "audit", date(2026, 3, 1), date(2026, 3, 2), "csv", out)
    assert not out.exists() and list(outdir.iterdir()) == []


def test_reveal_needs_supervisor_and_is_audited(make_ctx, outdir):
    sup = make_ctx("supervisor")
    export(sup, "escalations", date(2026, 3, 1), date(2026, 3, 2), "csv", outdir / "r.csv", reveal=True)
    assert _audit_actions(sup)[-1] == "export.reveal"
    export(sup, "escalations", date(2026, 3, 1), date(2026, 3, 2), "csv", outdir / "n.csv")
    assert _audit_actions(sup)[-1] == "export.run"


def test_empty_range_writes_header_only(make_ctx, outdir):
    sup = make_ctx("supervisor")
    escalation.raise_escalation(sup, "fire", "2栋烟雾")
    out = outdir / "empty.csv"
    result = export(sup, "escalations", date(2025, 1, 1), date(2025, 1, 31), "csv", out)
    assert result.rows == 0
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert len(rows) == 1 and rows[0][0] == "编号"
    out = outdir / "empty.json"
    export(sup, "escalations", date(2025, 1, 1), date(2025, 1, 31), "json", out)
    assert json.loads(out.read_text(encoding="utf-8")) == []


def test_bad_input_writes_nothing(make_ctx, outdir):
    sup = make_ctx("supervisor")
    before = len(_audit_actions(sup))
    with pytest.raises(NotFound):
        export(sup, "nosuch", date(2026, 3, 1), date(2026, 3, 2), "csv", outdir / "x.csv")
    with pytest.raises(ValidationError) as e:
        export(sup, "audit", date(2026, 3, 2), date(2026, 3, 1), "csv", outdir / "x.csv")
    assert e.value.field == "to"
    with pytest.raises(ValidationError) as e:
        export(sup, "audit", date(2026, 3, 1), date(2026, 3, 2), "pdf", outdir / "x.csv")
    assert e.value.field == "format"
    with pytest.raises(WuyeError, match="文件夹不存在"):
        export(sup, "audit", date(2026, 3, 1), date(2026, 3, 2), "csv", outdir / "no" / "x.csv")
    with pytest.raises(WuyeError, match="文件夹"):
        export(sup, "audit", date(2026, 3, 1), date(2026, 3, 2), "csv", outdir)
    assert list(outdir.iterdir()) == []
    assert len(_audit_actions(sup)) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_folder(make_ctx, outdir):
    sup = make_ctx("supervisor")
    ro = outdir / "ro"
    ro.mkdir(mode=0o500)
    with pytest.raises(WuyeError, match="没有权限"):
        export(sup, "audit", date(2026, 3, 1), date(2026, 3, 2), "csv", ro / "x.csv")


def test_existing_file_is_replaced_whole_and_private(make_ctx, outdir):
    sup = make_ctx("supervisor")
    out = outdir / "a.csv"
    out.write_text("old content that is long " * 100)
    os.chmod(out, 0o644)
    export(sup, "audit", date(2026, 3, 1), date(2026, 3, 2), "csv", out)
    assert "old content" not in out.read_text(encoding="utf-8-sig")
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert [p.name for p in outdir.iterdir()] == ["a.csv"]


def test_progress_is_reported(make_ctx, outdir):
    sup = make_ctx("supervisor")
    for i in range(3):
        escalation.raise_escalation(sup, "fire", f"烟雾{i}")
    seen = []
    export(sup, "escalations", date(2026, 3, 1), date(2026, 3, 2), "xlsx", outdir / "p.xlsx", progress=seen.append)
    assert seen[-1] == 3


@pytest.mark.parametrize("register", ["visitors", "vehicles", "passes", "refusals", "watch-list"])
@pytest.mark.parametrize("role", ["guard", "front_desk"])
def test_registers_with_names_and_ids_are_for_supervisors_and_managers(make_ctx, outdir, register, role):
    with pytest.raises(PermissionDenied):
        export(make_ctx(role), register, date(2026, 3, 1), date(2026, 3, 2), "csv", outdir / f"{register}.csv")
    assert not (outdir / f"{register}.csv").exists()
