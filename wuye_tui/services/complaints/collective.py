"""Collective complaints (客户集体投诉, article 1: three households or more).

Rule, checked inside the intake transaction of every complaint:

- only complaints of a category that can be collective (``collective = true`` in
  data/complaints.toml; in-unit matters are not) of kind complaint, with a unit, and not
  already a major of their own (火灾, 电梯困人...) take part; a complaint a supervisor
  unlinked by hand is never linked again automatically;
- two complaints are about **the same problem** when they have the same category and
  1. the same location (the 地点 field, ignoring spaces, punctuation and width), or
  2. both name the same subject from ``[[collective_subject]]`` (电梯, 垃圾站...) in their
     description or location; a subject that is not ``shared`` (each building has its
     own lift) counts only within one building; or
  3. they are from the same building and their descriptions are similar: the Dice
     coefficient of their sets of adjacent character pairs is at least
     ``collective_similarity_percent`` % (default 50);
- when the new complaint is about the same problem as a member of an unresolved
  collective escalation received within ``collective_open_days`` (default 7), it JOINS
  that escalation: the title's household count
  is updated and a note is added, no second alert is raised;
- otherwise, when it and the not-yet-linked complaints about the same problem received
  within the window (default 24 hours, boundary counted) come from at least
  ``collective_min_households`` distinct households (the same household twice counts
  once), ONE collective escalation is raised linking them all.

The check reads only what it needs: two bounded queries on the (category, received_at)
index, a few columns each, the newest ``CANDIDATE_LIMIT`` rows at most.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from functools import cached_property

from sqlalchemy import func, select
from sqlmodel import Session

from ...errors import Conflict, ValidationError
from ...i18n import _
from ...models import Building, Escalation, EscalationEvent, Unit
from ...models.complaints import Complaint
from ...validators import clean_text
from ..core import audit
from .common import (
    DEFAULT_COLLECTIVE_HOUSEHOLDS,
    DEFAULT_COLLECTIVE_HOURS,
    add_event,
    load_for_update,
    ref_label,
    settings_value,
)
from ..core.context import ServiceContext
from ..core.permissions import SUPERVISORS, require

MAJOR_TYPE = "collective_complaint"
CANDIDATE_LIMIT = 300  # rows read per query, newest first: bounded whatever the register's size


def window() -> timedelta:
    return timedelta(hours=settings_value("collective_window_hours", DEFAULT_COLLECTIVE_HOURS))


def min_households() -> int:
    return settings_value("collective_min_households", DEFAULT_COLLECTIVE_HOUSEHOLDS)


def similarity_threshold() -> float:
    return settings_value("collective_similarity_percent", 50) / 100


def open_days() -> timedelta:
    return timedelta(days=settings_value("collective_open_days", 7))


# --- what a complaint is about ---------------------------------------------------------

_PUNCT = re.compile(r"[\s\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, spaces and punctuation removed."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text or "").lower())


def pairs(text: str) -> frozenset[str]:
    t = normalise(text)
    return frozenset(t[i:i + 2] for i in range(len(t) - 1)) if len(t) > 1 else frozenset({t} if t else ())


def similarity(a: str, b: str) -> float:
    """Dice coefficient of the adjacent character pairs of two texts (0..1)."""
    pa, pb = pairs(a), pairs(b)
    if not pa or not pb:
        return 0.0
    return 2 * len(pa & pb) / (len(pa) + len(pb))


_LEXICON: dict[int, tuple[object, re.Pattern[str] | None, dict[str, str], frozenset[str]]] = {}


def _lexicon(ref: object) -> tuple[re.Pattern[str] | None, dict[str, str], frozenset[str]]:
    """One pattern of every normalised keyword, keyword -> subject code, the shared codes;
    cached by the reference's identity (hashing the whole reference would cost more)."""
    hit = _LEXICON.get(id(ref))
    if hit is None or hit[0] is not ref:
        owner: dict[str, str] = {}
        for s in ref.collective_subjects:  # type: ignore[attr-defined]
            for w in s.keywords:
                if normalise(w):
                    owner.setdefault(normalise(w), s.code)
        words = sorted(owner, key=len, reverse=True)
        pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
        shared = frozenset(s.code for s in ref.collective_subjects if s.shared)  # type: ignore[attr-defined]
        _LEXICON.clear()
        hit = _LEXICON[id(ref)] = (ref, pattern, owner, shared)
    return hit[1], hit[2], hit[3]


def _subjects_of_text(text: str) -> frozenset[str]:
    from ...reference import load_reference

    pattern, owner, _shared_codes = _lexicon(load_reference())
    if pattern is None:
        return frozenset()
    found = set()
    for i in range(len(text)):  # overlapping keywords (垃圾站 / 站) all count
        m = pattern.match(text, i)
        if m:
            found.add(owner[m.group(0)])
    return frozenset(found)


def subjects(description: str, location: str) -> frozenset[str]:
    """Codes of the ``[[collective_subject]]`` entries named in the text."""
    return _subjects_of_text(normalise(f"{description} {location}"))


def _shared(code: str) -> bool:
    from ...reference import load_reference

    return code in _lexicon(load_reference())[2]


@dataclass
class Point:
    """The few columns of one complaint the rule reads."""

    id: int
    unit_id: int
    building_id: int | None
    building: str
    description: str
    location: str
    escalation_id: int | None
    recent: bool = True  # received within the window before the new complaint

    @cached_property
    def place(self) -> str:
        return normalise(self.location)

    @cached_property
    def subjects(self) -> frozenset[str]:
        return subjects(self.description, self.location)

    @cached_property
    def pairs(self) -> frozenset[str]:
        return pairs(self.description)


def same_problem(a: Point, b: Point, threshold: float | None = None) -> str:
    """Why ``a`` and ``b`` are about the same problem ("" when they are not): "place",
    a subject code, or "similar"."""
    if a.place and b.place and a.place == b.place:
        return "place"
    same_building = a.building_id is not None and a.building_id == b.building_id
    if a.subjects:  # b's subjects are only worked out when they could matter
        for code in sorted(a.subjects & b.subjects):
            if same_building or _shared(code):
                return code
    if same_building and a.pairs and b.pairs and \
            2 * len(a.pairs & b.pairs) / (len(a.pairs) + len(b.pairs)) >= \
            (similarity_threshold() if threshold is None else threshold):
        return "similar"
    return ""


def eligible(session: Session, c: Complaint) -> bool:
    from ...reference import load_reference

    if c.unit_id is None or c.kind != "complaint" or c.major_type or c.collective_opt_out:
        return False
    try:
        return bool(load_reference().category(c.category).collective)
    except LookupError:
        return False


def _point_query():  # type: ignore[no-untyped-def]
    return (select(Complaint.id, Complaint.unit_id, Unit.building_id, Building.name, Complaint.description,
                   Complaint.location, Complaint.escalation_id)
            .join(Unit, Unit.id == Complaint.unit_id).join(Building, Building.id == Unit.building_id, isouter=True))


def _point(session: Session, c: Complaint) -> Point:
    row = session.execute(_point_query().where(Complaint.id == c.id)).one()
    return Point(*row)


def _candidates(session: Session, new: Complaint) -> list[Point]:
    """Same category, eligible, received in the window before ``new`` (any), plus
    linked ones received within the open period (members of a running collective)."""
    since = new.received_at - window()
    base = (_point_query().where(Complaint.category == new.category).where(Complaint.id != new.id)
            .where(Complaint.major_type == "").where(Complaint.collective_opt_out.is_(False))
            .where(Complaint.kind == "complaint").order_by(Complaint.received_at.desc()).limit(CANDIDATE_LIMIT))
    recent = session.execute(base.where(Complaint.received_at >= since)
                             .where(Complaint.received_at <= new.received_at)).all()
    older = session.execute(base.where(Complaint.received_at >= new.received_at - max(open_days(), window()))
                            .where(Complaint.received_at < since)
                            .where(Complaint.escalation_id.is_not(None))).all()
    return [Point(*r) for r in recent] + [Point(*r, recent=False) for r in older]


# --- detection -------------------------------------------------------------------------


def detect_in(session: Session, ctx: ServiceContext, new: Complaint) -> Escalation | None:
    """Join ``new`` to the running collective about its problem, or raise one; returns a
    newly raised escalation (to notify after commit) or None."""
    from ..core import escalation

    if not eligible(session, new):
        return None
    me = _point(session, new)
    t = similarity_threshold()
    matches = [(p, why) for p in _candidates(session, new) if (why := same_problem(me, p, t))]
    if not matches:
        return None
    running = _running(session, ctx, {p.escalation_id for p, _w in matches if p.escalation_id is not None})
    if running:
        counts: dict[int, int] = {}
        for p, _w in matches:
            if p.escalation_id in running:
                counts[p.escalation_id] = counts.get(p.escalation_id, 0) + 1  # type: ignore[index]
        esc = running[max(counts, key=lambda e: (counts[e], e))]
        _join(session, ctx, new, esc, _("Complaint #{id} joined this collective complaint").format(id=new.id))
        return None
    cluster = [p for p, _w in matches if p.escalation_id is None and p.recent]
    homes = {me.unit_id} | {p.unit_id for p in cluster}
    if len(homes) < min_households():
        return None
    in_cluster = {p.id for p in cluster}
    reasons = [w for p, w in matches if p.id in in_cluster]
    members = sorted([me, *cluster], key=lambda p: p.id)
    title = _title(new.category, _subject_text(me, reasons), len(homes))
    detail = _("Complaints {ids} within {h} hours").format(
        ids=", ".join(f"#{p.id}" for p in members), h=int(window().total_seconds() // 3600))
    esc = escalation.raise_in(session, ctx, MAJOR_TYPE, "collective", ",".join(str(p.id) for p in members)[:200],
                              title, detail)
    for p in members:
        c = new if p.id == new.id else session.get(Complaint, p.id)
        assert c is not None
        _link(session, ctx, c, esc)
    return esc


def _running(session: Session, ctx: ServiceContext, ids: set[int]) -> dict[int, Escalation]:
    if not ids:
        return {}
    rows = session.execute(select(Escalation).where(Escalation.id.in_(sorted(ids)))
                           .where(Escalation.major_type == MAJOR_TYPE).where(Escalation.resolved_at.is_(None))
                           ).scalars().all()
    return {e.id: e for e in rows}  # type: ignore[misc]


def _subject_text(me: Point, reasons: list[str]) -> str:
    from ...reference import load_reference

    ref = load_reference()
    for why in reasons:
        if why not in ("place", "similar"):
            label = ref.label("collective_subject", why)
            return label if _shared(why) or not me.building else f"{me.building}{label}"
    if "place" in reasons and me.location:
        return me.location[:40]
    text = me.description.splitlines()[0][:20] if me.description else ""
    return f"{me.building} {text}".strip()


def _title(category: str, subject: str, n: int) -> str:
    # the alert bar puts the type's name (客户集体投诉) in front of it
    return _("{category}, {subject}: {n} households").format(
        category=ref_label("category", category), subject=subject, n=n)[:200]


def households(session: Session, esc_id: int) -> int:
    return int(session.execute(select(func.count(func.distinct(Complaint.unit_id)))
                               .where(Complaint.escalation_id == esc_id).where(Complaint.major_type == "")
                               ).scalar_one())


def _retitle(session: Session, esc: Escalation) -> None:
    """The alert says how many households are in it now (it is updated, not raised again)."""
    session.flush()
    n = households(session, esc.id)  # type: ignore[arg-type]
    esc.title = re.sub(r"\d+(?=\D*$)", str(n), esc.title, count=1)
    ids = session.execute(select(Complaint.id).where(Complaint.escalation_id == esc.id)
                          .where(Complaint.major_type == "").order_by(Complaint.id)).scalars().all()
    esc.source_id = ",".join(str(i) for i in ids)[:200]


def _join(session: Session, ctx: ServiceContext, c: Complaint, esc: Escalation, note: str) -> None:
    _link(session, ctx, c, esc)
    _retitle(session, esc)
    session.add(EscalationEvent(escalation_id=esc.id, at=ctx.now(), staff_id=ctx.actor.id, kind="note",  # type: ignore[arg-type]
                                note=note))
    audit.record(session, ctx.actor, ctx.now(), "complaint.collective_link", "complaint", c.id,
                 after={"escalation": esc.id})


def _link(session: Session, ctx: ServiceContext, c: Complaint, esc: Escalation) -> None:
    from ...clock import as_utc
    from .common import OPEN_STATUSES

    c.escalation_id = esc.id
    c.is_major = True
    if esc.reply_due_at is not None and c.status in OPEN_STATUSES:  # the collective's reply is owed to all
        c.due_at = min(as_utc(c.due_at), as_utc(esc.reply_due_at))
    add_event(session, c, ctx.now(), ctx.actor, "collective", note=_("Escalation #{id}").format(id=esc.id))


# --- by hand (supervisor) --------------------------------------------------------------


def link(ctx: ServiceContext, complaint_id: int, escalation_id: int, reason: str) -> Complaint:
    """A supervisor adds a complaint the rule missed to a collective complaint."""
    require(ctx.actor, SUPERVISORS, _("link a complaint to a collective complaint"))
    reason = clean_text(reason, field="reason", max_len=500, required=True)
    with ctx.db.write() as session:
        c = load_for_update(session, complaint_id)
        esc = session.get(Escalation, escalation_id)
        if esc is None or esc.major_type != MAJOR_TYPE:
            raise ValidationError("escalation", _("No collective complaint #{id}").format(id=escalation_id))
        if esc.resolved_at is not None:
            raise Conflict(_("Collective complaint #{id} is resolved").format(id=escalation_id))
        if c.major_type:
            raise Conflict(_("Complaint #{id} is a major complaint of its own").format(id=c.id))
        if c.escalation_id == esc.id:
            raise Conflict(_("Complaint #{id} is already part of collective complaint #{e}").format(
                id=c.id, e=esc.id))
        if c.escalation_id is not None:
            raise Conflict(_("Complaint #{id} is part of escalation #{e}: unlink it first").format(
                id=c.id, e=c.escalation_id))
        c.collective_opt_out = False
        _join(session, ctx, c, esc, _("Complaint #{id} linked by hand: {reason}").format(id=c.id, reason=reason))
    return c


def unlink(ctx: ServiceContext, complaint_id: int, reason: str) -> Complaint:
    """A supervisor takes a complaint out of its collective complaint (not the same
    problem); the rule will not link it again."""
    require(ctx.actor, SUPERVISORS, _("unlink a complaint from a collective complaint"))
    reason = clean_text(reason, field="reason", max_len=500, required=True)
    now = ctx.now()
    with ctx.db.write() as session:
        c = load_for_update(session, complaint_id)
        esc = session.get(Escalation, c.escalation_id) if c.escalation_id is not None else None
        if esc is None or esc.major_type != MAJOR_TYPE or c.major_type:
            raise Conflict(_("Complaint #{id} is not part of a collective complaint").format(id=c.id))
        c.escalation_id = None
        c.is_major = False
        c.collective_opt_out = True
        add_event(session, c, now, ctx.actor, "collective_unlinked",
                  note=_("Escalation #{id}: {reason}").format(id=esc.id, reason=reason))
        _retitle(session, esc)
        session.add(EscalationEvent(escalation_id=esc.id, at=now, staff_id=ctx.actor.id, kind="note",  # type: ignore[arg-type]
                                    note=_("Complaint #{id} unlinked by hand: {reason}").format(
                                        id=c.id, reason=reason)))
        audit.record(session, ctx.actor, now, "complaint.collective_unlink", "complaint", c.id,
                     before={"escalation": esc.id}, after={"reason": reason})
    return c


def open_collectives(ctx: ServiceContext, limit: int = 20) -> list[tuple[Escalation, int]]:
    """Unresolved collective complaints, newest first, with their household counts."""
    require(ctx.actor, SUPERVISORS, _("read collective complaints"))
    with ctx.db.read() as session:
        rows = session.execute(select(Escalation).where(Escalation.major_type == MAJOR_TYPE)
                               .where(Escalation.resolved_at.is_(None)).order_by(Escalation.id.desc())
                               .limit(limit)).scalars().all()
        return [(e, households(session, e.id)) for e in rows]  # type: ignore[arg-type]
