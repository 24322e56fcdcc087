"""Complaint and escalation CLI: add with the same validation, list, show, step, letter,
escalation list/ack as a supervisor; errors are one line and exit 1."""

from __future__ import annotations

from typer.testing import CliRunner

from tests.conftest import add_staff
from wuye_tui.cli import app
from wuye_tui.cli.common import STATE
from wuye_tui.services.core import roster
from wuye_tui.services.core.context import ServiceContext

DESK = {"WUYE_USER": "陈客服", "WUYE_PIN": "3333"}
SUP = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}
ADD = ["complaint", "add", "--caller", "张伟", "--unit", "1栋1单元101", "--channel", "written", "--category", "5",
       "--cause", "service", "--description", "垃圾站恶臭"]


def run(db, env, *args):  # type: ignore[no-untyped-def]
    STATE._db = None
    result = CliRunner().invoke(app, ["--db", db.url, *args], env=env)
    STATE._db = None
    return result


def prepare(db, clock):  # type: ignore[no-untyped-def]
    sup = add_staff(db, "王主管", "supervisor", "1234")
    add_staff(db, "陈客服", "front_desk", "3333")
    ctx = ServiceContext(db=db, actor=sup, clock=clock)
    for room, name in (("101", "张伟"), ("102", "李娜"), ("201", "王芳")):
        roster.add_resident(ctx, "1栋", "1单元", room, name, "")


def test_add_list_show_steps_letter(sqlite_db, clock, tmp_path):
    prepare(sqlite_db, clock)
    r = run(sqlite_db, DESK, *ADD)
    assert r.exit_code == 0, r.output
    cid = r.stdout.split()[0]
    r = run(sqlite_db, DESK, "complaint", "list", "--search", "zw")
    assert r.exit_code == 0 and r.stdout.startswith(cid) and "环境卫生及绿化" in r.stdout
    r = run(sqlite_db, DESK, "complaint", "step", cid, "archive")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1 and "回复" in r.stderr
    r = run(sqlite_db, DESK, "complaint", "letter", cid, "--out", str(tmp_path / "l.md"))
    assert r.exit_code == 1 and "尚未回复" in r.stderr
    for args in (["dispatch"], ["start", "-t", "保洁已到场"], ["reply", "-t", "已清理并消毒"],
                 ["confirm", "--satisfaction", "satisfied"]):
        r = run(sqlite_db, DESK, "complaint", "step", cid, *args)
        assert r.exit_code == 0, r.output
    assert "已确认" in r.stdout
    r = run(sqlite_db, DESK, "complaint", "letter", cid, "--out", str(tmp_path / "l.md"))
    assert r.exit_code == 0, r.output
    letter = (tmp_path / "l.md").read_text(encoding="utf-8")
    assert "尊敬的张伟" in letter and "已清理并消毒" in letter and "垃圾站恶臭" in letter
    assert (tmp_path / "l.md").stat().st_mode & 0o077 == 0
    r = run(sqlite_db, DESK, "complaint", "step", cid, "archive")
    assert r.exit_code == 0 and "已归档" in r.stdout
    r = run(sqlite_db, DESK, "complaint", "show", cid)
    assert r.exit_code == 0
    for word in ("受理", "已派单", "开始处理", "已回复客户", "客户确认", "已归档"):
        assert word in r.stdout
    r = run(sqlite_db, DESK, "complaint", "step", cid, "fly")
    assert r.exit_code == 1 and "未知步骤" in r.stderr


def test_add_bad_input_is_one_line(sqlite_db, clock):
    prepare(sqlite_db, clock)
    for flag, value, word in (("--channel", "fax", "channel"), ("--unit", "99栋", "unit"),
                              ("--phone", "123", "phone"), ("--reply-by", "tomorrow", "promised_reply"),
                              ("--description", "", "description")):
        args = list(ADD)
        if flag in args:
            args[args.index(flag) + 1] = value
        else:
            args += [flag, value]
        r = run(sqlite_db, DESK, *args)
        assert r.exit_code == 1 and word in r.stderr and r.stderr.count("\n") == 1, (flag, r.output)
    r = run(sqlite_db, DESK, "complaint", "list")
    assert r.stdout.strip() == ""


def test_escalation_list_and_ack(sqlite_db, clock):
    prepare(sqlite_db, clock)
    for name, room in (("张伟", "101"), ("李娜", "102"), ("王芳", "201")):
        args = list(ADD)
        args[args.index("--caller") + 1] = name
        args[args.index("--unit") + 1] = f"1栋1单元{room}"
        assert run(sqlite_db, DESK, *args).exit_code == 0
    r = run(sqlite_db, DESK, "escalation", "list")
    assert r.exit_code == 0 and "客户集体投诉" in r.stdout and len(r.stdout.splitlines()) == 1
    esc_id = r.stdout.split()[0]
    r = run(sqlite_db, DESK, "escalation", "ack", esc_id)
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    r = run(sqlite_db, {"WUYE_USER": "王主管", "WUYE_PIN": "0000"}, "escalation", "ack", esc_id)
    assert r.exit_code == 1
    r = run(sqlite_db, SUP, "escalation", "ack", esc_id, "--note", "已安排保洁")
    assert r.exit_code == 0 and esc_id in r.stdout
    assert run(sqlite_db, DESK, "escalation", "list").stdout.strip() == ""
    assert esc_id in run(sqlite_db, DESK, "escalation", "list", "--all").stdout
    r = run(sqlite_db, DESK, "complaint", "list", "--major")
    assert len(r.stdout.splitlines()) == 3
