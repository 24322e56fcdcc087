"""#12 from the command line: a major logged with `wuye dutylog add --major` is delivered
before the command exits (the case that was lost), or left in the outbox when the receiver is
down and delivered by the next terminal; a sender killed mid-send loses nothing; escalation
show|note|resolve, notify list|retry, settings refused when set: one line, non-zero exit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from tests.conftest import add_staff
from tests.services.core.test_escalation_notify import Receiver
from wuye_tui.clock import FixedClock
from wuye_tui.cli import app
from wuye_tui.models import NotifyOutbox
from wuye_tui.services.core import notify, settings
from wuye_tui.services.core.context import ServiceContext

ROOT = Path(__file__).resolve().parents[2]
GUARD = {"WUYE_USER": "张保安", "WUYE_PIN": "1111"}
SUP = {"WUYE_USER": "王主管", "WUYE_PIN": "1234"}


def people(db):  # type: ignore[no-untyped-def]
    add_staff(db, "张保安", "guard", "1111")
    sup = add_staff(db, "王主管", "supervisor", "1234")
    manager = add_staff(db, "李经理", "manager", "5678")
    return ServiceContext(db=db, actor=manager), ServiceContext(db=db, actor=sup)


def wuye(db, env, *args, wait: bool = True):  # type: ignore[no-untyped-def]
    full = {**os.environ, **env, "WUYE_LANG": "zh"}
    cmd = [sys.executable, "-m", "wuye_tui.cli", "--db", db.url, *args]
    if not wait:
        return subprocess.Popen(cmd, env=full, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return subprocess.run(cmd, env=full, cwd=ROOT, capture_output=True, text=True, timeout=60)


def outbox(db) -> list[NotifyOutbox]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return list(s.execute(select(NotifyOutbox).order_by(NotifyOutbox.id)).scalars())


def run(db, env, *args):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["--db", db.url, *args], env=env)


def test_a_major_from_the_cli_is_delivered_before_it_exits(db):
    manager, _sup = people(db)
    receiver = Receiver()
    try:
        settings.update(manager, webhook_url=receiver.url("/hook"))
        proc = wuye(db, GUARD, "dutylog", "add", "--type", "fire", "--severity", "critical", "--incident",
                    "--major", "fire", "垃圾房冒烟")
        assert proc.returncode == 0, proc.stderr
        assert "重大事件 #1" in proc.stdout or "#1" in proc.stdout
        assert len(receiver.requests) == 1  # already there when the command returned
        assert receiver.requests[0]["json"]["title"].startswith("重大：火灾 垃圾房冒烟（正门岗）")
        assert [r.state for r in outbox(db)] == ["delivered"]
    finally:
        receiver.close()


def test_receiver_down_leaves_it_for_the_next_terminal(db):
    manager, _sup = people(db)
    probe = Receiver()
    port = probe.port
    probe.close()  # the receiver is down
    settings.update(manager, webhook_url=f"http://127.0.0.1:{port}/hook")
    started = time.monotonic()
    proc = wuye(db, GUARD, "dutylog", "add", "--type", "fire", "--severity", "critical", "--incident",
                "--major", "fire", "垃圾房冒烟")
    assert proc.returncode == 0, proc.stderr
    assert time.monotonic() - started < 20
    [row] = outbox(db)
    assert row.state == "pending" and row.attempts == 1 and "连不上接收方" in row.last_error
    back = Receiver(port)  # it comes back
    try:
        later = ServiceContext(db=db, clock=FixedClock(datetime.now(timezone.utc) + timedelta(minutes=1)))
        assert notify.deliver_due(later) == 1  # the next terminal's sender
        assert len(back.requests) == 1 and outbox(db)[0].state == "delivered"
    finally:
        back.close()


def test_a_sender_killed_mid_send_loses_nothing(db):
    manager, _sup = people(db)
    receiver = Receiver()
    receiver.delay = 30.0  # hangs: the CLI is still waiting for it when it is killed
    try:
        settings.update(manager, webhook_url=receiver.url("/hook"), notify_timeout_seconds=60)
        proc = wuye(db, GUARD, "dutylog", "add", "--type", "fire", "--severity", "critical", "--incident",
                    "--major", "fire", "垃圾房冒烟", wait=False)
        for _ in range(300):
            if receiver.requests:
                break
            time.sleep(0.05)
        assert receiver.requests, "the CLI started sending"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        [row] = outbox(db)
        assert row.state == "pending" and row.claimed_until is not None  # claimed by the dead process
        receiver.delay = 0.0
        now = ServiceContext(db=db)
        assert notify.deliver_due(now) == 0  # its claim still holds: nobody sends it twice at once
        after = ServiceContext(db=db, clock=FixedClock(datetime.now(timezone.utc) + timedelta(seconds=100)))
        assert notify.deliver_due(after) == 1
        assert outbox(db)[0].state == "delivered" and len(receiver.requests) == 2
    finally:
        receiver.close()


def test_escalation_show_note_resolve_and_notify_list_retry(db):
    manager, sup = people(db)
    probe = Receiver()
    port = probe.port
    probe.close()
    settings.update(manager, webhook_url=f"http://127.0.0.1:{port}/hook")
    out = run(db, GUARD, "dutylog", "add", "--type", "fire", "--severity", "critical", "--incident",
              "--major", "fire", "垃圾房冒烟[/]")
    assert out.exit_code == 0, out.output
    notify.wait_for_sends(15)
    out = run(db, SUP, "escalation", "resolve", "1", "--outcome", "已扑灭")
    assert out.exit_code == 1 and "尚未确认" in out.output and "Traceback" not in out.output
    assert run(db, SUP, "escalation", "ack", "1").exit_code == 0
    assert run(db, GUARD, "escalation", "note", "1", "消防栓已启用").exit_code == 0
    out = run(db, SUP, "escalation", "resolve", "1", "--outcome", "明火已扑灭")
    assert out.exit_code == 0 and "已解决" in out.output
    out = run(db, GUARD, "escalation", "show", "1")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].startswith("#1 重大：火灾 垃圾房冒烟[/]（正门岗）")
    kinds = [ln.split("\t")[2] for ln in lines if ln.count("\t") >= 2]
    assert kinds == ["发起", "已通知", "已确认", "处理记录", "已解决"]
    assert "处理结果：明火已扑灭" in out.output
    out = run(db, SUP, "notify", "list")
    assert out.exit_code == 0 and "\t通用 JSON 接口\t待发送\t1\t" in out.output and "连不上接收方" in out.output
    assert run(db, GUARD, "notify", "list").exit_code == 1
    out = run(db, SUP, "notify", "list", "--state", "bogus")
    assert out.exit_code == 1 and out.output.count("\n") == 1
    back = Receiver(port)
    try:
        out = run(db, SUP, "notify", "retry", "1")
        assert out.exit_code == 0 and "通知 #1 已送达" in out.output
    finally:
        back.close()
    out = run(db, SUP, "notify", "retry", "99")
    assert out.exit_code == 1 and "没有通知 #99" in out.output


def test_bad_receiver_settings_are_one_line(db):
    people(db)
    env = {"WUYE_USER": "李经理", "WUYE_PIN": "5678"}
    out = run(db, env, "settings", "set", "notify_command", "notify-bot 'unbalanced")
    assert out.exit_code == 1 and "引号不成对" in out.output and out.output.count("\n") == 1
    out = run(db, env, "settings", "set", "wecom_webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send")
    assert out.exit_code == 1 and "?key=" in out.output
    out = run(db, env, "settings", "set", "dingtalk_secret", "SECabcdef123456")
    assert out.exit_code == 0
    assert run(db, env, "settings", "set", "dingtalk_webhook",
               "https://oapi.dingtalk.com/robot/send?access_token=abcdef0123").exit_code == 0
    out = run(db, env, "settings", "show")
    assert "dingtalk_secret\tSEC…\n" in out.output and "abcdef0123" not in out.output
    assert "dingtalk_webhook\thttps://oapi.dingtalk.com/robot/send?access_token=abc…\n" in out.output


def test_summary_and_reminders_from_the_cli(db):
    people(db)
    out = run(db, SUP, "notify", "summary")
    assert out.exit_code == 0 and "汇总：未结投诉 0 件" in out.output
    out = run(db, SUP, "reminders", "check")
    assert out.exit_code == 0 and "发出提醒" in out.output
    out = run(db, SUP, "reminders", "list")
    assert out.exit_code == 0
