"""What ``wuye db check`` can check on PostgreSQL beyond ``SELECT 1`` (read-only).

- every table of the models exists, with its primary key and as many foreign keys as the
  models declare, and no constraint is left NOT VALID;
- the head of the audit chain: the newest ``HEAD_ROWS`` rows link to each other and the
  newest row's hash is what its content gives;
- row counts: each table's count (shown), and a database with staff but an empty audit
  trail (rows that the chain does not cover) is a problem.

SQLite's own checks (``PRAGMA integrity_check``, ``foreign_key_check``) stay in
``Database.check``; ``wuye audit verify`` walks the whole chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from ...i18n import _

HEAD_ROWS = 1000


@dataclass
class HealthReport:
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def pg_health(db) -> HealthReport:  # type: ignore[no-untyped-def]
    import wuye_tui.models  # noqa: F401  (registers every table)
    from wuye_tui.models.base import metadata

    report = HealthReport()
    with db.engine.connect() as conn:
        present = {r[0] for r in conn.execute(text(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"))}
        kinds: dict[tuple[str, str], int] = {}
        for table, kind, n in conn.execute(text(
                "SELECT cl.relname, c.contype, count(*) FROM pg_constraint c"
                " JOIN pg_class cl ON cl.oid = c.conrelid JOIN pg_namespace ns ON ns.oid = cl.relnamespace"
                " WHERE ns.nspname = current_schema() GROUP BY cl.relname, c.contype")):
            kinds[(table, kind)] = int(n)
        for table, name in conn.execute(text(
                "SELECT cl.relname, c.conname FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid"
                " JOIN pg_namespace ns ON ns.oid = cl.relnamespace"
                " WHERE ns.nspname = current_schema() AND NOT c.convalidated")):
            report.problems.append(_("constraint {name} on {table} is not validated").format(name=name, table=table))
        for table in metadata.sorted_tables:
            if table.name not in present:
                report.problems.append(_("table {table} is missing").format(table=table.name))
                continue
            if table.primary_key.columns and not kinds.get((table.name, "p")):
                report.problems.append(_("table {table} has no primary key").format(table=table.name))
            want_fk = len(table.foreign_key_constraints)
            have_fk = kinds.get((table.name, "f"), 0)
            if have_fk < want_fk:
                report.problems.append(_("table {table} has {have} of its {want} foreign keys").format(
                    table=table.name, have=have_fk, want=want_fk))
            report.counts[table.name] = int(conn.execute(text(f'SELECT count(*) FROM "{table.name}"')).scalar() or 0)
        if "audit" in present:
            report.problems.extend(_audit_head(conn))
            if report.counts.get("staff", 0) and not report.counts.get("audit", 0):
                report.problems.append(_("there are staff but no audit rows: the chain covers nothing"))
    return report


def _audit_head(conn) -> list[str]:  # type: ignore[no-untyped-def]
    from . import audit

    rows = conn.execute(text(
        "SELECT id, at, staff_id, action, entity, entity_id, before, after, prev_hash, hash, covers FROM audit"
        " ORDER BY id DESC LIMIT :n"), {"n": HEAD_ROWS}).all()
    if not rows:
        return []
    rows.reverse()
    for older, newer in zip(rows, rows[1:]):
        if newer.prev_hash != older.hash:
            return [_("audit chain broken at row {id} (link)").format(id=newer.id)]
    head = rows[-1]
    from sqlmodel import Session

    from .sitekey import session_secret

    with Session(bind=conn) as session:
        key = session_secret(session, create=False)  # rows are keyed with the site key (HMAC)
    fields = (head.prev_hash, head.at, head.staff_id, head.action, head.entity, head.entity_id, head.before,
              head.after)
    expected = {audit._digest(*fields)} if not head.covers else set()
    if key is not None:
        expected.add(audit._digest(*fields, key=key, covers=head.covers or ""))
    if head.hash not in expected:
        return [_("audit chain head (row {id}) does not match its content").format(id=head.id)]
    return []
