"""Checkpoints of the audit chain head, kept outside the database.

The hash chain alone catches a changed or deleted row in the middle; it cannot tell that the
LAST rows were deleted, that the whole table was emptied, or that an older copy of the
database was put back. Every backup writes ``<backup>.head`` and every backup, restore and
``audit verify`` appends the head to ``<key folder>/<site_id>.heads``; ``audit verify``
compares the chain with the newest checkpoint.
"""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select

from ...models import AuditEntry
from . import sitekey


def chain_head(session) -> dict:  # type: ignore[no-untyped-def,type-arg]
    t = AuditEntry.__table__.c
    row = session.execute(select(t.id, t.hash).order_by(t.id.desc()).limit(1)).first()
    rows = session.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    return {"id": row[0] if row else 0, "hash": row[1] if row else "", "rows": int(rows)}


def checkpoint(db, note: str = "") -> dict:  # type: ignore[no-untyped-def,type-arg]
    with db.read() as session:
        head = chain_head(session)
    sitekey.save_checkpoint(db, head, note)
    return head


def live_head(db) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """The chain head of a live database with its site id, as a backup's side file holds it
    (for a PostgreSQL dump, which cannot be read back here: ``at_least``)."""
    with db.read() as session:
        head = {**chain_head(session), "at_least": True}
    head["site_id"] = _read_site_id(db)
    return head


def write_backup_head(path: Path, head: dict | None = None) -> Path:  # type: ignore[type-arg]
    """``<backup>.head``: the chain head the backup holds (JSON, 0600). A SQLite backup is
    read back; a PostgreSQL dump is not readable here, so ``head`` is the live chain head
    read just before ``pg_dump`` ran (the dump holds at least those rows: ``at_least``)."""
    from ...db import Database
    from ...fsafe import write_private

    if head is None:
        db = Database(f"sqlite:///{path}")
        try:
            with db.read() as session:
                head = chain_head(session)
            head["site_id"] = _read_site_id(db)
        finally:
            db.dispose()
    side = path.with_name(path.name + ".head")
    write_private(side, (json.dumps(head, ensure_ascii=False) + "\n").encode())
    return side


def _read_site_id(session_db) -> str:  # type: ignore[no-untyped-def]
    from ...models import Setting

    with session_db.read() as session:
        row = session.get(Setting, sitekey.SITE_ID_KEY)
        return str(json.loads(row.value)) if row else ""


def compare(db, session) -> tuple[str, dict | None]:  # type: ignore[no-untyped-def,type-arg]
    """'' when the chain reaches the newest checkpoint; else "truncated" or "rewritten"."""
    cp = sitekey.last_checkpoint(db)
    if not cp or not cp.get("id"):
        return "", cp
    t = AuditEntry.__table__.c
    got = session.execute(select(t.hash).where(t.id == int(cp["id"]))).scalar()
    if got is None:
        return "truncated", cp
    if got != cp.get("hash"):
        return "rewritten", cp
    return "", cp
