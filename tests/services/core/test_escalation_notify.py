"""#12 the notification outbox and its senders, against real local receivers (an HTTP server
and a real command in the test): written with the escalation, retried with backoff until it
arrives, exact bodies for 企业微信 / 钉钉 (signature) / 飞书 / JSON webhook, a hanging receiver
cut off, text trimmed to the receiver's limit, the WeCom rate limit, settings refused when set."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from tests.services.conftest_complaints import intake, seed_roster
from wuye_tui.errors import PermissionDenied, ValidationError
from wuye_tui.models import Escalation, NotifyOutbox
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.guard import dutylog
from wuye_tui.services.core import escalation, notify, settings


class Receiver:
    """A local HTTP receiver: answers from a script (status, json) and records every request."""

    def __init__(self, port: int = 0) -> None:
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict]] = []
        self.delay = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                parts = urllib.parse.urlsplit(self.path)
                outer.requests.append({"path": parts.path, "query": dict(urllib.parse.parse_qsl(parts.query)),
                                       "json": json.loads(body.decode("utf-8")),
                                       "content_type": self.headers.get("Content-Type")})
                if outer.delay:
                    time.sleep(outer.delay)
                status, data = outer.script.pop(0) if outer.script else (200, {"errcode": 0, "errmsg": "ok"})
                raw = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except OSError:
                    pass

            def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():  # type: ignore[no-untyped-def]
    r = Receiver()
    yield r
    r.close()


@pytest.fixture
def site(make_ctx):  # type: ignore[no-untyped-def]
    manager = make_ctx("manager")
    guard = make_ctx("guard")
    seed_roster(manager)
    return manager, guard


def rows(ctx) -> list[NotifyOutbox]:  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        return list(s.execute(select(NotifyOutbox).order_by(NotifyOutbox.id)).scalars())


def fire(guard, text: str = "垃圾房冒烟"):  # type: ignore[no-untyped-def]
    """A major incident, as a terminal logs it: it starts sending at once; wait for that."""
    entry = dutylog.add_entry(guard, "main_gate", "fire", "critical", text, incident=True, major_type="fire")
    assert notify.wait_for_sends(15)
    return entry


def queue(ctx, n: int) -> None:  # type: ignore[no-untyped-def]
    """n reminders in the outbox, nothing sending them yet."""
    with ctx.db.write() as session:
        for i in range(n):
            notify.enqueue_in(session, ctx, "reminder", f"提醒{i}", "钥匙未还")


def test_nothing_configured_writes_no_rows(site):
    manager, guard = site
    fire(guard)
    assert rows(guard) == []
    assert escalation.unacknowledged(guard)[0].notify_status == ""


def test_wecom_fails_twice_then_arrives_with_backoff(site, receiver, clock):
    manager, guard = site
    receiver.script = [(500, {}), (200, {"errcode": 45009, "errmsg": "api freq out of limit"}),
                       (200, {"errcode": 0, "errmsg": "ok"})]
    settings.update(manager, wecom_webhook=receiver.url("/cgi-bin/webhook/send?key=abc-123"),
                    notify_major_mobiles="13800138000, 13900139000")
    entry = fire(guard, "3栋2单元 电梯 B2 有人被困")  # the raising terminal tried at once
    [row] = rows(guard)
    assert (row.state, row.channel, row.event, row.escalation_id) == ("pending", "wecom", "major", entry.escalation_id)
    assert row.state == "pending" and row.attempts == 1 and row.last_error == "接收方返回 HTTP 500"
    assert notify.deliver_due(guard) == 0 and len(receiver.requests) == 1  # not due again yet
    clock.advance(seconds=5)
    assert notify.deliver_due(guard) == 0  # refused by the bot: rate limit, wait a minute
    [row] = rows(guard)
    assert row.attempts == 2 and "45009" in row.last_error
    clock.advance(seconds=59)
    assert notify.deliver_due(guard) == 0
    clock.advance(seconds=1)
    assert notify.deliver_due(guard) == 1
    [row] = rows(guard)
    assert row.state == "delivered" and row.attempts == 3 and row.last_error == ""
    assert len(receiver.requests) == 3
    req = receiver.requests[-1]
    assert req["path"] == "/cgi-bin/webhook/send" and req["query"] == {"key": "abc-123"}
    assert req["content_type"] == "application/json"
    esc = escalation.timeline(guard, entry.escalation_id).escalation
    assert req["json"] == {"msgtype": "text", "text": {
        "content": "重大：火灾 3栋2单元 电梯 B2 有人被困（正门岗）（09:00，刚刚）\n"
                   f"消防: 3栋2单元 电梯 B2 有人被困\n值班记录 #{entry.id}，正门岗\n"
                   "承诺回复时间：03-02 10:00\n"
                   f"重大事件 #{esc.id}；请在任一终端按 F9 确认（需主管 PIN）",
        "mentioned_mobile_list": ["13800138000", "13900139000"]}}
    assert esc.notify_status == "wecom:delivered"
    assert [line.state_label for line in notify.list_outbox(manager)] == ["已送达"]


def test_dingtalk_signature_and_body(site, receiver):
    manager, guard = site
    secret = "SEC0123456789abcdef"
    settings.update(manager, dingtalk_webhook=receiver.url("/robot/send?access_token=tok"), dingtalk_secret=secret,
                    notify_major_mobiles="13800138000")
    before = int(time.time() * 1000)
    fire(guard)
    assert rows(guard)[0].state == "delivered"
    [req] = receiver.requests
    q = req["query"]
    assert q["access_token"] == "tok"
    ts = int(q["timestamp"])
    assert before <= ts <= int(time.time() * 1000)
    expected = base64.b64encode(hmac.new(secret.encode(), f"{ts}\n{secret}".encode(), hashlib.sha256).digest()).decode()
    assert q["sign"] == expected
    body = req["json"]
    assert body["msgtype"] == "text" and body["at"] == {"atMobiles": ["13800138000"], "isAtAll": False}
    assert body["text"]["content"].startswith("重大：火灾 垃圾房冒烟（正门岗）（09:00，刚刚）\n")
    assert body["text"]["content"].endswith("@13800138000")


def test_dingtalk_refusal_is_recorded(site, receiver):
    manager, guard = site
    receiver.script = [(200, {"errcode": 310000, "errmsg": "sign not match"})]
    settings.update(manager, dingtalk_webhook=receiver.url("/robot/send?access_token=tok"))
    fire(guard)
    assert notify.deliver_due(guard) == 0
    [row] = rows(guard)
    assert row.state == "pending" and row.last_error == "接收方拒收：310000 sign not match"


def test_feishu_and_json_webhook_bodies(site, receiver):
    manager, guard = site
    settings.update(manager, feishu_webhook=receiver.url("/open-apis/bot/v2/hook/x"), feishu_secret="fs-secret-1",
                    webhook_url=receiver.url("/hook"), notify_major_channels="feishu,webhook")
    receiver.script = [(200, {"code": 0, "msg": "success"}), (200, {})]
    entry = fire(guard)
    assert [r.state for r in rows(guard)] == ["delivered", "delivered"]
    by_path = {r["path"]: r["json"] for r in receiver.requests}
    fs = by_path["/open-apis/bot/v2/hook/x"]
    ts = int(fs["timestamp"])
    assert fs["sign"] == base64.b64encode(hmac.new(f"{ts}\nfs-secret-1".encode(), b"", hashlib.sha256).digest()).decode()
    assert fs["msg_type"] == "text" and fs["content"]["text"].startswith("重大：火灾 垃圾房冒烟")
    hook = by_path["/hook"]
    assert hook["event"] == "major" and hook["escalation_id"] == entry.escalation_id
    assert hook["title"] == "重大：火灾 垃圾房冒烟（正门岗）（09:00，刚刚）" and hook["mentions"] == []
    assert hook["created_at"] == "2026-03-02T09:00:00+08:00"


def test_a_hanging_receiver_is_cut_off(site, receiver):
    manager, guard = site
    receiver.delay = 3.0
    settings.update(manager, webhook_url=receiver.url("/hook"), notify_timeout_seconds=1)
    started = time.monotonic()
    fire(guard)
    assert time.monotonic() - started < 2.9
    [row] = rows(guard)
    assert row.state == "pending" and row.last_error == "1.0 秒内无应答"


def test_receiver_down_then_failed_after_max_attempts_then_retry(site, receiver, clock):
    manager, guard = site
    url = receiver.url("/hook")
    receiver.close()  # nobody listens there
    settings.update(manager, webhook_url=url)
    fire(guard)
    for _ in range(notify.MAX_ATTEMPTS):
        notify.deliver_due(guard)
        clock.advance(seconds=700)
    [row] = rows(guard)
    assert row.state == "failed" and row.attempts == notify.MAX_ATTEMPTS and "连不上接收方" in row.last_error
    assert [x.row.id for x in notify.list_outbox(manager, state="failed")] == [row.id]
    with pytest.raises(PermissionDenied):
        notify.retry(guard, row.id)
    again = Receiver()
    try:
        settings.update(manager, webhook_url=again.url("/hook"))
        notify.retry(manager, row.id)
        assert notify.deliver_due(guard) == 1
        assert rows(guard)[0].state == "delivered"
        with pytest.raises(ValidationError):
            notify.retry(manager, row.id)
    finally:
        again.close()


def test_wecom_text_is_trimmed_to_2048_bytes_on_a_character(site, receiver):
    manager, guard = site
    settings.update(manager, wecom_webhook=receiver.url("/send?key=k"))
    complaints.add_complaint(guard.as_actor(manager.actor), **intake(major_type="flooding",
                                                                     description="地下车库水浸严重" * 120))
    assert notify.wait_for_sends(15) and rows(guard)[0].state == "delivered"
    content = receiver.requests[0]["json"]["text"]["content"]
    data = content.encode("utf-8")
    assert len(data) <= 2048 and len(data) > 2040 and content.endswith("…")
    data.decode("utf-8")  # whole characters only
    assert notify.trim_bytes("水浸" * 3, 9) == "水浸…" and notify.trim_bytes("水浸" * 3, 8) == "水…" and notify.trim_bytes("abc", 3) == "abc"


def test_wecom_twenty_a_minute(site, receiver, clock):
    manager, guard = site
    settings.update(manager, wecom_webhook=receiver.url("/send?key=k"))
    queue(guard, 21)
    assert notify.deliver_due(guard, limit=50) == 20
    assert len(receiver.requests) == 20
    waiting = [r for r in rows(guard) if r.state == "pending"]
    assert len(waiting) == 1 and waiting[0].attempts == 0
    clock.advance(seconds=30)
    assert notify.deliver_due(guard) == 0
    clock.advance(seconds=31)
    assert notify.deliver_due(guard) == 1


def test_two_terminals_sending_at_once_send_each_row_once(site, receiver, db, clock):
    from wuye_tui.db import Database
    from wuye_tui.services.core.context import ServiceContext

    manager, guard = site
    receiver.delay = 0.05
    settings.update(manager, webhook_url=receiver.url("/hook"))
    queue(guard, 8)
    other = Database(db.url)
    try:
        second = ServiceContext(db=other, actor=guard.actor, clock=clock)
        counts: list[int] = []
        threads = [threading.Thread(target=lambda c=c: counts.append(notify.deliver_due(c))) for c in (guard, second)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
    finally:
        other.dispose()
    assert sum(counts) == 8
    assert sorted(r["json"]["id"] for r in receiver.requests) == [r.id for r in rows(guard)]


def test_command_hook_gets_json_on_stdin_and_failures_are_recorded(site, tmp_path):
    manager, guard = site
    out = tmp_path / "got.json"
    settings.update(manager, notify_command=f"{sys.executable} -c \"import sys; open(r'{out}','wb').write(sys.stdin.buffer.read())\"")
    entry = fire(guard)
    assert rows(guard)[0].state == "delivered"
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["event"] == "major" and data["escalation"]["id"] == entry.escalation_id
    assert data["escalation"]["major_type_label"] == "火灾" and data["escalation"]["location"] == "垃圾房冒烟（正门岗）"
    settings.update(manager, notify_command="sh -c 'echo no route to sms gateway >&2; exit 3'")
    fire(guard)
    assert rows(guard)[-1].last_error == "命令失败：退出码 3 no route to sms gateway"
    settings.update(manager, notify_command="/nonexistent/notify-bot --sms")
    fire(guard)
    assert rows(guard)[-1].last_error.startswith("无法运行命令")


def test_outbox_row_commits_with_the_escalation_only(site, receiver):
    manager, guard = site
    settings.update(manager, webhook_url=receiver.url("/hook"))
    with pytest.raises(ValidationError):
        dutylog.add_entry(guard, "main_gate", "fire", "critical", "", incident=True, major_type="fire")
    assert rows(guard) == []
    with guard.db.read() as s:
        assert s.execute(select(Escalation)).first() is None


@pytest.mark.parametrize("key,value", [
    ("wecom_webhook", "ftp://qyapi.weixin.qq.com/send?key=1"),
    ("wecom_webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send"),  # no key
    ("wecom_webhook", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1"),  # http outside the LAN
    ("webhook_url", "https:///path"),
    ("webhook_url", "https://exa mple.com/x"),
    ("webhook_url", "https://example.com:99999/x"),
    ("webhook_url", "https://" + "a" * 500 + ".com/"),
    ("dingtalk_webhook", "https://oapi.dingtalk.com/robot/send"),
    ("dingtalk_secret", "abc"),
    ("dingtalk_secret", "0123456789abcdef"),  # no SEC prefix
    ("notify_command", "notify-bot --text 'unbalanced"),
    ("notify_major_mobiles", "1380013800"),
    ("notify_major_channels", "sms"),
    ("wecom_msgtype", "html"),
    ("summary_time", "25:00"),
    ("alert_bell", "maybe"),
])
def test_bad_settings_are_refused_when_set(site, key, value):
    manager, _guard = site
    with pytest.raises(ValidationError) as err:
        settings.update(manager, **{key: value})
    assert err.value.field == key
    assert getattr(settings.load(manager), key) == getattr(settings.SiteSettings(), key)


def test_good_settings_are_cleaned_and_receivers_need_a_manager(site, make_ctx):
    manager, _guard = site
    conf = settings.update(manager, wecom_webhook=" https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x ",
                           notify_major_mobiles="13800138000，13800138000 @all", summary_time="8:30",
                           notify_reminder_channels="wecom, command", alert_bell="关")
    assert conf.wecom_webhook == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"
    assert conf.notify_major_mobiles == "13800138000,@all" and conf.summary_time == "08:30"
    assert conf.notify_reminder_channels == "wecom,command" and conf.alert_bell is False
    sup = make_ctx("supervisor")
    with pytest.raises(PermissionDenied):
        settings.update(sup, webhook_url="https://example.com/hook")
    settings.update(sup, summary_time="09:00")  # not a receiver: supervisors may


def test_wecom_markdown(site, receiver):
    manager, guard = site
    settings.update(manager, wecom_webhook=receiver.url("/send?key=k"), wecom_msgtype="markdown")
    fire(guard)
    notify.deliver_due(guard)
    body = receiver.requests[0]["json"]
    assert body["msgtype"] == "markdown"
    assert body["markdown"]["content"].startswith("**重大：火灾 垃圾房冒烟（正门岗）（09:00，刚刚）**\n")


def test_acknowledge_needs_a_supervisor_and_resolve_needs_acknowledgement(site, make_ctx):
    from wuye_tui.errors import Conflict

    manager, guard = site
    entry = fire(guard)
    esc_id = entry.escalation_id
    with pytest.raises(PermissionDenied):
        escalation.acknowledge(guard, esc_id)
    sup = make_ctx("supervisor")
    with pytest.raises(Conflict):
        escalation.resolve(sup, esc_id, "已处理")
    escalation.acknowledge(sup, esc_id, "已到场")
    escalation.add_note(guard, esc_id, "消防栓已启用")
    with pytest.raises(PermissionDenied):
        escalation.resolve(guard, esc_id, "已处理")
    escalation.resolve(sup, esc_id, "明火已扑灭，无人员伤亡")
    with pytest.raises(Conflict):
        escalation.add_note(guard, esc_id, "再记一笔")
    tl = escalation.timeline(guard, esc_id)
    assert [(escalation.event_label(ev.kind), who) for ev, who in tl.events] == [
        ("发起", guard.actor.name), ("已通知", guard.actor.name), ("已确认", sup.actor.name),
        ("处理记录", guard.actor.name), ("已解决", sup.actor.name)]
    assert tl.escalation.resolved_by == sup.actor.id
    assert escalation.unresolved(guard) == []


def test_unresolved_escalations_are_open_items_for_the_handover(site, make_ctx, clock):
    from wuye_tui.services.core import open_items

    manager, guard = site
    a, b = fire(guard, "一号楼冒烟"), fire(guard, "二号楼冒烟")
    sup = make_ctx("supervisor")
    escalation.acknowledge(sup, a.escalation_id)
    clock.advance(minutes=12)
    items = [i for i in open_items.collect(guard) if i.kind == "escalation"]
    assert [i.title for i in items] == [
        f"#{a.escalation_id} 重大：火灾 一号楼冒烟（正门岗）（03-02 09:00） · 处理中",
        f"#{b.escalation_id} 重大：火灾 二号楼冒烟（正门岗）（03-02 09:00） · 等待确认"]
    assert [i.overdue for i in items] == [False, True]
    escalation.resolve(sup, a.escalation_id, "已扑灭")
    assert [i.ref for i in open_items.collect(guard) if i.kind == "escalation"] == [f"escalation:{b.escalation_id}"]
    assert timedelta(minutes=12) == clock.now() - items[0].since.replace(tzinfo=clock.now().tzinfo)
