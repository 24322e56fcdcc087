"""Reference data: categories, causes, shifts, routes... loaded from ``data/*.toml``.

The folder is, in order: the ``folder`` argument; ``$WUYE_DATA_DIR`` (an office's
edited copy); the package ``wuye_tui.data`` (where the wheel installs ``data/``); the
``data/`` folder beside the package (a source checkout).

Every file is validated whole. A problem raises :class:`ConfigError` with one line that
names the file and the key, e.g.
``data/shifts.toml: shift[2].start: "25:00" is not a time HH:MM``. Array entries are
counted from 1, as an office would count them in the file. The shipped files are named
``data/<file>``; an office copy by its full path.

Lookups (``ref.category("parking")``) raise :class:`LookupError` for an unknown code;
``ref.label("category", code)`` never raises (old records may hold codes an office has
since removed) and falls back to the code itself.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from collections.abc import Callable
from datetime import time
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wuye_tui.errors import ConfigError
from wuye_tui.i18n import _
from wuye_tui.reference.models import (
    MINUTES_PER_DAY,
    ApprovalMethod,
    Category,
    Cause,
    Channel,
    Checkpoint,
    ComplainantKind,
    CollectiveSubject,
    ComplaintSettings,
    Department,
    DutyType,
    Equipment,
    KeyPurpose,
    MajorType,
    MissedRoundReason,
    Named,
    PatrolItem,
    Post,
    Reference,
    RefusalReason,
    RenovationHours,
    ReturnVisitMethod,
    Route,
    Satisfaction,
    Severity,
    Shift,
    SiteDefaults,
    VehicleKind,
    VisitorSettings,
    VisitPurpose,
    minute_of_day,
    time_of_minute,
)

__all__ = ["ENV_VAR", "Reference", "clear_reference_cache", "load_reference", "read_folder"]

ENV_VAR = "WUYE_DATA_DIR"
FILES = ("complaints.toml", "gate.toml", "shifts.toml", "patrol.toml", "site.toml")
CATEGORY_KINDS = ("complaint", "request", "suggestion")
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")
_MISSING: Any = object()
N = TypeVar("N", bound=Named)


# --- reading and checking one TOML table --------------------------------------------


def _expected(kind: str, value: Any) -> str:
    return _("expected {kind}, got {value}").format(kind=kind, value=_show(value))


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return _("a table")
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _parse_time(value: Any, fail: Callable[[str], None]) -> time:
    """Accept "HH:MM" strings and TOML local times (07:00:00) without seconds."""
    if isinstance(value, time) and not (value.tzinfo or value.second or value.microsecond):
        return value
    m = _HHMM.match(value) if isinstance(value, str) else None
    if m and int(m.group(1)) < 24 and int(m.group(2)) < 60:
        return time(int(m.group(1)), int(m.group(2)))
    fail(_("{value} is not a time HH:MM").format(value=_show(value)))
    raise AssertionError  # pragma: no cover - fail() raises


class _Table:
    """One TOML table with its dotted key path; every accessor checks the type."""

    def __init__(self, file: str, path: str, data: Any) -> None:
        self.file, self.path, self.data = file, path, data
        self.used: set[str] = set()
        if not isinstance(data, dict):
            raise ConfigError(f"{file}: {path}: {_expected(_('a table'), data)}")

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str, message: str) -> None:
        raise ConfigError(f"{self.file}: {self.key(name)}: {message}")

    def raw(self, name: str, default: Any = _MISSING) -> Any:
        self.used.add(name)
        if name in self.data:
            return self.data[name]
        if default is _MISSING:
            self.fail(name, _("is missing"))
        return default

    def _typed(self, name: str, default: Any, ok: type, kind: str) -> Any:
        value = self.raw(name, default)
        if name in self.data and (not isinstance(value, ok) or isinstance(value, bool) != (ok is bool)):
            self.fail(name, _expected(kind, value))
        return value

    def text(self, name: str, default: Any = _MISSING) -> str:
        value = self._typed(name, default, str, _("a string"))
        if name in self.data and not value.strip():
            self.fail(name, _("must not be empty"))
        return value

    def integer(self, name: str, default: Any = _MISSING, minimum: int = 0) -> int:
        value = self._typed(name, default, int, _("an integer"))
        if name in self.data and value < minimum:
            message = _("must be at least {minimum}, got {value}")
            self.fail(name, message.format(minimum=minimum, value=value))
        return value

    def flag(self, name: str, default: Any = _MISSING) -> bool:
        return self._typed(name, default, bool, _("true or false"))

    def clock(self, name: str, default: Any = _MISSING) -> time:
        value = self.raw(name, default)
        if name not in self.data:
            return value
        return _parse_time(value, lambda message: self.fail(name, message))

    def strings(self, name: str) -> tuple[str, ...]:
        value = self.raw(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(name, _expected(_("a list of strings"), value))
        if not value:
            self.fail(name, _("must not be empty"))
        return tuple(value)

    def code(self) -> str:
        value = self.text("code")
        if not _CODE.match(value):
            message = _("{value} is not a code (lower-case letters, digits and _)")
            self.fail("code", message.format(value=_show(value)))
        return value

    def table(self, name: str) -> _Table:
        return _Table(self.file, self.key(name), self.raw(name))

    def tables(self, name: str) -> list[_Table]:
        value = self.raw(name)
        if not isinstance(value, list) or not value:
            self.fail(name, _expected(_("a non-empty list of tables"), value))
        return [_Table(self.file, f"{self.key(name)}[{i}]", v) for i, v in enumerate(value, 1)]

    def done(self) -> None:
        """Reject keys nobody read: a misspelt optional key must not pass silently."""
        for name in self.data:
            if name not in self.used:
                self.fail(name, _("unknown key"))


# --- what each file holds ---------------------------------------------------------------

# A field is (accessor of _Table, *arguments after the key).
_TEXT, _INT, _POS, _TIME = ("text",), ("integer",), ("integer", _MISSING, 1), ("clock",)
_OFF = ("flag", False)
Fields = dict[str, tuple[Any, ...]]

# file -> [[array]] entries: (array name, class, fields besides code/zh/en)
_LISTS: dict[str, tuple[tuple[str, type[Named], Fields], ...]] = {
    "complaints.toml": (
        ("department", Department, {}),
        ("category", Category, {"kind": _TEXT, "deadline_hours": _POS, "department": _TEXT,
                                "collective": ("flag", True)}),
        ("cause", Cause, {"hint_zh": ("text", ""), "hint_en": ("text", "")}),
        ("channel", Channel, {"written_reply": _OFF}),
        ("complainant_kind", ComplainantKind, {}),
        ("major_type", MajorType, {"reply_hours": _POS}),
        ("return_visit_method", ReturnVisitMethod, {}),
        ("satisfaction", Satisfaction, {"score": _INT, "satisfied": ("flag",), "reopens": _OFF}),
    ),
    "gate.toml": (
        ("visit_purpose", VisitPurpose, {"needs_pass": _OFF, "stay_minutes": ("integer", None, 1)}),
        ("refusal_reason", RefusalReason, {}),
        ("approval_method", ApprovalMethod, {}),
        ("vehicle_kind", VehicleKind, {"needs_inspection": _OFF}),
    ),
    "shifts.toml": (
        ("shift", Shift, {"start": _TIME, "end": _TIME}),
        ("post", Post, {}),
        ("equipment", Equipment, {"default_count": _INT}),
        ("duty_type", DutyType, {}),
        ("severity", Severity, {"rank": _INT}),
        ("missed_round_reason", MissedRoundReason, {}),
    ),
    "patrol.toml": (("item", PatrolItem, {"severity": ("text", "warning"), "major_type": ("text", "")}),),  # routes: see _patrol()
    "site.toml": (("key_purpose", KeyPurpose, {}),),
}

# file -> its settings table: (table name, Reference attribute, class, fields unlike the
# default, which is taken from the class: str -> text, time -> HH:MM, int -> at least 1)
_SETTINGS: dict[str, tuple[str, str, type, Fields]] = {
    "complaints.toml": (
        "settings",
        "complaint_settings",
        ComplaintSettings,
        {"return_visit_delay_days": _INT, "collective_min_households": ("integer", _MISSING, 2),
         "collective_similarity_percent": ("integer", 50, 1), "collective_open_days": ("integer", 7, 0)},
    ),
    "gate.toml": ("visitor", "visitor", VisitorSettings, {}),
    "site.toml": ("site", "site", SiteDefaults, {}),
}
_BY_TYPE = {"str": _TEXT, "int": _POS, "time": _TIME}


def _values(t: _Table, fields: Fields) -> dict[str, Any]:
    return {name: getattr(t, spec[0])(name, *spec[1:]) for name, spec in fields.items()}


def _named(t: _Table, cls: type[N], fields: Fields, **extra: Any) -> N:
    obj = cls(code=t.code(), zh=t.text("zh"), en=t.text("en"), **_values(t, fields), **extra)
    t.done()
    return obj


def _unique(pairs: list[tuple[_Table, str]], what: str = "code") -> None:
    seen: set[str] = set()
    for t, value in pairs:
        if value in seen:
            t.fail(what, _("duplicate {what} {value}").format(what=what, value=_show(value)))
        seen.add(value)


def _entries(root: _Table, name: str, build: Callable[[_Table], N]) -> tuple[N, ...]:
    pairs = [(t, build(t)) for t in root.tables(name)]
    _unique([(t, obj.code) for t, obj in pairs])
    return tuple(obj for _t, obj in pairs)


def _known(t: _Table, name: str, value: str, allowed: Any, what: str) -> None:
    if value not in allowed:
        t.fail(name, _("unknown {what} {value}").format(what=what, value=_show(value)))


# --- checks beyond one entry -----------------------------------------------------------


def _complaints(root: _Table, parts: dict[str, Any]) -> None:
    if "collective_subject" in root.data:  # optional: an office's older copy may not have it
        fields: Fields = {"keywords": ("strings",), "shared": ("flag", False)}
        parts["collective_subjects"] = _entries(
            root, "collective_subject", lambda t: _named(t, CollectiveSubject, fields))
    departments = {d.code for d in parts["departments"]}
    for t, c in zip(root.tables("category"), parts["categories"], strict=True):
        _known(t, "kind", c.kind, CATEGORY_KINDS, _("category kind"))
        _known(t, "department", c.department, departments, _("department"))


def _gate(root: _Table, parts: dict[str, Any]) -> None:
    r = root.table("renovation")
    raw = r.raw("hours")
    if not isinstance(raw, list) or not raw:
        r.fail("hours", _expected(_('a list of ["HH:MM", "HH:MM"] pairs'), raw))
    windows: list[tuple[time, time]] = []
    for i, pair in enumerate(raw, 1):

        def bad(message: str, i: int = i) -> None:
            r.fail(f"hours[{i}]", message)

        if not isinstance(pair, list) or len(pair) != 2:
            bad(_expected(_('a pair ["HH:MM", "HH:MM"]'), pair))
        start, end = _parse_time(pair[0], bad), _parse_time(pair[1], bad)
        if end <= start:
            bad(_("the end must be later than the start"))
        if windows and start < windows[-1][1]:
            bad(_("windows must be in order and must not overlap"))
        windows.append((start, end))
    r.done()
    parts["renovation"] = RenovationHours(tuple(windows))


def _shifts(root: _Table, parts: dict[str, Any]) -> None:
    cover = [0] * MINUTES_PER_DAY
    for s in parts["shifts"]:
        first = minute_of_day(s.start)
        for m in range(int(s.duration.total_seconds()) // 60):
            cover[(first + m) % MINUTES_PER_DAY] += 1
    for m, n in enumerate(cover):
        if n != 1:
            message = _("{time} is covered by {n} shifts")
            if n == 0:
                message = _("{time} is not covered by any shift")
            root.fail("shift", message.format(time=f"{time_of_minute(m):%H:%M}", n=n))


def _patrol(root: _Table, parts: dict[str, Any]) -> None:
    item_codes = {i.code for i in parts["items"]}
    points: list[tuple[_Table, Checkpoint]] = []

    def checkpoint(t: _Table, route: str) -> Checkpoint:
        codes = t.strings("items")
        for i, code in enumerate(codes, 1):
            _known(t, f"items[{i}]", code, item_codes, _("patrol item"))
        tag = t.text("tag").strip().upper()
        points.append((t, _named(t, Checkpoint, {}, tag=tag, items=codes, route=route)))
        return points[-1][1]

    def route(t: _Table) -> Route:
        code = t.code()
        cps = tuple(checkpoint(c, code) for c in t.tables("checkpoint"))
        fields = {
            "interval_minutes": _POS,
            "min_seconds_per_checkpoint": _INT,
            "first_round": ("clock", time(0, 0)),
            "last_round": ("clock", None),
        }
        return _named(t, Route, fields, checkpoints=cps)

    parts["routes"] = _entries(root, "route", route)
    _unique([(t, cp.code) for t, cp in points])
    _unique([(t, cp.tag) for t, cp in points], "tag")


def _site(root: _Table, parts: dict[str, Any]) -> None:
    s, site = root.table("site"), parts["site"]
    if site.fee_due_day > 28:
        s.fail("fee_due_day", _("must be between 1 and 28"))
    try:
        ZoneInfo(site.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        s.fail("time_zone", _("unknown time zone {value}").format(value=_show(site.time_zone)))


_CHECKS = {
    "complaints.toml": _complaints,
    "gate.toml": _gate,
    "shifts.toml": _shifts,
    "patrol.toml": _patrol,
    "site.toml": _site,
}


def _read_file(name: str, root: _Table, parts: dict[str, Any]) -> None:
    if name in _SETTINGS:
        table, attr, cls, special = _SETTINGS[name]
        t = root.table(table)
        fields = {
            f.name: special.get(f.name, _BY_TYPE[getattr(f.type, "__name__", f.type)])
            for f in dataclasses.fields(cls)
        }
        parts[attr] = cls(**_values(t, fields))
        t.done()
    for array, cls, fields in _LISTS[name]:
        attr = Reference.COLLECTIONS[array]
        parts[attr] = _entries(root, array, lambda t, c=cls, f=fields: _named(t, c, f))
    _CHECKS[name](root, parts)
    root.done()


# --- loading ---------------------------------------------------------------------------


def _read(folder: Traversable, name: str, display: str) -> dict[str, Any]:
    entry = folder / name
    if not entry.is_file():
        raise ConfigError(f"{display}: " + _("file not found"))
    try:
        return tomllib.loads(entry.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{display}: " + _("not UTF-8 text")) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{display}: " + _("TOML syntax error: {error}").format(error=exc)) from None


def read_folder(folder: Traversable, display_prefix: str | None = None) -> Reference:
    """Read and validate every file of ``folder``. ``display_prefix`` names the folder in
    error messages (default: the folder's path)."""
    prefix = str(folder) if display_prefix is None else display_prefix
    parts: dict[str, Any] = {}
    for name in FILES:
        display = f"{prefix}/{name}"
        _read_file(name, _Table(display, "", _read(folder, name, display)), parts)
    return Reference(source=prefix, **parts)


def _packaged_folder() -> tuple[Traversable, str]:
    """``wuye_tui.data`` in an installed wheel, else ``data/`` beside the package."""
    try:
        folder = resources.files("wuye_tui.data")
        if (folder / FILES[0]).is_file():
            return folder, "data"
    except (ModuleNotFoundError, TypeError):
        pass
    return Path(__file__).resolve().parents[2] / "data", "data"  # wuye_tui/reference/ -> the checkout


@lru_cache(maxsize=4)
def _load_default(env_folder: str | None) -> Reference:
    if env_folder:
        return read_folder(Path(env_folder))
    folder, prefix = _packaged_folder()
    return read_folder(folder, prefix)


def load_reference(folder: Path | str | None = None) -> Reference:
    """The reference data. ``folder`` given: read it now (not cached). Otherwise
    ``$WUYE_DATA_DIR`` or the shipped ``data/``, read once and cached."""
    if folder is not None:
        return read_folder(Path(folder))
    return _load_default(os.environ.get(ENV_VAR) or None)


def clear_reference_cache() -> None:
    """Forget the cached default reference (after an office edited its files)."""
    _load_default.cache_clear()
