"""A handover's items: what is gathered into a draft and what the outgoing guard writes.

``_item_rows`` copies in everything open (``open_items.collect``) and ``_sync_items`` brings
a draft's gathered items up to date: an item still open and unchanged keeps its
acknowledgement, a changed one loses it (``_reset``, audited, so the incoming guard is told).
The outgoing guard's own items, the equipment lines and the notes (``OWN_KINDS``), are
written by ``_own_item`` / ``_notes_item`` under the same rule. Also the loaders every
handover module uses (``_load``, ``_draft``: a signed handover is locked).
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from sqlalchemy import select

from ...errors import Conflict, NotFound
from ...i18n import N_, _
from ...models.guard import Handover, HandoverItem
from ...reference import load_reference
from ..core import audit, open_items
from ..core.context import ServiceContext

EQUIPMENT, NOTES = "equipment", "handover_notes"
OWN_KINDS = (EQUIPMENT, NOTES)  # items the outgoing guard writes (not gathered from the registers)
open_items.KIND_LABELS.setdefault(EQUIPMENT, N_("Equipment handed over"))
open_items.KIND_LABELS.setdefault(NOTES, N_("Notes"))


def _load(session, handover_id: int) -> Handover:  # type: ignore[no-untyped-def]
    h = session.get(Handover, handover_id)
    if h is None:
        raise NotFound(_("No handover #{id}").format(id=handover_id))
    return h


def _draft(session, handover_id: int) -> Handover:  # type: ignore[no-untyped-def]
    h = _load(session, handover_id)
    if h.status != "draft":
        raise Conflict(_("Handover #{id} is signed and locked; add a correction instead").format(id=handover_id))
    return h


def _item_rows(ctx: ServiceContext, now: datetime) -> list[dict]:
    rows = []
    for it in open_items.collect(ctx, now):
        rows.append({"kind": it.kind[:40], "ref": it.ref[:80], "title": it.title[:300], "since": it.since,
                     "overdue": bool(it.overdue),
                     "detail": json.dumps(it.detail, ensure_ascii=False, default=str)[:2000]})
    return rows


def _reset(session, actor, now: datetime, h: Handover, item: HandoverItem) -> None:  # type: ignore[no-untyped-def]
    """An acknowledged item changed: the incoming guard must look again (and is told)."""
    if item.acknowledged:
        item.acknowledged, item.acknowledged_by, item.acknowledged_at = False, None, None
        item.reset_at = now
        audit.record(session, actor, now, "handover.ack_reset", "handover", h.id, after={"ref": item.ref})


def _sync_items(session, h: Handover, rows: list[dict], now: datetime, actor=None) -> int:  # type: ignore[no-untyped-def]
    """Bring the draft's gathered items up to date; an item still open and unchanged keeps
    its acknowledgement. Returns how many items are new or changed."""
    old = {i.ref: i for i in session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
           .where(HandoverItem.kind.not_in(OWN_KINDS))).scalars()}
    fresh = {r["ref"] for r in rows}
    for ref, item in old.items():
        if ref not in fresh:
            session.delete(item)
    changed = 0
    for r in rows:
        item = old.get(r["ref"])
        if item is None:
            session.add(HandoverItem(handover_id=h.id, added_at=now, **r))
            changed += 1
        elif (item.title, item.overdue, item.detail) != (r["title"], r["overdue"], r["detail"]):
            item.title, item.overdue, item.detail = r["title"], r["overdue"], r["detail"]
            _reset(session, actor, now, h, item)
            changed += 1
    session.flush()
    return changed


def _equipment_title(code: str, count: int, note: str) -> str:
    label = load_reference().label("equipment", code)
    title = f"{label} × {count}"
    return (f"{title}：{note}" if note else title)[:300]


def _own_item(session, actor, now: datetime, h: Handover, kind: str, ref: str, title: str,  # type: ignore[no-untyped-def]
              detail: dict) -> None:
    """Create or update one of the outgoing guard's items (equipment line, notes)."""
    d = json.dumps(detail, ensure_ascii=False, sort_keys=True)
    item = session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
                           .where(HandoverItem.ref == ref)).scalar_one_or_none()
    if item is None:
        session.add(HandoverItem(handover_id=h.id, kind=kind, ref=ref, title=title, detail=d, since=now,
                                 added_at=now))
    elif (item.title, item.detail) != (title, d):
        item.title, item.detail, item.since = title, d, now
        _reset(session, actor, now, h, item)


def _notes_item(session, actor, now: datetime, h: Handover) -> None:  # type: ignore[no-untyped-def]
    text = " ".join((h.notes or "").split())
    if not text:
        item = session.execute(select(HandoverItem).where(HandoverItem.handover_id == h.id)
                               .where(HandoverItem.ref == "notes")).scalar_one_or_none()
        if item is not None:
            session.delete(item)
        return
    digest = hashlib.sha256(h.notes.encode("utf-8")).hexdigest()[:16]
    _own_item(session, actor, now, h, NOTES, "notes", text[:300], {"sha": digest})
