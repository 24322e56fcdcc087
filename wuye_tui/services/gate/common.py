"""Field checks shared by the gate services, the gate screens and the CLI.

Each function takes the raw text a guard typed and returns the normalised value or raises
``ValidationError(field, message)`` naming the form field. Choices (ID type, purpose,
approval, refusal reason, vehicle kind) accept the number shown beside them, the code or
the label in either language.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from typing import Any

from sqlalchemy import and_, bindparam, or_, select
from sqlmodel import Session

from ...errors import Conflict, ValidationError
from ...i18n import _
from ...reference import load_reference
from ...models import Unit
from ...models.gate import WatchEntry
from ...validators import ID_TYPES, clean_text, compact, id_type_label, mask_id_number, validate_int
from ..core import audit
from ..core.context import Actor, ServiceContext
from ..core.permissions import GATE, require
from ..core.roster import get_unit

MAX_HEADCOUNT = 50
MAX_STAY_HOURS = 72


class WatchListHit(Conflict):
    """A check-in or vehicle entry matched the watch list: blocked until a supervisor
    overrides with their PIN."""

    def __init__(self, message: str, hits: list[str]) -> None:
        super().__init__(message)
        self.hits = hits


def ref():  # type: ignore[no-untyped-def]
    return load_reference()


def _choose(value: str, options: Sequence[tuple[str, str]], field: str, what: str) -> str:
    """options: (code, label). Accepts 1-based number, code or label (either language)."""
    s = compact(value).lower()
    raw = clean_text(value, field=field, max_len=60)
    if not s:
        raise ValidationError(field, _("This field is required"))
    if s.isdigit():
        n = int(s)
        if 1 <= n <= len(options):
            return options[n - 1][0]
    for code, label in options:
        if s == code.lower() or raw == label or raw.lower() == label.lower():
            return code
    matches = [code for code, label in options if label.startswith(raw) or code.startswith(s)]
    if len(matches) == 1:
        return matches[0]
    raise ValidationError(field, _("Choose a {what} by its number").format(what=what))


def choice_hint(options: Sequence[tuple[str, str]]) -> str:
    return " ".join(f"{i}{label}" for i, (_code, label) in enumerate(options, 1))


def id_type_options() -> list[tuple[str, str]]:
    return [(t, id_type_label(t)) for t in ID_TYPES]


def purpose_options() -> list[tuple[str, str]]:
    return [(p.code, p.label) for p in ref().visit_purposes]


def approval_options() -> list[tuple[str, str]]:
    return [(a.code, a.label) for a in ref().approval_methods]


def refusal_options() -> list[tuple[str, str]]:
    return [(r.code, r.label) for r in ref().refusal_reasons]


def vehicle_kind_options() -> list[tuple[str, str]]:
    return [(k.code, k.label) for k in ref().vehicle_kinds]


def parse_id_type(value: str, field: str = "id_type") -> str:
    return _choose(value, id_type_options(), field, _("ID type"))


def parse_purpose(value: str, field: str = "purpose") -> str:
    return _choose(value, purpose_options(), field, _("purpose"))


def parse_approval(value: str, field: str = "approval") -> str:
    return _choose(value, approval_options(), field, _("approval method"))


def parse_refusal(value: str, field: str = "reason") -> str:
    return _choose(value, refusal_options(), field, _("reason"))


def parse_vehicle_kind(value: str, field: str = "kind") -> str:
    return _choose(value, vehicle_kind_options(), field, _("vehicle kind"))


def parse_headcount(value: object, field: str = "headcount") -> int:
    if value is None or (isinstance(value, str) and not value.strip()):
        return 1
    return validate_int(value, field, 1, MAX_HEADCOUNT)


def parse_stay_hours(value: object, field: str = "stay") -> float | None:
    """Expected stay in hours ("" = the purpose's default); 0.5 to 72."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    s = compact(value)
    try:
        hours = float(s)
    except ValueError:
        raise ValidationError(field, _("Type the expected stay in hours, e.g. 2 or 1.5")) from None
    if not 0.5 <= hours <= MAX_STAY_HOURS:
        raise ValidationError(field, _("The expected stay is between 0.5 and {n} hours").format(n=MAX_STAY_HOURS))
    return hours


def expected_out(now: datetime, purpose: str, stay_hours: float | None) -> datetime:
    if stay_hours is not None:
        return now + timedelta(hours=stay_hours)
    return now + timedelta(minutes=ref().visit_stay_minutes(purpose))


def prefix_range(column, text: str):  # type: ignore[no-untyped-def]
    """An index-friendly prefix match: a range the B-tree can seek, plus LIKE to be exact."""
    from ...textsafe import LIKE_ESCAPE, like_escape

    return and_(column >= text, column < text + "\U0010ffff", column.like(like_escape(text) + "%", escape=LIKE_ESCAPE))


def supervisor_only(actor: Actor | None) -> Actor | None:
    if actor is not None and not actor.is_supervisor:
        raise ValidationError("override", _("Only a supervisor may override"))
    return actor


# --------------------------------------------------------------------------- units


def resolve_unit(ctx: ServiceContext, value: object, field: str = "unit") -> Unit:
    text = clean_text(value, field=field, max_len=80, required=True)
    try:
        return get_unit(ctx, text)
    except ValidationError as exc:
        raise ValidationError(field, exc.message) from None


# --------------------------------------------------------------------------- watch list


_W = WatchEntry.__table__
_WATCH_HITS = (select(_W.c.name, _W.c.id_number, _W.c.plate, _W.c.reason)
               .where(_W.c.active.is_(True), or_(_W.c.name == bindparam("name"), _W.c.id_number == bindparam("id_number"),
                                                _W.c.plate == bindparam("plate")),
                      or_(_W.c.valid_from.is_(None), _W.c.valid_from <= bindparam("now")),
                      or_(_W.c.valid_until.is_(None), _W.c.valid_until > bindparam("now")))
               .order_by(_W.c.id).limit(20))


def watch_hits(session: Session, name: str = "", id_number: str = "", plate: str = "",
               now: datetime | None = None) -> list[str]:
    """Reasons of the active watch-list entries matching a name, an ID number or a plate,
    valid at ``now`` (an entry may carry a validity period); all of them, up to 20."""
    if not (name or id_number or plate):
        return []
    from datetime import timezone

    # Missing values are NULL, which never equals anything: one prebuilt statement serves all.
    rows = session.connection().execute(
        _WATCH_HITS, {"name": name or None, "id_number": id_number or None, "plate": plate or None,
                      "now": now or datetime.now(timezone.utc)}).all()
    return [" ".join(x for x in (r[0], mask_id_number(r[1]) if r[1] else "", r[2], r[3]) if x) for r in rows]


def check_watch(ctx: ServiceContext, name: str = "", id_number: str = "", plate: str = "") -> list[str]:
    require(ctx.actor, GATE, _("check the watch list"))
    with ctx.db.read() as session:
        return watch_hits(session, name, id_number, plate, now=ctx.now())


def _blocked(hits: list[str]) -> WatchListHit:
    # one hit a line: several hits stay readable in the PIN dialog and the message line
    return WatchListHit(_("Watch list: {hits}. Entry needs a supervisor PIN.").format(hits="\n".join(hits)), hits)


def record_watch_hit(ctx: ServiceContext, hits: list[str], entity: str, detail: dict[str, Any]) -> None:
    """A watch-list hit is part of the record whatever the guard does next (override,
    refusal or walking away with Esc): its own short write, ``gate.watch_hit`` in the audit
    trail, listed for supervisors by ``recent_watch_hits``."""
    with ctx.db.write() as session:
        audit.record(session, ctx.actor, ctx.now(), "gate.watch_hit", entity, "", after={"hits": hits, **detail})
