"""Cost of the collective check with 5,000 complaints of the same category in the window
(SPEC §5 spirit: intake stays fast however busy the register is).

Run: pytest tests/bench/test_collective_cost.py -o addopts="" -s
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from wuye_tui.clock import FixedClock
from wuye_tui.db import Database
from wuye_tui.demo import build_demo
from wuye_tui.models.complaints import Complaint
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.core.context import ServiceContext

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=timezone.utc)
SAME = 5_000


def test_collective_check_cost(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'c.db'}")
    db.upgrade()
    site = build_demo(db, households=2000, days=1, seed=3, clock=FixedClock(NOW), areas=())
    units = site.unit_ids
    rows = [{"received_at": NOW - timedelta(hours=23, seconds=-i * 16), "channel": "phone", "category": "environment",
             "kind": "complaint", "cause": "service", "department": "cleaning", "unit_id": units[i % len(units)],
             "caller": "业主", "initials": "yz", "phone": "", "description": f"楼道有小广告{i % 97}", "location": "",
             "deadline_at": NOW, "due_at": NOW, "status": "received", "major_type": "", "is_major": False,
             "satisfaction": "", "contact_failures": 0, "reopened": 0, "valid": True, "collective_opt_out": False}
            for i in range(SAME)]
    with db.write() as s:
        s.execute(insert(Complaint), rows)
    desk = site.staff["front_desk"]
    times = []
    for k in range(20):
        ctx = ServiceContext(db=db, actor=desk, clock=FixedClock(NOW + timedelta(seconds=k)), tz_name=site.ctx.tz_name)
        t0 = time.perf_counter()
        complaints.add_complaint(ctx, caller="张伟", unit=units[k], channel="phone", category="environment",
                                 cause="service", description="草坪很久没修剪")
        times.append(time.perf_counter() - t0)
    base = []
    for k in range(10):
        ctx = ServiceContext(db=db, actor=desk, clock=FixedClock(NOW + timedelta(seconds=60 + k)), tz_name=site.ctx.tz_name)
        t0 = time.perf_counter()
        complaints.add_complaint(ctx, caller="张伟", unit=units[100 + k], channel="phone", category="in_unit_repair",
                                 cause="service", description="水龙头漏水")
        base.append(time.perf_counter() - t0)
    print("\nper run:", [round(t * 1000) for t in times], "baseline (no candidates):", [round(t * 1000) for t in base])
    times.sort()
    print(f"\nadd_complaint with {SAME} same-category complaints in the window: "
          f"median {times[len(times) // 2] * 1000:.1f} ms, worst {times[-1] * 1000:.1f} ms")
    with db.read() as s:
        plan = s.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN SELECT id FROM complaint WHERE category = 'environment' "
            "AND received_at >= '2026-11-29' ORDER BY received_at DESC LIMIT 500").all()
    print("plan:", [p[-1] for p in plan])
    assert any("ix_complaint_category_received_at" in p[-1] for p in plan)
    assert times[len(times) // 2] < 0.3  # a loaded 2-core box: ~100 ms, of which ~20 ms the plain intake
    db.dispose()
