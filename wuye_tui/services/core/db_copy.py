"""``wuye db copy --from A --to B``: every row of a current wuye database into an empty one
(a site moving from SQLite to PostgreSQL). Tables go in foreign-key order, in batches, all
in ONE transaction on the target: a failure leaves the target as empty as it was. Row ids
are kept, so the audit chain (which names rows by id) still verifies on the copy; the
target's id sequences are moved past the copied ids. The source is only read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, insert, select, text

from ...errors import ConfigError
from ...i18n import _

BATCH = 2000
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class CopyReport:
    tables: int
    rows: int
    audit: str


def copy_database(source_url: str, target_url: str, progress: Progress | None = None) -> CopyReport:
    from ...db import Database
    from ...models.base import metadata
    from . import audit
    from .site_setup import check_version, shown

    if source_url == target_url:
        raise ConfigError(_("The source and the target are the same database"))
    src, dst = Database(source_url), Database(target_url)
    try:
        stored = src.stored_revisions()
        if not stored:
            raise ConfigError(_("{url} is not a wuye database").format(url=shown(source_url)))
        check_version(stored)
        if src.needs_upgrade():
            raise ConfigError(_("Upgrade the source first: wuye --db {url} db upgrade").format(url=shown(source_url)))
        check_version(dst.stored_revisions())
        dst.upgrade()
        tables = list(metadata.sorted_tables)
        with dst.engine.connect() as conn:
            busy = [t.name for t in tables if conn.execute(select(func.count()).select_from(t)).scalar()]
        if busy:
            raise ConfigError(_("The target is not empty ({tables}): copy into an empty database").format(
                tables=", ".join(busy[:5])))
        totals = {}
        with src.engine.connect() as sconn:
            for t in tables:
                totals[t.name] = sconn.execute(select(func.count()).select_from(t)).scalar() or 0
        grand = sum(totals.values())
        done = 0
        with src.engine.connect() as sconn, dst.engine.begin() as dconn:
            for t in tables:
                pk = list(t.primary_key.columns)
                stmt = select(t).order_by(*pk)
                result = sconn.execution_options(stream_results=True, yield_per=BATCH).execute(stmt)
                for chunk in result.mappings().partitions(BATCH):
                    dconn.execute(insert(t), [dict(r) for r in chunk])
                    done += len(chunk)
                    if progress:
                        progress(t.name, done, grand)
                if progress:
                    progress(t.name, done, grand)
            if not dst.is_sqlite:
                for t in tables:
                    col = t.c.get("id")
                    if col is not None and col.autoincrement and t.name in totals and totals[t.name]:
                        dconn.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{t.name}', 'id'), "
                            f"(SELECT MAX(id) FROM \"{t.name}\"))"))
        result = audit.verify_database(dst)
        state = (_("intact ({n} rows)").format(n=result.checked) if result.ok
                 else _("broken at row {id}").format(id=result.broken_id))
        if not result.ok:
            raise ConfigError(_("Copied, but the audit chain does not verify on the target: {state}").format(
                state=state))
        return CopyReport(len(tables), done, state)
    finally:
        src.dispose()
        dst.dispose()
