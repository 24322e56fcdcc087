"""Build (once per run) a large gate site for the benchmarks: WUYE_BENCH_VISITS visits
(default 2,000,000) and half as many vehicle movements, on SQLite."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone
from pathlib import Path


def bench_visits() -> int:
    return int(os.environ.get("WUYE_BENCH_VISITS", "2000000"))


def build_large_site(folder: Path):  # type: ignore[no-untyped-def]
    from wuye_tui.clock import FixedClock
    from wuye_tui.db import Database
    from wuye_tui.demo import build_demo
    from wuye_tui.demo import gate as gate_demo

    visits = bench_visits()
    clock = FixedClock(datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc))
    db = Database(f"sqlite:///{folder / 'large.db'}")
    db.upgrade()
    t0 = time.perf_counter()
    site = build_demo(db, households=3000, days=730, seed=7, clock=clock, areas=())
    gate_demo.generate(site, visits=visits, moves=visits // 2)
    with db.engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        raw.execute("ANALYZE")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"\n[gate bench] built {visits:,} visits + {visits // 2:,} vehicle movements "
          f"in {time.perf_counter() - t0:.1f} s")
    return db, site, clock
