"""The audit trail: every write adds a row whose hash covers the previous row's hash.

The hash is an HMAC-SHA256 keyed with the site secret (``services.sitekey``, a key file
outside the database), so nobody with only the database can recompute a consistent chain
after deleting or editing rows. Rows written before the key existed are plain SHA-256 and
still verify, but only BEFORE the first keyed row. Checkpoints of the chain head kept
outside the database (``audit_checkpoint``) catch deletion of the last rows, an emptied
table and an older copy put back.

Call ``record`` inside the same write transaction as the change it describes, so the
change and its audit row commit together or not at all.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlmodel import Session

from ...clock import as_utc
from ...i18n import N_, _
from ...models import AuditEntry
from .context import Actor

GENESIS = "0" * 64
# Built once: reusing statement objects skips SQLAlchemy's per-call compile-cache keying.
_LAST_HASH = select(AuditEntry.__table__.c.hash).order_by(AuditEntry.__table__.c.id.desc()).limit(1)
_INSERT = insert(AuditEntry.__table__)


def _canon(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))


def _digest(prev_hash: str, at: datetime, staff_id: int | None, action: str, entity: str,
            entity_id: str, before: str, after: str, key: bytes | None = None, covers: str = "") -> str:
    stamp = as_utc(at).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    parts = [prev_hash, stamp, str(staff_id or ""), action, entity, entity_id, before, after]
    if covers:
        parts.append(covers)
    payload = "\x1f".join(parts)
    if key is not None:
        return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Cover:
    """A register whose rows audit rows "cover": the keyed hash of the row's fields is kept in
    the audit row written with each change (``covers``), and ``verify_database`` re-hashes the
    rows, so editing one outside wuye is caught. ``personal``: the fields the retention purge
    blanks; they have a hash of their own (the second half of ``covers``), and a row whose
    personal fields are all blank is taken as purged rather than edited."""

    table: str
    facts: tuple[str, ...]
    personal: tuple[str, ...] = ()


_COVERED = {
    "staff": Cover("staff", ("id", "name", "role", "active", "pin_hash")),
    "gate_visit": Cover("gate_visit", ("id", "id_type", "headcount", "host_unit_id", "approval", "purpose",
                                       "prereg_id", "group_ref", "checked_in_at", "expected_out_at",
                                       "checked_out_at", "guard_id", "out_guard_id", "override_by", "id_checked"),
                        ("name", "id_number", "phone", "plate", "visitor_id")),
    "gate_vehicle": Cover("gate_vehicle", ("id", "plate", "resident", "kind", "unit_id", "purpose", "inspection",
                                           "visit_id", "in_at", "out_at", "guard_id", "out_guard_id", "override_by"),
                          ("driver", "phone", "driver_confirm")),
}


_LABELS = {"staff": N_("staff"), "gate_visit": N_("visitor book"), "gate_vehicle": N_("vehicle book"),
           "handover": N_("handover")}


def register_label(entity: str) -> str:
    """The register's name for a message (never the table name)."""
    return _(_LABELS[entity]) if entity in _LABELS else entity


def _columns(spec: Cover):  # type: ignore[no-untyped-def]
    from sqlmodel import SQLModel

    table = SQLModel.metadata.tables[spec.table]  # the models package (imported above) made them
    return [table.c[c] for c in (*spec.facts, *spec.personal)], table


def _row_hash(conn, key: bytes | None, entity: str, entity_id: str) -> str:  # type: ignore[no-untyped-def]
    spec = _COVERED.get(entity)
    if spec is None or key is None or not entity_id.isdigit():
        return ""
    cols, table = _columns(spec)
    row = conn.execute(select(*cols).where(table.c.id == int(entity_id))).first()
    if row is None:
        return ""
    return _cover_digest(key, entity, row)


def _norm(value: Any) -> str:
    """One spelling per value whatever the backend hands back (SQLite: naive UTC datetimes and
    0/1; PostgreSQL: aware datetimes and booleans), so a copied database verifies too."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, datetime):
        return as_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return str(value)


def _hmac(key: bytes, entity: str, values) -> str:  # type: ignore[no-untyped-def]
    payload = "\x1f".join([entity] + [_norm(v) for v in values])
    return hmac.new(key, payload.encode("utf-8"), hashlib.sha256).hexdigest()


def _cover_digest(key: bytes, entity: str, row) -> str:  # type: ignore[no-untyped-def]
    spec = _COVERED[entity]
    if not spec.personal:
        return _hmac(key, entity, row)
    n = len(spec.facts)  # 64 hex characters: 128 bits of each keyed hash
    return _hmac(key, entity, row[:n])[:32] + _hmac(key, entity + ".personal", row[n:])[:32]


def _cover_matches(want: str, key: bytes, entity: str, row) -> bool:  # type: ignore[no-untyped-def]
    got = _cover_digest(key, entity, row)
    if hmac.compare_digest(want, got):
        return True
    spec = _COVERED[entity]  # else only a purged row may differ, and only in its personal half
    purged = bool(spec.personal) and all(v in (None, "") for v in row[len(spec.facts):])
    return purged and hmac.compare_digest(want[:32], got[:32])


def record(session: Session, actor: Actor | None, at: datetime, action: str, entity: str,
           entity_id: object = "", before: Any = None, after: Any = None) -> AuditEntry:
    from .sitekey import session_secret

    conn = session.connection()
    key = session_secret(session)
    last = conn.execute(_LAST_HASH).scalar()
    prev = last or GENESIS
    b, a, eid = _canon(before), _canon(after), str(entity_id if entity_id is not None else "")
    staff_id = actor.id if actor else None
    if entity in _COVERED:
        session.flush()  # the ORM's pending change to the row is what the audit row covers
    covers = _row_hash(conn, key, entity, eid)
    values = dict(at=at, staff_id=staff_id, action=action, entity=entity, entity_id=eid,
                  before=b, after=a, prev_hash=prev, covers=covers,
                  hash=_digest(prev, at, staff_id, action, entity, eid, b, a, key, covers))
    # A Core insert: the ORM unit of work costs more than the rest of a check-in.
    new_id = conn.execute(_INSERT, values).inserted_primary_key[0]
    return AuditEntry(id=new_id, **values)


@dataclass
class VerifyResult:
    ok: bool
    checked: int
    broken_id: int | None = None
    reason: str = ""


def verify(session: Session, batch: int = 5000) -> VerifyResult:
    """Walk the chain in id order; name the first row whose hash or link is wrong."""
    from .sitekey import session_secret

    key = session_secret(session, create=False)
    keyed_seen = False
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = session.execute(
            select(AuditEntry).where(AuditEntry.id > last_id).order_by(AuditEntry.id).limit(batch)
        ).scalars().all()
        if not rows:
            return VerifyResult(True, checked)
        for row in rows:
            if row.prev_hash != prev:
                return VerifyResult(False, checked, row.id, "link")
            fields = (row.prev_hash, row.at, row.staff_id, row.action, row.entity, row.entity_id,
                      row.before, row.after)
            if key is not None and hmac.compare_digest(_digest(*fields, key=key, covers=row.covers or ""),
                                                       row.hash):
                keyed_seen = True
            elif not row.covers and _digest(*fields) == row.hash:
                if keyed_seen:  # an unkeyed row after keyed ones: recomputed without the key
                    return VerifyResult(False, checked, row.id, "unkeyed")
            else:
                return VerifyResult(False, checked, row.id, "hash")
            prev = row.hash
            checked += 1
            last_id = row.id  # type: ignore[assignment]
        session.expunge_all()


def verify_database(db, checkpoint: bool = True) -> VerifyResult:  # type: ignore[no-untyped-def]
    """``wuye audit verify``: the whole chain of one database, then the newest checkpoint kept
    outside it (reason "truncated": rows at its end are gone, or an older copy was put back;
    "rewritten": the chain was recomputed). An intact chain is checkpointed again."""
    from . import audit_checkpoint

    with db.read() as session:
        result = verify(session)
        if not result.ok:
            return result
        problem, cp = audit_checkpoint.compare(db, session)
        if problem:
            return VerifyResult(False, result.checked, int(cp["id"]), problem)  # type: ignore[index]
        changed = _changed_register_row(session)
        if changed is not None:
            return VerifyResult(False, result.checked, changed[1], f"register:{changed[0]}")
        # the guard area's seals (the content a signature covers): named here, loaded late
        from ..guard.handover_sign import broken_seal

        seal = broken_seal(session)
        if seal is not None:
            return VerifyResult(False, result.checked, seal, "seal:handover")
    if checkpoint:
        audit_checkpoint.checkpoint(db, "verify")
    return result


def _changed_register_row(session: Session) -> tuple[str, int] | None:
    """The first covered register row (entity, id) whose fields no longer match the keyed hash
    its newest audit row holds. (Rows no audit row covers yet, e.g. from before this check
    existed, are not judged; each good login with an old hash covers its row.)"""
    from sqlalchemy import text

    from .sitekey import session_secret

    key = session_secret(session, create=False)
    if key is None:
        return None
    conn = session.connection()
    for entity, spec in _COVERED.items():
        latest: dict[str, str] = {}
        for eid, covers in conn.execute(text(
                "SELECT entity_id, covers FROM audit WHERE entity = :e AND covers <> '' ORDER BY id"), {"e": entity}):
            latest[eid] = covers
        if not latest:
            continue
        cols, table = _columns(spec)
        for row in conn.execute(select(*cols).order_by(table.c.id)):
            want = latest.get(str(row[0]))
            if want is not None and not _cover_matches(want, key, entity, row):
                return entity, int(row[0])
    return None


def entries(session: Session, since_id: int = 0, limit: int = 200) -> Iterator[AuditEntry]:
    yield from session.execute(
        select(AuditEntry).where(AuditEntry.id > since_id).order_by(AuditEntry.id).limit(limit)
    ).scalars()
