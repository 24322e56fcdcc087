"""Complaint CLI in Chinese: --status 处理中, steps listed and typed by their Chinese names,
the escalation state in show, link/unlink of a collective complaint by a supervisor."""

from __future__ import annotations

from tests.cli.test_complaint_cli import ADD, DESK, SUP, prepare, run


def test_chinese_status_and_steps(sqlite_db, clock):
    prepare(sqlite_db, clock)
    cid = run(sqlite_db, DESK, *ADD).stdout.split()[0]
    assert run(sqlite_db, DESK, "complaint", "step", cid, "派单").exit_code == 0
    assert run(sqlite_db, DESK, "complaint", "step", cid, "开始处理").exit_code == 0
    r = run(sqlite_db, DESK, "complaint", "list", "--status", "处理中")
    assert r.exit_code == 0 and r.stdout.startswith(cid)
    r = run(sqlite_db, DESK, "complaint", "list", "--status", "已归档")
    assert r.exit_code == 0 and r.stdout == ""
    r = run(sqlite_db, DESK, "complaint", "list", "--status", "乱写")
    assert r.exit_code == 1 and "未知状态" in r.stderr
    r = run(sqlite_db, DESK, "complaint", "show", cid)
    line = [ln for ln in r.stdout.splitlines() if ln.startswith("下一步可做")][0]
    assert "回复" in line and "备注" in line
    assert "reply" not in line and "defer" not in line and "_" not in line


def test_link_and_unlink_by_a_supervisor(sqlite_db, clock):
    prepare(sqlite_db, clock)
    ids = []
    for unit in ("1栋1单元101", "1栋1单元102", "1栋1单元201"):
        args = [a if a != "1栋1单元101" else unit for a in ADD]
        ids.append(run(sqlite_db, DESK, *args).stdout.split()[0])
    r = run(sqlite_db, DESK, "complaint", "show", ids[0])
    assert "客户集体投诉" in r.stdout and "3户" in r.stdout
    esc = [ln for ln in r.stdout.splitlines() if ln.startswith("升级事件 #")][0].split()[1].lstrip("#")
    r = run(sqlite_db, DESK, "complaint", "unlink", ids[1], "-t", "不是同一处")
    assert r.exit_code == 1 and r.stderr.count("\n") == 1
    r = run(sqlite_db, SUP, "complaint", "unlink", ids[1], "-t", "不是同一处")
    assert r.exit_code == 0, r.output
    assert "2户" in run(sqlite_db, SUP, "complaint", "show", ids[0]).stdout
    r = run(sqlite_db, SUP, "complaint", "link", ids[1], "--collective", esc, "-t", "核实是同一处")
    assert r.exit_code == 0, r.output
    assert "3户" in run(sqlite_db, SUP, "complaint", "show", ids[0]).stdout


def test_list_flags_a_reply_never_confirmed(sqlite_db, clock):
    prepare(sqlite_db, clock)
    cid = run(sqlite_db, DESK, *ADD).stdout.split()[0]
    for step in (["dispatch"], ["start"], ["reply", "-t", "已清理"]):
        assert run(sqlite_db, DESK, "complaint", "step", cid, *step).exit_code == 0
    from datetime import timedelta

    from wuye_tui.models.complaints import Complaint

    with sqlite_db.write() as s:  # the CLI runs on the real clock: the reply was 40 days ago
        c = s.get(Complaint, int(cid))
        c.replied_at = c.replied_at - timedelta(days=40)
    r = run(sqlite_db, DESK, "complaint", "list", "--status", "已回复")
    assert "待确认40天" in r.stdout
