"""The reminder rules an office edits in ``data/reminders.toml`` (or its copy named by
``WUYE_DATA_DIR``): which reminders run, for whom, how early, and whether they notify.
Parsed once and cached; a bad file is one line naming the file and key (``ConfigError``)."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...errors import ConfigError
from ...i18n import N_, _
from .context import ROLES

SHOW_HOURS = 24
FILE = "reminders.toml"

RULES: dict[str, dict[str, Any]] = {
    # rule -> its parameters with defaults
    "complaint_due": {"hours_before": 2},
    "complaint_overdue": {},
    "complaint_unconfirmed": {"days": 3},
    "patrol_missed": {"grace_minutes": 0},
    "key_overdue": {},
    "visitor_overstay": {"grace_minutes": 30},
    "vehicle_overstay": {"hours": 12},
    "permit_ending": {"days_before": 1},
    "escalation_unacknowledged": {"minutes": 10},
    "summary": {},
}
RULE_LABELS = {
    "complaint_due": N_("Complaint reply due soon"), "complaint_overdue": N_("Complaint reply overdue"),
    "complaint_unconfirmed": N_("Reply not confirmed"), "patrol_missed": N_("Patrol round not walked"),
    "key_overdue": N_("Key not returned"), "visitor_overstay": N_("Visitor past expected stay"),
    "vehicle_overstay": N_("Vehicle past expected stay"), "permit_ending": N_("Renovation permit ending"),
    "escalation_unacknowledged": N_("Escalation sent up"), "summary": N_("Daily summary"),
}


def rule_label(rule: str) -> str:
    return _(RULE_LABELS[rule]) if rule in RULE_LABELS else rule


@dataclass(frozen=True)
class Rule:
    code: str
    enabled: bool = True
    roles: tuple[str, ...] = ("supervisor",)
    notify: bool = False
    params: dict[str, float] = field(default_factory=dict)

    def __getattr__(self, name: str) -> float:
        try:
            return self.params[name]
        except KeyError:
            raise AttributeError(name) from None


def _folder() -> tuple[Path, str]:
    env = os.environ.get("WUYE_DATA_DIR")
    if env and (Path(env) / FILE).is_file():
        return Path(env), env
    from ...reference import _packaged_folder

    folder, prefix = _packaged_folder()
    return Path(str(folder)), prefix


def parse_rules(text: str, display: str) -> dict[str, Rule]:
    """Check the whole file: each problem names the file and the key."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{display}: {exc}") from None
    rules: dict[str, Rule] = {}
    for code, table in data.items():
        if code not in RULES:
            raise ConfigError(f"{display}: [{code}]: " + _("unknown rule (known: {names})").format(
                names=", ".join(RULES)))
        if not isinstance(table, dict):
            raise ConfigError(f"{display}: {code}: " + _("must be a table [{name}]").format(name=code))
        params = dict(RULES[code])
        for key, value in table.items():
            where = f"{display}: {code}.{key}"
            if key == "enabled" or key == "notify":
                if not isinstance(value, bool):
                    raise ConfigError(f"{where}: " + _("must be true or false"))
            elif key == "roles":
                if not isinstance(value, list) or not value or any(r not in ROLES for r in value):
                    raise ConfigError(f"{where}: " + _("must list roles from {names}").format(names=", ".join(ROLES)))
            elif key in params:
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 10000:
                    raise ConfigError(f"{where}: " + _("must be a number from 0 to 10000"))
                params[key] = float(value)
            else:
                raise ConfigError(f"{where}: " + _("unknown key"))
        rules[code] = Rule(code, bool(table.get("enabled", True)), tuple(table.get("roles", ("supervisor",))),
                           bool(table.get("notify", False)), params)
    for code in RULES:
        rules.setdefault(code, Rule(code, False, params=dict(RULES[code])))
    return rules


@lru_cache(maxsize=4)
def _load(folder: str, display: str) -> dict[str, Rule]:
    path = Path(folder) / FILE
    return parse_rules(path.read_text(encoding="utf-8"), f"{display}/{FILE}")


def load_rules() -> dict[str, Rule]:
    folder, display = _folder()
    return _load(str(folder), display)


# ---- claiming -------------------------------------------------------------------------
