"""Eight unpaced writers, and what a complaint's collective check costs (issue #16).

Run: pytest tests/bench/test_writers.py -o addopts="" -s
(``WUYE_BENCH_SECONDS`` default 120, ``WUYE_BENCH_WRITERS`` default 8; PostgreSQL when
``WUYE_TEST_PG_URL`` names an empty database.)

- Writers: each is its own process (a terminal) doing guard check-ins and check-outs back
  to back through the services, no pause. Reported: acknowledged writes, throughput, p50 /
  p99 / worst wait of one write, and "locked" errors (target 0). Every acknowledged write is
  then looked up in the database (none may be missing) and the audit chain verified.
- Collective check: ``complaints.add_complaint`` with 200 and 5,000 complaints of the same
  category already on file; reported is the time the write transaction holds the write lock
  (BEGIN IMMEDIATE / advisory lock to COMMIT), p50 and worst of 30 calls.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from datetime import timedelta
from pathlib import Path

import pytest

from tests.reliability.conftest_reliability import start
from tests.reliability.workload import Ack, _ctx, _gate_step, audit_ok, check_acknowledged, read_acks, seed

SECONDS = float(os.environ.get("WUYE_BENCH_SECONDS", "120"))
WRITERS = int(os.environ.get("WUYE_BENCH_WRITERS", "8"))
PG_URL = os.environ.get("WUYE_TEST_PG_URL", "")


def _fresh(backend: str, tmp_path: Path) -> str:
    from wuye_tui.db import Database

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'bench.db'}"
    else:
        if not PG_URL:
            pytest.skip("WUYE_TEST_PG_URL is not set")
        url = PG_URL.replace("postgresql://", "postgresql+psycopg://", 1) if PG_URL.startswith(
            "postgresql://") else PG_URL
        db = Database(url)
        with db.engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
        db.dispose()
    db = Database(url)
    db.upgrade()
    db.dispose()
    return url


def writer(url: str, person: tuple[int, str, str], seconds: float, out: str) -> None:
    import random

    from wuye_tui.storage_errors import translate

    ack = Ack(Path(out + ".ack"))
    waits: list[float] = []
    locked = 0
    others: list[str] = []
    try:
        ctx = _ctx(url, person)
        rng = random.Random(os.getpid())
        mine: list[int] = []
        _gate_step(ctx, ack, rng, mine, 0)  # warm-up: imports and reference files, untimed
        stop = time.monotonic() + seconds
        i = 0
        while time.monotonic() < stop:
            i += 1
            t = time.perf_counter()
            try:
                _gate_step(ctx, ack, rng, mine, i)
            except Exception as exc:  # counted, and the terminal carries on (as the UI does)
                err = translate(exc)
                if err is not None and err.kind == "locked":
                    locked += 1
                else:
                    others.append(f"{type(exc).__name__}: {exc}"[:200])
                continue
            waits.append(time.perf_counter() - t)
        ctx.db.dispose()
    finally:
        Path(out).write_text(json.dumps({"waits": waits, "locked": locked, "others": others[:5],
                                         "n_others": len(others)}))
    os._exit(0)


@pytest.mark.parametrize("backend", ["sqlite", "pg"])
def test_eight_unpaced_writers(backend, tmp_path):
    url = _fresh(backend, tmp_path)
    people = seed(url)
    guards = [people["gate1"], people["gate2"]]
    outs = [str(tmp_path / f"w{i}.json") for i in range(WRITERS)]
    procs = [start(writer, url, guards[i % 2], SECONDS, outs[i]) for i in range(WRITERS)]
    for p in procs:
        p.join(SECONDS + 120)
    results = [json.loads(Path(o).read_text()) for o in outs]
    waits = sorted(w for r in results for w in r["waits"])
    locked = sum(r["locked"] for r in results)
    others = sum(r["n_others"] for r in results)
    acks, errors = read_acks(*(Path(o + ".ack") for o in outs))
    missing = check_acknowledged(url, acks)
    ok, chain = audit_ok(url)
    n = len(waits)
    p99 = waits[int(n * 0.99)] if n else 0.0
    per = [len(r["waits"]) for r in results]
    print(f"\n{backend}: {WRITERS} unpaced writers for {SECONDS:.0f} s: {n:,} acknowledged writes"
          f" ({n / SECONDS:,.0f}/s; per writer min {min(per):,} max {max(per):,}); wait p50"
          f" {statistics.median(waits) * 1000:.1f} ms, p99 {p99 * 1000:.0f} ms, worst {waits[-1] * 1000:.0f} ms;"
          f" 'locked' errors {locked}, other errors {others}; missing after the run {len(missing)};"
          f" audit chain {'intact' if ok else 'BROKEN'} ({chain:,} rows)")
    for r in results:
        assert not r["others"], r["others"]
    assert locked == 0
    assert not errors and not missing and ok
    assert min(per) > 0  # nobody starved


# ---- the collective check's cost ------------------------------------------------------

def _lock_timer(db):  # type: ignore[no-untyped-def]
    """Write-lock hold times of ``db``'s write transactions (begin listener runs after
    wuye's own, i.e. once BEGIN IMMEDIATE has the lock)."""
    from sqlalchemy import event

    held: list[float] = []
    started: dict[int, float] = {}

    @event.listens_for(db.engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get("wuye_write"):
            started[id(conn)] = time.perf_counter()

    @event.listens_for(db.engine, "commit")
    def _commit(conn) -> None:  # type: ignore[no-untyped-def]
        t = started.pop(id(conn), None)
        if t is not None:
            held.append(time.perf_counter() - t)

    return held


def _seed_peers(ctx, n: int) -> None:  # type: ignore[no-untyped-def]
    """n complaints of one category: one through the service, the rest copied in bulk,
    all inside the collective window (the last 23 hours): the worst case, every one a peer."""
    from sqlalchemy import insert, select

    from wuye_tui.models.complaints import Complaint
    from wuye_tui.services.complaints import intake as complaints
    from wuye_tui.services.core import roster

    roster.add_resident(ctx, "1栋", "1单元", "101", "张伟", "13800138001")
    first = complaints.add_complaint(ctx, caller="张伟", unit="1栋1单元101", phone="13800138001", channel="phone",
                                     category="public_facility", cause="equipment", description="楼道灯不亮",
                                     location="1栋")
    table = Complaint.__table__
    with ctx.db.write() as s:
        row = dict(s.execute(select(table).where(table.c.id == first.id)).mappings().one())
        row.pop("id")
        rows = []
        for i in range(n - 1):
            r = dict(row)
            r["received_at"] = row["received_at"] - timedelta(seconds=23 * 3600 / n * (i + 1))
            r["description"] = f"楼道灯不亮（第{i}次）"
            rows.append(r)
        for k in range(0, len(rows), 1000):
            s.execute(insert(table), rows[k:k + 1000])


@pytest.mark.parametrize("backend", ["sqlite", "pg"])
@pytest.mark.parametrize("peers", [200, 5000])
def test_collective_check_cost(backend, peers, tmp_path):
    pytest.importorskip("wuye_tui.services.complaints.collective")
    from wuye_tui.db import Database
    from wuye_tui.services.complaints import intake as complaints
    from wuye_tui.services.core import staff
    from wuye_tui.services.core.context import ServiceContext

    url = _fresh(backend, tmp_path)
    db = Database(url)
    ctx = ServiceContext(db=db)
    first = staff.create_first_supervisor(ctx, "王主管", "1234")
    ctx = ctx.as_actor(staff.actor_of(first))
    _seed_peers(ctx, peers)
    held = _lock_timer(db)
    calls = []
    for i in range(30):
        t = time.perf_counter()
        complaints.add_complaint(ctx, caller="张伟", unit="1栋1单元101", phone="13800138001", channel="phone",
                                 category="public_facility", cause="equipment", description=f"又不亮了{i}",
                                 location="1栋")
        calls.append(time.perf_counter() - t)
    db.dispose()
    held.sort()
    print(f"\n{backend}: add_complaint with {peers:,} same-category complaints on file: write lock held p50"
          f" {statistics.median(held) * 1000:.1f} ms, worst {held[-1] * 1000:.1f} ms; whole call p50"
          f" {statistics.median(calls) * 1000:.1f} ms ({len(held)} write transactions)")
