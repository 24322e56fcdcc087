"""The receivers of the notifications: each one's message body, signature and sending.

企业微信 group bot (text or markdown, @-mentions by mobile), 钉钉 bot (HMAC-SHA256 signature
in the URL), 飞书 bot (signature in the body), a generic JSON webhook, and a command run with
an argument list (never a shell) and the message as JSON on standard input (with the
escalation's details when the row reports one). Texts are trimmed to each receiver's limit
on a character boundary (``trim_bytes``). ``send`` sends one outbox row and raises
``SendError`` when it did not arrive; the outbox (``notify``) records the outcome.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import shlex
import subprocess
import time
import urllib.parse
from typing import Any

from ...i18n import _
from ...models.escalation import NotifyOutbox
from .context import ServiceContext
from .notify_settings import DINGTALK_TEXT_BYTES, FEISHU_TEXT_BYTES, WECOM_MARKDOWN_BYTES, WECOM_TEXT_BYTES


def trim_bytes(text: str, limit: int, tail: str = "…") -> str:
    """At most ``limit`` UTF-8 bytes, cut on a character boundary, marked with ``tail``."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = limit - len(tail.encode("utf-8"))
    return data[:max(room, 0)].decode("utf-8", errors="ignore") + tail


def _mobiles(row: NotifyOutbox) -> list[str]:
    return [m for m in row.mentions.split(",") if m]


def message_text(row: NotifyOutbox) -> str:
    return f"{row.title}\n{row.body}".strip() if row.body else row.title


def wecom_body(row: NotifyOutbox, msgtype: str = "text") -> dict:
    mobiles = _mobiles(row)
    if msgtype == "markdown":
        content = f"**{row.title}**\n{row.body}".strip()
        if mobiles:
            content += "\n" + " ".join(f"@{m}" for m in mobiles if m != "@all")
        return {"msgtype": "markdown", "markdown": {"content": trim_bytes(content, WECOM_MARKDOWN_BYTES)}}
    text: dict[str, Any] = {"content": trim_bytes(message_text(row), WECOM_TEXT_BYTES)}
    if mobiles:
        text["mentioned_mobile_list"] = mobiles
    return {"msgtype": "text", "text": text}


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_url(url: str, secret: str, timestamp_ms: int) -> str:
    if not secret:
        return url
    sign = urllib.parse.quote_plus(dingtalk_sign(secret, timestamp_ms))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp_ms}&sign={sign}"


def dingtalk_body(row: NotifyOutbox) -> dict:
    mobiles = _mobiles(row)
    content = message_text(row)
    if mobiles:
        content += "\n" + " ".join(f"@{m}" for m in mobiles if m != "@all")
    return {"msgtype": "text", "text": {"content": trim_bytes(content, DINGTALK_TEXT_BYTES)},
            "at": {"atMobiles": [m for m in mobiles if m != "@all"], "isAtAll": "@all" in mobiles}}


def feishu_sign(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode("utf-8"), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def feishu_body(row: NotifyOutbox, secret: str, timestamp_s: int) -> dict:
    body: dict[str, Any] = {"msg_type": "text", "content": {"text": trim_bytes(message_text(row), FEISHU_TEXT_BYTES)}}
    if secret:
        body = {"timestamp": str(timestamp_s), "sign": feishu_sign(secret, timestamp_s), **body}
    return body


def webhook_body(row: NotifyOutbox, ctx: ServiceContext) -> dict:
    return {"id": row.id, "event": row.event, "title": row.title, "text": row.body,
            "escalation_id": row.escalation_id, "mentions": _mobiles(row),
            "created_at": ctx.local(row.created_at).isoformat()}


class SendError(Exception):
    """A receiver refused or could not be reached; ``retry_after`` postpones without counting."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _post(url: str, body: dict, timeout: float) -> dict:
    import httpx

    try:
        resp = httpx.post(url, json=body, timeout=httpx.Timeout(timeout), follow_redirects=False)
    except httpx.TimeoutException:
        raise SendError(_("no answer within {n}s").format(n=timeout)) from None
    except httpx.HTTPError as exc:
        raise SendError(_("cannot reach the receiver: {err}").format(err=str(exc)[:120] or type(exc).__name__)) from None
    if resp.status_code >= 300:
        raise SendError(_("receiver answered HTTP {code}").format(code=resp.status_code))
    try:
        data = resp.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _check_errcode(data: dict, key: str = "errcode") -> None:
    code = data.get(key, 0)
    if code not in (0, None, "0"):
        msg = str(data.get("errmsg") or data.get("msg") or "")[:120]
        retry = 60.0 if code in (45009, 130101, 9499) else None  # rate limited: wait a minute
        raise SendError(_("receiver refused: {code} {msg}").format(code=code, msg=msg).strip(), retry)


def send(ctx: ServiceContext, row: NotifyOutbox, conf: Any) -> None:
    """Send one outbox row now; SendError when it did not arrive."""
    timeout = float(conf.notify_timeout_seconds)
    if row.channel == "wecom":
        _check_errcode(_post(conf.wecom_webhook, wecom_body(row, conf.wecom_msgtype), timeout))
    elif row.channel == "dingtalk":
        ts = int(time.time() * 1000)
        _check_errcode(_post(dingtalk_url(conf.dingtalk_webhook, conf.dingtalk_secret, ts), dingtalk_body(row), timeout))
    elif row.channel == "feishu":
        data = _post(conf.feishu_webhook, feishu_body(row, conf.feishu_secret, int(time.time())), timeout)
        _check_errcode(data, "code" if "code" in data else "StatusCode")
    elif row.channel == "webhook":
        _post(conf.webhook_url, webhook_body(row, ctx), timeout)
    elif row.channel == "command":
        _run_command(ctx, row, conf)
    else:
        raise SendError(_("receiver {name} is not set up").format(name=row.channel))


def _run_command(ctx: ServiceContext, row: NotifyOutbox, conf: Any) -> None:
    try:
        args = shlex.split(conf.notify_command)
    except ValueError:
        raise SendError(_("Unbalanced quotes in the command")) from None
    if not args:
        raise SendError(_("receiver {name} is not set up").format(name="command"))
    payload = webhook_body(row, ctx)
    if row.escalation_id is not None:
        payload["escalation"] = _escalation_payload(ctx, row.escalation_id)
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    try:
        proc = subprocess.run(args, input=data, capture_output=True, timeout=conf.notify_timeout_seconds, check=False)
    except subprocess.TimeoutExpired:
        raise SendError(_("no answer within {n}s").format(n=conf.notify_timeout_seconds)) from None
    except OSError as exc:
        raise SendError(_("cannot run the command: {err}").format(err=exc.strerror or exc)) from None
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()[:120]
        raise SendError(_("command failed: exit {code} {err}").format(code=proc.returncode, err=err).strip())


# The module that builds an escalation's JSON for the command hook. Escalation imports notify
# (to write its outbox rows), which imports this module, so it is named here, not imported
# (no import circle).
ESCALATION_MODULE = "wuye_tui.services.core.escalation"


def _escalation_payload(ctx: ServiceContext, esc_id: int) -> dict | None:
    import importlib

    from ...models import Escalation

    payload = importlib.import_module(ESCALATION_MODULE).payload

    with ctx.db.read() as session:
        esc = session.get(Escalation, esc_id)
    return payload(esc, ctx) if esc is not None else None
