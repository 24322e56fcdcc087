"""The registers that ``wuye export`` knows. Each area declares its registers in
``wuye_tui/exports/registers/<area>.py`` with ``register(Register(...))``, and
``registers.load_registers()`` imports every area (the one list of them); the writers
stream the rows, so a register of millions never sits in memory.

A register's ``rows(ctx, start, end, reveal)`` yields one tuple per row, in column order,
for records whose main time is in [start, end) (aware UTC datetimes). Datetime cells are
aware UTC datetimes (the writer shows them in the site's zone), dates are ``date``; ID
numbers are masked unless ``reveal`` (the caller checks the supervisor and audits it).
It must stream: keyset batches (``WHERE id > ? ORDER BY id LIMIT n``), never ``.all()`` of
the whole range. The permission check (``require``) happens in the exporter before rows().
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..services.core.context import ServiceContext


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # English message id, translated when written (use N_())
    kind: str = "text"  # text | datetime | date | int | float | bool
    width: int = 14  # XLSX column width in characters (a Chinese character counts 2)


RowSource = Callable[[ServiceContext, datetime, datetime, bool], Iterator[tuple[Any, ...]]]


@dataclass(frozen=True)
class Register:
    name: str  # CLI name: "visitors", "release-slips"
    title: str  # English id of the sheet title: N_("Visitor register")
    columns: tuple[Column, ...]
    rows: RowSource
    roles: frozenset[str]  # who may export it
    sensitive: bool = False  # holds ID numbers / phones: --reveal needs a supervisor


REGISTERS: dict[str, Register] = {}


def register(reg: Register) -> Register:
    REGISTERS[reg.name] = reg
    return reg


# ---- helpers for register modules (optional) --------------------------------------

BATCH = 2000


def keyset_rows(ctx: ServiceContext, stmt: Any, id_column: Any, batch: int = BATCH) -> Iterator[Any]:
    """Stream the rows of ``stmt`` (a ``select`` whose FIRST column is ``id_column``) in
    keyset batches ``WHERE id > last ORDER BY id LIMIT batch``, inside one read session
    (one consistent snapshot). Yields SQLAlchemy Row tuples."""
    last = 0
    with ctx.db.read() as session:
        while True:
            rows = session.execute(stmt.where(id_column > last).order_by(id_column).limit(batch)).all()
            if not rows:
                return
            yield from rows
            if len(rows) < batch:
                return
            last = rows[-1][0]


def staff_names(ctx: ServiceContext) -> dict[int, str]:
    """id -> name of every staff member (small table), to fill name columns without joins."""
    from sqlalchemy import select

    from ..models import Staff

    with ctx.db.read() as session:
        return {r[0]: r[1] for r in session.execute(select(Staff.id, Staff.name))}
