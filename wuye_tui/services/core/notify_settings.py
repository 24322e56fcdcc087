"""The notification settings, checked when they are set (``settings.update`` calls
``check_setting``): receivers' addresses and secrets, who hears of what, the summary time.
Kept apart from the outbox and its senders (``notify``) so that settings and notify do not
import each other."""

from __future__ import annotations

import ipaddress
import re
import shlex
import urllib.parse
from typing import Any

from ...errors import ValidationError
from ...i18n import N_, _


CHANNELS = ("wecom", "dingtalk", "feishu", "webhook", "command")
CHANNEL_LABELS = {"wecom": N_("WeCom bot"), "dingtalk": N_("DingTalk bot"), "feishu": N_("Feishu bot"),
                  "webhook": N_("JSON webhook"), "command": N_("Notification command")}
EVENTS = ("major", "escalate", "reminder", "summary")
EVENT_LABELS = {"major": N_("Major escalation"), "escalate": N_("Sent up to the manager"),
                "reminder": N_("Reminder"), "summary": N_("Daily summary")}
STATE_LABELS = {"pending": N_("pending"), "delivered": N_("delivered"), "failed": N_("failed")}

MAX_ATTEMPTS = 10
BACKOFF_SECONDS = (5, 15, 30, 60, 120, 300, 600, 600, 600, 600)
WECOM_PER_MINUTE = 20
WECOM_TEXT_BYTES = 2048
WECOM_MARKDOWN_BYTES = 4096
DINGTALK_TEXT_BYTES = 4000
FEISHU_TEXT_BYTES = 4000
CLAIM_MARGIN_SECONDS = 30


# ---- settings: checked when set ---------------------------------------------------------

URL_KEYS = ("wecom_webhook", "dingtalk_webhook", "feishu_webhook", "webhook_url")
SECRET_KEYS = ("dingtalk_secret", "feishu_secret")
MOBILE_RE = re.compile(r"^1\d{10}$")


def check_url(key: str, value: object) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) > 500:
        raise ValidationError(key, _("At most {n} characters").format(n=500))
    if any(c.isspace() for c in text):
        raise ValidationError(key, _("A web address has no spaces"))
    parts = urllib.parse.urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise ValidationError(key, _("The address must start with https:// (or http:// on the local network)"))
    host = parts.hostname or ""
    if not host or not (re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?", host) or _is_ip(host)):
        raise ValidationError(key, _("The address has no valid host"))
    if parts.scheme == "http" and not _is_local(host):
        raise ValidationError(key, _("The address must start with https:// (or http:// on the local network)"))
    try:
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise ValidationError(key, _("The address has no valid host")) from None
    if key == "wecom_webhook" and "key=" not in parts.query:
        raise ValidationError(key, _("A WeCom bot address ends with ?key=..."))
    if key == "dingtalk_webhook" and "access_token=" not in parts.query:
        raise ValidationError(key, _("A DingTalk bot address ends with ?access_token=..."))
    return text


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _is_local(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private


def check_secret(key: str, value: object) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    if not re.fullmatch(r"[A-Za-z0-9_\-]{8,128}", text):
        raise ValidationError(key, _("A signing secret is 8-128 letters and digits"))
    if key == "dingtalk_secret" and not text.startswith("SEC"):
        raise ValidationError(key, _("A DingTalk signing secret starts with SEC"))
    return text


def check_command(key: str, value: object) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    if len(text) > 500:
        raise ValidationError(key, _("At most {n} characters").format(n=500))
    try:
        args = shlex.split(text)
    except ValueError:
        raise ValidationError(key, _("Unbalanced quotes in the command")) from None
    if not args:
        raise ValidationError(key, _("Unbalanced quotes in the command"))
    return text


def check_channels(key: str, value: object) -> str:
    names = [n.strip() for n in re.split(r"[,，\s]+", str(value or "")) if n.strip()]
    for n in names:
        if n not in CHANNELS:
            raise ValidationError(key, _("Unknown receiver {name}: use {names}").format(
                name=n, names=", ".join(CHANNELS)))
    return ",".join(dict.fromkeys(names))


def check_mobiles(key: str, value: object) -> str:
    names = [n.strip() for n in re.split(r"[,，\s]+", str(value or "")) if n.strip()]
    for n in names:
        if n != "@all" and not MOBILE_RE.match(n):
            raise ValidationError(key, _("Not a mobile number: {value}").format(value=n[:20]))
    if len(names) > 20:
        raise ValidationError(key, _("At most {n} mobile numbers").format(n=20))
    return ",".join(dict.fromkeys(names))


def check_department_mobiles(key: str, value: object) -> str:
    """``engineering=13800138000,13900139000; cleaning=13700137000``: who hears of a
    complaint's deadline by its department (codes from data/complaints.toml)."""
    from ...reference import load_reference

    ref = load_reference()
    parts = [p.strip() for p in re.split(r"[;；\n]+", str(value or "")) if p.strip()]
    out = []
    for part in parts:
        code, sep, mobiles = part.partition("=")
        code = code.strip()
        try:
            ref.department(code)
        except LookupError:
            raise ValidationError(key, _("Unknown department {code}: write code=mobiles; ...").format(code=code[:20])) from None
        if not sep or not mobiles.strip():
            raise ValidationError(key, _("Unknown department {code}: write code=mobiles; ...").format(code=code[:20]))
        out.append(f"{code}={check_mobiles(key, mobiles)}")
    return ";".join(out)


def department_mobiles(conf: Any, department: str) -> list[str]:
    for part in str(getattr(conf, "notify_department_mobiles", "") or "").split(";"):
        code, _sep, mobiles = part.partition("=")
        if code == department:
            return [m for m in mobiles.split(",") if m]
    return []


def check_msgtype(key: str, value: object) -> str:
    text = str(value or "").strip() or "text"
    if text not in ("text", "markdown"):
        raise ValidationError(key, _("Must be text or markdown"))
    return text


def check_time_of_day(key: str, value: object) -> str:
    text = str(value or "").strip()
    if not text:
        return ""
    m = re.fullmatch(r"(\d{1,2}):(\d{2})", text)
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValidationError(key, _("A time of day like 08:30"))
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def check_bool(key: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on", "是", "开"):
        return True
    if text in ("0", "false", "no", "off", "否", "关"):
        return False
    raise ValidationError(key, _("Must be on or off"))


CHECKS = {
    **{k: check_url for k in URL_KEYS},
    **{k: check_secret for k in SECRET_KEYS},
    "notify_command": check_command,
    "wecom_msgtype": check_msgtype,
    "summary_time": check_time_of_day,
    "alert_bell": check_bool,
    "notify_department_mobiles": check_department_mobiles,
    **{f"notify_{e}_channels": check_channels for e in EVENTS},
    **{f"notify_{e}_mobiles": check_mobiles for e in EVENTS},
}
# who may change them: the receivers are security settings (managers)
MANAGER_KEYS = frozenset(URL_KEYS + SECRET_KEYS + ("notify_command",))


def shown_value(key: str, value: Any) -> Any:
    """A setting as listed to people: signing secrets and the tokens in bot addresses are
    masked (they let anyone post to the office's group)."""
    if key in SECRET_KEYS and value:
        return str(value)[:3] + "…"
    if key in URL_KEYS and value:
        parts = urllib.parse.urlsplit(str(value))
        query = "&".join(f"{k}={v[:3] + '…' if k in ('key', 'access_token', 'token') else v}"
                         for k, v in urllib.parse.parse_qsl(parts.query))
        return urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return value


def check_setting(key: str, value: object) -> Any:
    """The cleaned value of a notification setting, or ValidationError naming it."""
    return CHECKS[key](key, value)


# ---- what is sent ---------------------------------------------------------------------

def configured(conf: Any) -> list[str]:
    """Receivers that have an address (or command) set."""
    have = {"wecom": conf.wecom_webhook, "dingtalk": conf.dingtalk_webhook, "feishu": conf.feishu_webhook,
            "webhook": conf.webhook_url, "command": conf.notify_command}
    return [c for c in CHANNELS if str(have[c]).strip()]


def channels_for(conf: Any, event: str) -> list[str]:
    """The receivers of one kind of event: the ones named in its setting, else every one set."""
    named = [c for c in str(getattr(conf, f"notify_{event}_channels", "") or "").split(",") if c]
    ready = configured(conf)
    return [c for c in named if c in ready] if named else ready
