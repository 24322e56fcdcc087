"""The monthly table as a form: numbers as numbers, rates defined, one page."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from openpyxl import load_workbook

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.exports.reports import complaints as reports_monthly
from wuye_tui.exports.reports.common import Percent, to_markdown
from wuye_tui.services.complaints import stats as complaint_stats, intake as complaints


def _stats(make_ctx, clock):  # type: ignore[no-untyped-def]
    desk = make_ctx("front_desk")
    seed_roster(desk)
    for i in range(3):
        complaints.add_complaint(desk, **intake(description=f"楼道灯不亮 {i}"))
    sup = make_ctx("supervisor", "王主管")
    clock.set(datetime(2026, 4, 2, 1, 0, tzinfo=timezone.utc))
    return sup, complaint_stats.monthly(sup, 2026, 3)


def pdf_pages(path) -> int:  # type: ignore[no-untyped-def]
    return len(re.findall(rb"/Type /Page[^s]", path.read_bytes()))


def test_xlsx_numbers_percent_definitions_one_page(make_ctx, clock, tmp_path):
    sup, st = _stats(make_ctx, clock)
    out = tmp_path / "m.xlsx"
    reports_monthly.render(sup, st, "xlsx")(out)
    ws = load_workbook(out).worksheets[0]
    values = [c for row in ws.iter_rows() for c in row if c.value is not None]
    texts = [str(c.value) for c in values]
    assert not any(re.fullmatch(r"\d+(\.\d+)?%", t) for t in texts)  # no "99.2%" text
    pcts = [c for c in values if c.number_format == "0.0%"]
    assert pcts and all(isinstance(c.value, (int, float)) and c.data_type == "n" for c in pcts)
    total = next(c for c in values if c.value == "受理投诉及请求总数")
    assert ws.cell(total.row, total.column + 1).value == 3
    assert sum("有效投诉" in t for t in texts if not t.startswith("定义")) == 1  # the rate only
    assert sum(t.startswith("定义：") for t in texts) == 4
    assert any(t.startswith("制表：王主管") and "审核" in t and "日期：2026-04-02" in t for t in texts)
    ps = ws.page_setup
    assert ps.paperSize == 9 and ps.orientation == "landscape" and ps.fitToHeight in (None, 1)  # 1: the default
    assert ws.sheet_properties.pageSetUpPr.fitToPage


def test_stats_definitions_are_printed_under_their_rate(make_ctx, clock, tmp_path):
    sup, st = _stats(make_ctx, clock)
    st.definitions = {"satisfaction_rate": "满意 + 非常满意 ÷ 全部确认（统计口径 A）", "note_x": "另注：口径 B"}
    f = reports_monthly.form(sup, st)
    assert f.rate_definitions[1] == "满意 + 非常满意 ÷ 全部确认（统计口径 A）"
    assert f.rate_definitions[0].startswith("本月受理的投诉中")  # our own text where none is given
    assert any("口径 B" in n for n in f.notes)
    md = to_markdown(reports_monthly.build(sup, st))
    assert "统计口径 A" in md and "口径 B" in md
    assert isinstance(f.rates[0][3], (Percent, str))


def test_pdf_is_one_landscape_page(make_ctx, clock, tmp_path):
    sup, st = _stats(make_ctx, clock)
    out = tmp_path / "m.pdf"
    reports_monthly.render(sup, st, "pdf")(out)
    assert out.read_bytes().startswith(b"%PDF")
    assert pdf_pages(out) == 1
    assert b"/MediaBox [ 0 0 841.8898 595.2756 ]" in out.read_bytes()
