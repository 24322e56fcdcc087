"""No raw code where a person reads: every register's export and every report of a demo
site is scanned for the codes of data/*.toml and of the status enums."""

from __future__ import annotations

import csv
import re
from datetime import date, timedelta

import pytest

from wuye_tui.clock import FixedClock
from wuye_tui.exports.exporter import export
from wuye_tui.exports.labels import STATUS_LABELS
from wuye_tui.exports.registers import load_registers
from wuye_tui.i18n import set_language
from wuye_tui.reference import load_reference
from wuye_tui.services.complaints.common import EVENT_LABELS, STATUSES
from wuye_tui.services.core.context import ServiceContext

from datetime import datetime, timezone

NOW = datetime(2026, 3, 2, 4, 0, tzinfo=timezone.utc)
# The audit trail is the technical record (actions, entities and before/after as stored).
SKIP_REGISTERS = {"audit"}
TOKEN = re.compile(r"[a-z][a-z0-9_]*[a-z0-9]")


def known_codes() -> set[str]:
    ref = load_reference()
    codes: set[str] = set()
    for name, entries in ref._index.items():
        if name == "tag":
            continue
        codes |= {c for c in entries if c and TOKEN.fullmatch(c)}
    codes |= set(STATUSES) | set(EVENT_LABELS)
    for table in STATUS_LABELS.values():
        codes |= {c for c in table if c}
    return codes


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory):  # type: ignore[no-untyped-def]

    from wuye_tui.db import Database
    from wuye_tui.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    site = build_demo(db, households=40, days=6, seed=3, clock=FixedClock(NOW))
    yield site
    db.dispose()


def _raw_codes(text: str, codes: set[str]) -> set[str]:
    return {t for t in TOKEN.findall(text) if t in codes}


@pytest.fixture
def zh():
    set_language("zh")
    yield
    set_language("zh")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_register_export_shows_labels(demo_site, tmp_path, zh, lang):
    set_language(lang)
    codes = known_codes()
    sup = ServiceContext(db=demo_site.ctx.db, actor=demo_site.staff["manager"], clock=FixedClock(NOW))
    end = date(2026, 3, 2)
    found: dict[str, set[str]] = {}
    written = {}
    for name in sorted(set(load_registers()) - SKIP_REGISTERS):
        out = tmp_path / f"{name}.csv"
        written[name] = export(sup, name, end - timedelta(days=7), end, "csv", out).rows
        for row in list(csv.reader(out.open(encoding="utf-8-sig")))[1:]:
            for cell in row:
                # English labels are words ("Work started"): there, a raw code is a whole cell
                hit = _raw_codes(cell, codes) if lang == "zh" else ({cell} & codes)
                if hit:
                    found.setdefault(name, set()).update(hit)
    assert found == {}
    empty = {n for n, rows in written.items() if not rows}
    assert len(empty) <= 4, empty  # the demo fills most registers


def test_every_report_shows_labels(demo_site, zh):
    from wuye_tui.exports.reports import guard as reports_guard, complaints as reports_monthly
    from wuye_tui.exports.reports.common import to_markdown

    codes = known_codes()
    sup = ServiceContext(db=demo_site.ctx.db, actor=demo_site.staff["manager"], clock=FixedClock(NOW))
    texts = {
        "monthly": to_markdown(reports_monthly.build(sup, reports_monthly.load(sup, 2026, 2))),
        "patrol": reports_guard.patrol_markdown(sup, date(2026, 2, 24), date(2026, 3, 2)),
    }
    for d in range(6):
        day = date(2026, 3, 1) - timedelta(days=d)
        texts[f"handover {day}"] = reports_guard.handover_markdown(sup, day)
    found = {k: _raw_codes(v, codes) for k, v in texts.items()}
    assert {k: v for k, v in found.items() if v} == {}
