"""Purge, then export: no visitor's personal data older than the date leaves the system,
while the anonymous counts stay (issue 6, "what I will check")."""

from __future__ import annotations

import csv
from datetime import timedelta

from typer.testing import CliRunner

from tests.conftest import add_staff
from tests.services.conftest_gate import ID1, ID2, seed_roster, visitor
from wuye_tui.cli import app
from wuye_tui.services.gate import visits as gate_visits
from wuye_tui.services.core.context import ServiceContext

runner = CliRunner()


def test_purge_then_export_has_no_old_personal_data(sqlite_db, clock, tmp_path):
    def ctx(name, role):  # type: ignore[no-untyped-def]
        return ServiceContext(db=sqlite_db, actor=add_staff(sqlite_db, name, role, "1234"), clock=clock)

    seed_roster(ctx("陈客服", "front_desk"))
    g = ctx("张保安", "guard")
    sup = ctx("王主管", "supervisor")
    clock.set(clock.now() - timedelta(days=200))
    old = gate_visits.check_in(g, visitor(name="欧阳娜娜", id_number=ID1, phone="13811112222"))
    gate_visits.check_out(g, old.id)  # type: ignore[arg-type]
    clock.advance(days=199)
    new = gate_visits.check_in(g, visitor(name="司马光", id_number=ID2, phone="13933334444", headcount="3"))
    db = sqlite_db.url.replace("sqlite:///", "")
    env = {"WUYE_USER": sup.actor.name, "WUYE_PIN": "1234"}
    cutoff = (clock.now() - timedelta(days=30)).date().isoformat()
    purged = runner.invoke(app, ["--db", db, "purge", "--before", cutoff], env=env)
    assert purged.exit_code == 0, purged.output
    out = tmp_path / "visitors.csv"
    start = (clock.now() - timedelta(days=400)).date().isoformat()
    end = (clock.now() + timedelta(days=1)).date().isoformat()
    exported = runner.invoke(app, ["--db", db, "export", "visitors", "--from", start, "--to", end,
                                   "--format", "csv", "--out", str(out), "--reveal"], env=env)
    assert exported.exit_code == 0, exported.output
    text = out.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(text.splitlines()))
    assert len(rows) == 3  # header + both visits: the counts stay
    assert "欧阳娜娜" not in text and ID1 not in text and "13811112222" not in text
    assert "司马光" in text and ID2 in text  # newer than the date: kept (revealed by a supervisor)
    assert new.id and old.id
