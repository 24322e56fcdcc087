"""Typed, immutable objects for the reference data in ``data/*.toml``.

Loaded and validated by :mod:`wuye_tui.reference` into one :class:`Reference`. Every
entry has a stable ASCII ``code`` (what the database stores) and ``zh`` / ``en`` display
names; ``.label`` picks one by the current UI language. Times are local wall-clock times
of the site.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, ClassVar, Generic, TypeVar

from wuye_tui.i18n import _, get_language

from .base import MINUTES_PER_DAY, Named, _Labelled, minute_of_day, time_of_minute  # noqa: F401  (re-exported)
from .duty import (
    Checkpoint,
    DutyType,
    Equipment,
    KeyPurpose,
    MissedRoundReason,
    PatrolItem,
    Post,
    Route,
    Severity,
    Shift,
    SiteDefaults,
)

# --- complaints.toml -----------------------------------------------------------------


@dataclass(frozen=True)
class Category(Named):
    kind: str  # "complaint" | "request" | "suggestion"
    deadline_hours: int  # service deadline (SLA) from receipt
    department: str  # default department code for dispatch
    collective: bool = True  # several households can complain together about it (false: in-unit matters)

    @property
    def deadline(self) -> timedelta:
        return timedelta(hours=self.deadline_hours)


@dataclass(frozen=True)
class Cause(Named):
    hint_zh: str = ""
    hint_en: str = ""

    @property
    def hint(self) -> str:
        return self.hint_en if get_language() == "en" else self.hint_zh


@dataclass(frozen=True)
class Department(Named):
    pass


@dataclass(frozen=True)
class Channel(Named):
    written_reply: bool = False  # a written complaint gets a written reply (article 1)


@dataclass(frozen=True)
class ComplainantKind(Named):
    pass


@dataclass(frozen=True)
class MajorType(Named):
    reply_hours: int  # reply promised to the customer within this many hours

    @property
    def reply_within(self) -> timedelta:
        return timedelta(hours=self.reply_hours)


@dataclass(frozen=True)
class ReturnVisitMethod(Named):
    pass


@dataclass(frozen=True)
class Satisfaction(Named):
    score: int  # higher is better
    satisfied: bool  # counts towards the satisfaction rate
    reopens: bool = False  # always reopens the complaint (不满意); otherwise it may close


@dataclass(frozen=True)
class CollectiveSubject(Named):
    """A place or thing several households complain about together (电梯, 垃圾站...):
    found in a complaint's description or location by any of its keywords. ``shared``:
    one for the whole site (households of any building complain about the same one);
    otherwise each building has its own (only households of one building are together)."""

    keywords: tuple[str, ...] = ()
    shared: bool = False


@dataclass(frozen=True)
class ComplaintSettings:
    collective_window_hours: int
    collective_min_households: int
    return_visit_delay_days: int
    failed_contact_attempts: int
    collective_similarity_percent: int = 50  # descriptions this similar (character pairs) in one building
    collective_open_days: int = 7  # an unresolved collective still takes new households this long

    @property
    def collective_window(self) -> timedelta:
        return timedelta(hours=self.collective_window_hours)


# --- gate.toml -------------------------------------------------------------------------


@dataclass(frozen=True)
class VisitPurpose(Named):
    needs_pass: bool = False  # a contractor pass (临时出入证) is required
    stay_minutes: int | None = None  # expected stay; None = VisitorSettings default


@dataclass(frozen=True)
class RefusalReason(Named):
    pass


@dataclass(frozen=True)
class ApprovalMethod(Named):
    pass


@dataclass(frozen=True)
class VehicleKind(Named):
    needs_inspection: bool = False  # inspected, driver signs (article 5)


@dataclass(frozen=True)
class VisitorSettings:
    default_stay_hours: int
    night_hour: time
    prereg_valid_hours: int

    @property
    def default_stay(self) -> timedelta:
        return timedelta(hours=self.default_stay_hours)

    @property
    def prereg_valid(self) -> timedelta:
        return timedelta(hours=self.prereg_valid_hours)


@dataclass(frozen=True)
class RenovationHours:
    """Windows in which renovation work is allowed (article 6).

    Each window includes its start and excludes its end: with 08:00-12:00 and
    14:00-17:00, 08:00 and 11:59 are allowed, 12:00 and 17:00 are refused.
    """

    windows: tuple[tuple[time, time], ...]

    def allows(self, t: time | datetime) -> bool:
        if isinstance(t, datetime):
            t = t.time()
        t = t.replace(tzinfo=None)
        return any(start <= t < end for start, end in self.windows)

    @property
    def text(self) -> str:
        """``08:00-12:00, 14:00-17:00`` (ASCII, safe in any terminal)."""
        return ", ".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in self.windows)


# --- everything -----------------------------------------------------------------------


T = TypeVar("T")


class _Lookup(Generic[T]):
    """``ref.category(code)``: a typed lookup of one collection of :class:`Reference`."""

    def __init__(self, collection: str) -> None:
        self.collection = collection

    def __get__(self, ref: Reference | None, owner: type | None = None) -> Callable[[str], T]:
        if ref is None:
            return self  # type: ignore[return-value]  # accessed on the class
        return lambda code: ref.find(self.collection, code)


@dataclass(frozen=True)
class Reference:
    source: str  # where it was read from: "data" (the shipped files) or a folder path
    categories: tuple[Category, ...]
    causes: tuple[Cause, ...]
    departments: tuple[Department, ...]
    channels: tuple[Channel, ...]
    complainant_kinds: tuple[ComplainantKind, ...]
    major_types: tuple[MajorType, ...]
    return_visit_methods: tuple[ReturnVisitMethod, ...]
    satisfactions: tuple[Satisfaction, ...]
    complaint_settings: ComplaintSettings
    visit_purposes: tuple[VisitPurpose, ...]
    refusal_reasons: tuple[RefusalReason, ...]
    approval_methods: tuple[ApprovalMethod, ...]
    vehicle_kinds: tuple[VehicleKind, ...]
    visitor: VisitorSettings
    renovation: RenovationHours
    shifts: tuple[Shift, ...]
    posts: tuple[Post, ...]
    equipment: tuple[Equipment, ...]
    duty_types: tuple[DutyType, ...]
    severities: tuple[Severity, ...]
    missed_round_reasons: tuple[MissedRoundReason, ...]
    routes: tuple[Route, ...]
    items: tuple[PatrolItem, ...]
    site: SiteDefaults
    key_purposes: tuple[KeyPurpose, ...]
    collective_subjects: tuple[CollectiveSubject, ...] = ()
    _index: dict[str, dict[str, Any]] = field(default_factory=dict, init=False, repr=False, compare=False)

    # Collection names accepted by find()/label(), singular as in the TOML files.
    COLLECTIONS: ClassVar[dict[str, str]] = {
        "category": "categories",
        "cause": "causes",
        "department": "departments",
        "channel": "channels",
        "complainant_kind": "complainant_kinds",
        "major_type": "major_types",
        "return_visit_method": "return_visit_methods",
        "satisfaction": "satisfactions",
        "visit_purpose": "visit_purposes",
        "refusal_reason": "refusal_reasons",
        "approval_method": "approval_methods",
        "vehicle_kind": "vehicle_kinds",
        "shift": "shifts",
        "post": "posts",
        "equipment": "equipment",
        "duty_type": "duty_types",
        "severity": "severities",
        "missed_round_reason": "missed_round_reasons",
        "route": "routes",
        "item": "items",
        "key_purpose": "key_purposes",
        "collective_subject": "collective_subjects",
    }

    def __post_init__(self) -> None:
        for name, attr in self.COLLECTIONS.items():
            self._index[name] = {o.code: o for o in getattr(self, attr)}
        points = [cp for r in self.routes for cp in r.checkpoints]
        self._index["checkpoint"] = {cp.code: cp for cp in points}
        self._index["tag"] = {cp.tag: cp for cp in points}

    # generic access
    def find(self, collection: str, code: str) -> Any:
        """The entry ``code`` of ``collection`` ("category", "checkpoint"...); LookupError."""
        try:
            return self._index[collection][code]
        except KeyError:
            raise LookupError(
                _("Unknown {collection} code: {code}").format(collection=collection, code=code)
            ) from None

    def codes(self, collection: str) -> tuple[str, ...]:
        return tuple(self._index[collection])

    def label(self, collection: str, code: str | None) -> str:
        """Display name of ``code``; the code itself if unknown, "" for None. Never raises."""
        if code is None:
            return ""
        entry = self._index.get(collection, {}).get(code)
        return entry.label if entry is not None else code

    # typed lookups: ref.category("parking") -> Category; LookupError for an unknown code
    category = _Lookup[Category]("category")
    cause = _Lookup[Cause]("cause")
    department = _Lookup[Department]("department")
    channel = _Lookup[Channel]("channel")
    complainant_kind = _Lookup[ComplainantKind]("complainant_kind")
    major_type = _Lookup[MajorType]("major_type")
    return_visit_method = _Lookup[ReturnVisitMethod]("return_visit_method")
    satisfaction = _Lookup[Satisfaction]("satisfaction")
    visit_purpose = _Lookup[VisitPurpose]("visit_purpose")
    refusal_reason = _Lookup[RefusalReason]("refusal_reason")
    approval_method = _Lookup[ApprovalMethod]("approval_method")
    vehicle_kind = _Lookup[VehicleKind]("vehicle_kind")
    shift = _Lookup[Shift]("shift")
    post = _Lookup[Post]("post")
    equipment_item = _Lookup[Equipment]("equipment")
    duty_type = _Lookup[DutyType]("duty_type")
    severity = _Lookup[Severity]("severity")
    missed_round_reason = _Lookup[MissedRoundReason]("missed_round_reason")
    route = _Lookup[Route]("route")
    item = _Lookup[PatrolItem]("item")
    checkpoint = _Lookup[Checkpoint]("checkpoint")
    key_purpose = _Lookup[KeyPurpose]("key_purpose")

    def checkpoint_by_tag(self, tag: str) -> Checkpoint:
        """The checkpoint whose site tag is ``tag`` (case and surrounding spaces ignored)."""
        return self.find("tag", tag.strip().upper())

    # helpers
    def categories_of_kind(self, kind: str) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.kind == kind)

    def shift_for(self, local: datetime | time) -> Shift:
        """The shift covering a local (site time zone) wall-clock time. Shifts cover the
        day exactly once (checked on load), so there is always one."""
        return next(s for s in self.shifts if s.contains(local))

    def visit_stay_minutes(self, purpose_code: str | None) -> int:
        """Expected stay for a purpose; the visitor default for an unknown or no purpose."""
        purpose = self._index["visit_purpose"].get(purpose_code or "")
        if purpose is not None and purpose.stay_minutes is not None:
            return purpose.stay_minutes
        return self.visitor.default_stay_hours * 60
