"""Site settings: defaults from data/site.toml, overridden by rows in the database."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from typing import Any

from sqlmodel import select

from ..errors import ValidationError
from ..i18n import _
from ..models import Setting
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
    key_approver_pin: bool = False  # a staff member authorising a key loan confirms with his PIN


def _defaults() -> SiteSettings:
    from ..reference import load_reference

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


_INT_LIMITS = {
    "idle_lock_minutes": (1, 240),
    "lockout_attempts": (3, 20),
    "lockout_minutes": (1, 1440),
    "retention_days": (30, 3650),
    "notify_timeout_seconds": (1, 120),
}


def update(ctx: ServiceContext, **changes: Any) -> SiteSettings:
    """Change settings (supervisors; the notification command and lockout policy: managers)."""
    require(ctx.actor, SUPERVISORS, _("change site settings"))
    if {"notify_command", "lockout_attempts", "lockout_minutes"} & changes.keys():
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
