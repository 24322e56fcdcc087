"""Site settings: defaults from data/site.toml, overridden by rows in the database."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlmodel import select

from ...errors import ValidationError
from ...i18n import _
from ...models import Setting
from . import audit
from .context import ServiceContext
from .permissions import MANAGERS, SUPERVISORS, require


@dataclass
class SiteSettings:
    site_name: str = "和谐家园物业服务中心"
    time_zone: str = "Asia/Shanghai"
    idle_lock_minutes: int = 5
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    retention_days: int = 180
    notify_command: str = ""
    notify_timeout_seconds: int = 10
    # gate devices (wuye_tui/devices): the slip printer, auto-print per slip kind, the card reader
    printer_url: str = ""
    printer_timeout_seconds: int = 5
    printer_status_check: bool = True
    auto_print_visitor: bool = False
    auto_print_pass: bool = False
    auto_print_release: bool = False
    card_reader: str = ""
    # alarms (#12): the terminal bell, the receivers and who hears of what (services/notify.py)
    alert_bell: bool = True
    wecom_webhook: str = ""
    wecom_msgtype: str = "text"
    dingtalk_webhook: str = ""
    dingtalk_secret: str = ""
    feishu_webhook: str = ""
    feishu_secret: str = ""
    webhook_url: str = ""
    notify_major_channels: str = ""
    notify_major_mobiles: str = ""
    notify_escalate_channels: str = ""
    notify_escalate_mobiles: str = ""
    notify_reminder_channels: str = ""
    notify_reminder_mobiles: str = ""
    notify_summary_channels: str = ""
    notify_summary_mobiles: str = ""
    notify_department_mobiles: str = ""  # engineering=138...,139...; cleaning=137...
    summary_time: str = ""
    supervisor_pin_min_length: int = 4  # 6+ recommended; managers set it
    id_storage: str = "full"  # of a visitor's ID number: full / partial (first 6 + last 4) / checked
    truck_exit_needs_slip: bool = False  # a truck or van leaving shows its release slip
    site_address: str = ""  # printed on the letterhead of reply letters
    site_phone: str = ""  # the office's phone, on the letterhead and in letters
    printer: str = ""  # CUPS queue for `wuye print` and the print keys ("" = none configured)
    key_approver_pin: bool = False  # a staff member authorising a key loan confirms with his PIN


def _defaults() -> SiteSettings:
    from ...reference import load_reference

    s = SiteSettings()
    site = load_reference().site
    for f in fields(SiteSettings):
        if hasattr(site, f.name):
            setattr(s, f.name, getattr(site, f.name))
    s.site_name = site.label
    return s


def load(ctx: ServiceContext) -> SiteSettings:
    s = _defaults()
    with ctx.db.read() as session:
        rows = session.exec(select(Setting)).all()
    names = {f.name for f in fields(SiteSettings)}
    for row in rows:
        if row.key in names:
            setattr(s, row.key, json.loads(row.value))
    return s


ID_STORAGE = ("full", "partial", "checked")  # PIPL art. 19: store no more than needed

_INT_LIMITS = {
    "idle_lock_minutes": (1, 240),
    "lockout_attempts": (3, 20),
    "lockout_minutes": (1, 1440),
    "retention_days": (30, 3650),
    "notify_timeout_seconds": (1, 120),
    "printer_timeout_seconds": (1, 60),
    "supervisor_pin_min_length": (4, 8),
}
_BOOL_KEYS = {"printer_status_check", "auto_print_visitor", "auto_print_pass", "auto_print_release"}
_TRUE = {"1", "true", "yes", "on", "是", "开"}
_FALSE = {"0", "false", "no", "off", "否", "关"}
SITE_NAME_MAX = 40


def _check_site_name(value: Any) -> str:
    """Shown on every screen and letter: 1-40 printable characters, no markup brackets."""
    import unicodedata

    text = str(value if value is not None else "").strip()
    if not text:
        raise ValidationError("site_name", _("This field is required"))
    if len(text) > SITE_NAME_MAX:
        raise ValidationError("site_name", _("At most {n} characters").format(n=SITE_NAME_MAX))
    for ch in text:
        if unicodedata.category(ch)[0] == "C" or ch in "[]\\":
            raise ValidationError("site_name", _("Letters, digits, spaces and punctuation only (no [ ] \\ or "
                                                 "control characters)"))
    return text


def _check_notify_command(value: Any) -> str:
    """Empty, or a command line shlex can split."""
    import shlex

    text = str(value if value is not None else "").strip()
    if not text:
        return ""
    if any(unicodedata_category(ch) == "Cc" for ch in text):
        raise ValidationError("notify_command", _("No control characters"))
    try:
        argv = shlex.split(text)
    except ValueError as exc:
        raise ValidationError("notify_command", _("Not a command line: {reason}").format(reason=exc)) from None
    if not argv:
        return ""
    return text  # (whether the program exists is checked, and recorded, when it runs)


def unicodedata_category(ch: str) -> str:
    import unicodedata

    return unicodedata.category(ch)


_TEXT_LIMITS = {"site_address": 120, "site_phone": 40, "printer": 127}


def _text_setting(key: str, value: Any) -> str:
    import re

    from ...validators import clean_text

    text = clean_text(str(value or ""), field=key, max_len=_TEXT_LIMITS[key])
    if key == "printer" and text and not re.fullmatch(r"[A-Za-z0-9_.@-]+", text):
        raise ValidationError(key, _("A printer name is letters, digits and _ . - @ (as CUPS lists it)"))
    return text


def update(ctx: ServiceContext, **changes: Any) -> SiteSettings:
    """Change settings (supervisors; the notification command and lockout policy: managers)."""
    require(ctx.actor, SUPERVISORS, _("change site settings"))
    if {"notify_command", "lockout_attempts", "lockout_minutes", "supervisor_pin_min_length"} & changes.keys():
        require(ctx.actor, MANAGERS, _("change security settings"))
    from . import notify_settings as notify

    if notify.MANAGER_KEYS & changes.keys():
        require(ctx.actor, MANAGERS, _("change security settings"))
    current = load(ctx)
    names = {f.name for f in fields(SiteSettings)}
    for key, value in changes.items():
        if key not in names:
            raise ValidationError(key, _("Unknown setting"))
        if key in _INT_LIMITS:
            lo, hi = _INT_LIMITS[key]
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ValidationError(key, _("Must be a whole number")) from None
            if not lo <= value <= hi:
                raise ValidationError(key, _("Must be between {lo} and {hi}").format(lo=lo, hi=hi))
        elif key in _BOOL_KEYS:
            text = str(value).strip().lower()
            if isinstance(value, bool):
                pass
            elif text in _TRUE or text in _FALSE:
                value = text in _TRUE
            else:
                raise ValidationError(key, _("Must be on or off"))
        elif key in ("printer_url", "card_reader"):
            value = str(value or "").strip()
            if value:
                from ...devices.idcard import parse_reader_address
                from ...devices import DeviceError
                from ...devices.printer import parse_printer_url

                try:
                    parse_printer_url(value) if key == "printer_url" else parse_reader_address(value)
                except DeviceError as exc:
                    raise ValidationError(key, exc.message) from None
        elif key in notify.CHECKS:
            value = notify.check_setting(key, value)
        elif key == "site_name":
            value = _check_site_name(value)
        elif key == "notify_command":
            value = _check_notify_command(value)
        elif key == "truck_exit_needs_slip":
            text = str(value).strip().lower()
            if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise ValidationError(key, _("One of: {choices}").format(choices="true, false"))
            value = text in ("true", "1", "yes", "on")
        elif key == "id_storage":
            value = str(value).strip().lower()
            if value not in ID_STORAGE:
                raise ValidationError(key, _("One of: {choices}").format(choices=", ".join(ID_STORAGE)))
        elif key in _TEXT_LIMITS:
            value = _text_setting(key, value)
        elif isinstance(getattr(current, key), bool):
            text = str(value).strip().lower()
            if text not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
                raise ValidationError(key, _("Must be yes or no"))
            value = text in ("true", "1", "yes", "on")
        elif key == "time_zone":
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            try:
                ZoneInfo(str(value))
            except (ZoneInfoNotFoundError, ValueError):
                raise ValidationError(key, _("Unknown time zone")) from None
        changes[key] = value
    before = asdict(current)
    with ctx.db.write() as session:
        for key, value in changes.items():
            row = session.get(Setting, key)
            if row is None:
                session.add(Setting(key=key, value=json.dumps(value, ensure_ascii=False)))
            else:
                row.value = json.dumps(value, ensure_ascii=False)
        audit.record(session, ctx.actor, ctx.now(), "settings.update", "setting", "",
                     {k: before[k] for k in changes}, changes)
    return load(ctx)
