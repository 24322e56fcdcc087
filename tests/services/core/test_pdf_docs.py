"""The handover record and a day's visitor page as PDF."""

from __future__ import annotations

import re
from datetime import date

from tests.services.conftest_gate import gate_site, visitor  # noqa: F401
from wuye_tui.exports import pdf_docs, visitor_page
from wuye_tui.exports.reports import guard as reports_guard
from wuye_tui.services.gate import visits as gate_visits


def pages(path) -> int:  # type: ignore[no-untyped-def]
    return len(re.findall(rb"/Type /Page[^s]", path.read_bytes()))


def test_visitor_day_page(gate_site, tmp_path):  # noqa: F811
    for _i in range(3):  # the same visitor three times that day (one visit at a time)
        v = gate_visits.check_in(gate_site.guard, visitor())
        gate_visits.check_out(gate_site.guard, v.id)
    out = tmp_path / "v.pdf"
    n, path = visitor_page.write(gate_site.sup, date(2026, 3, 2), out)  # names and IDs: supervisors
    assert n == 3 and path == out and pages(out) == 1
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and b"STSong-Light" in data and b"/MediaBox [ 0 0 841.8898 595.2756 ]" in data


def test_handover_record(make_ctx, tmp_path):
    sup = make_ctx("supervisor")
    out = tmp_path / "h.pdf"
    n = pdf_docs.handover_pdf(reports_guard.handover_report(sup, date(2026, 3, 1)), out)
    assert n >= 1 and pages(out) == n  # a day of missed rounds runs onto a second page
