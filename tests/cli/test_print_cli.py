"""``wuye print`` against a fake ``lp`` on the PATH (a script that keeps what it is sent)."""

from __future__ import annotations

import os
import stat

import pytest
from typer.testing import CliRunner

from tests.conftest import add_staff
from wuye_tui.cli import app
from wuye_tui.services.core.context import ServiceContext

SUP = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}

FAKE_LP = """#!/bin/sh
# fake lp: records its arguments and a copy of the file, like CUPS answers
log="$(dirname "$0")/../spool"
mkdir -p "$log"
echo "$@" >> "$log/args"
for last; do :; done
if [ "$2" = "broken" ]; then echo "lp: The printer or class does not exist." >&2; exit 1; fi
cp "$last" "$log/$(basename "$last")"
echo "request id is $2-7 (1 file(s))"
"""


@pytest.fixture
def fake_lp(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    lp = bin_ / "lp"
    lp.write_text(FAKE_LP)
    lp.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_}{os.pathsep}{os.environ['PATH']}")
    return tmp_path / "spool"


@pytest.fixture
def site(sqlite_db, clock, tmp_path):  # type: ignore[no-untyped-def]
    from tests.services.conftest_complaints import intake, seed_roster
    from wuye_tui.services.complaints import intake as complaints
    from wuye_tui.services.complaints import workflow as wf

    sup = add_staff(sqlite_db, "王主管", "supervisor", "1234")
    desk = ServiceContext(db=sqlite_db, actor=add_staff(sqlite_db, "陈客服", "front_desk"), clock=clock)
    seed_roster(ServiceContext(db=sqlite_db, actor=sup, clock=clock))
    c = complaints.add_complaint(desk, **intake(channel="written"))
    wf.dispatch(desk, c.id)
    wf.start(desk, c.id)
    wf.reply(desk, c.id, "已更换灯泡")
    return str(sqlite_db.engine.url.database), ServiceContext(db=sqlite_db, actor=sup, clock=clock), c.id


def run(dbpath, args):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["--db", dbpath, *args], env=SUP)


def test_no_printer_configured_is_one_line(site, fake_lp):
    dbpath, _sup, cid = site
    r = run(dbpath, ["print", "--letter", str(cid)])
    assert r.exit_code == 1 and "未配置打印机" in r.output and len(r.output.strip().splitlines()) == 1
    assert not fake_lp.exists()


def test_letter_report_and_file_go_to_lp(site, fake_lp, tmp_path):
    dbpath, sup, cid = site
    from wuye_tui.services.complaints import intake as complaints
    from wuye_tui.services.core import settings

    settings.update(sup, printer="office")
    r = run(dbpath, ["print", "--letter", str(cid)])
    assert r.exit_code == 0, r.output
    assert "office-7" in r.output
    sent = fake_lp / f"回复函_{cid}.pdf"
    assert sent.read_bytes().startswith(b"%PDF")
    assert "-d office" in (fake_lp / "args").read_text()
    assert [ev.kind for ev, _w in complaints.detail(sup, cid).events].count("letter") == 1
    r = run(dbpath, ["print", "--report", "monthly", "--month", "2026-03"])
    assert r.exit_code == 0, r.output
    assert (fake_lp / "monthly_2026-03.pdf").read_bytes().startswith(b"%PDF")
    r = run(dbpath, ["print", "--report", "handover", "--date", "2026-03-01", "--shift", "夜班"])
    assert r.exit_code == 0, r.output
    f = tmp_path / "note.txt"
    f.write_text("交接班注意事项")
    r = run(dbpath, ["print", str(f)])
    assert r.exit_code == 0 and (fake_lp / "note.txt").read_text() == "交接班注意事项"
    leftovers = [p for p in os.listdir("/tmp") if p.startswith("wuye-print-")]
    assert leftovers == [] or all(not (os.stat(f"/tmp/{p}").st_mode & stat.S_IRWXO) for p in leftovers)


def test_printer_refused_and_bad_input(site, fake_lp, tmp_path, monkeypatch):
    dbpath, sup, cid = site
    from wuye_tui.services.core import settings

    settings.update(sup, printer="broken")
    r = run(dbpath, ["print", "--report", "monthly", "--month", "2026-03"])
    assert r.exit_code == 1 and "broken" in r.output and "does not exist" in r.output
    for args in (["print"], ["print", "--letter", "1", "--report", "monthly"], ["print", "/no/such.pdf"],
                 ["print", "--report", "weekly"], ["print", "--report", "monthly", "--month", "2026-13"]):
        r = run(dbpath, args)
        assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1, (args, r.output)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    r = run(dbpath, ["print", "--report", "monthly", "--month", "2026-03"])
    assert r.exit_code == 1 and "lp" in r.output


def test_bad_printer_name_refused(site):
    _dbpath, sup, _cid = site
    from wuye_tui.errors import ValidationError
    from wuye_tui.services.core import settings

    with pytest.raises(ValidationError):
        settings.update(sup, printer="office; rm -rf /")
