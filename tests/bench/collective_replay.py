"""Replay the demo's complaints through the collective-complaint rule and count what it
raises, next to what the old rule (same category, three households, 24 h) would have.

Run: .venv/bin/python -m tests.bench.collective_replay [--seeds 1 2 3] [--days 90]

The demo is built (roster + complaints) into a temporary SQLite file; its complaints are
then logged again, in the order received, through ``complaints.add_complaint`` on a
second database with the same roster, each at its own time (FixedClock), so the rule
runs exactly as at the front desk. Printed: per seed, the collectives raised with their
titles and member count, and the old rule's count on the same complaints.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import deque
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from wuye_tui.clock import FixedClock, as_utc
from wuye_tui.db import Database
from wuye_tui.demo import build_demo
from wuye_tui.models import Escalation
from wuye_tui.models.complaints import Complaint
from wuye_tui.services.core.context import ServiceContext

NOW = datetime(2026, 11, 30, 4, 0, tzinfo=timezone.utc)


def old_rule(rows: list[tuple]) -> int:  # type: ignore[type-arg]
    """The rule before: same category, >= 3 households within 24 h, one per cluster."""
    raised = 0
    by_cat: dict[str, deque] = {}  # type: ignore[type-arg]
    linked_until: dict[str, datetime] = {}
    for at, unit, cat, *_rest in rows:
        if unit is None:
            continue
        q = by_cat.setdefault(cat, deque())
        q.append((at, unit))
        while q and q[0][0] < at - timedelta(hours=24):
            q.popleft()
        if cat in linked_until and linked_until[cat] >= at - timedelta(hours=24):
            linked_until[cat] = at
            continue
        if len({u for _t, u in q}) >= 3:
            raised += 1
            linked_until[cat] = at
    return raised


def replay(seed: int, days: int, households: int, folder: Path) -> dict:  # type: ignore[type-arg]
    src = Database(f"sqlite:///{folder / f'demo{seed}.db'}")
    src.upgrade()
    build_demo(src, households=households, days=days, seed=seed, clock=FixedClock(NOW), areas=("complaints",))
    with src.read() as s:
        rows = s.execute(select(Complaint.received_at, Complaint.unit_id, Complaint.category, Complaint.description,
                                Complaint.location, Complaint.major_type, Complaint.channel, Complaint.cause,
                                Complaint.caller).order_by(Complaint.received_at, Complaint.id)).all()
    src.dispose()
    dst = Database(f"sqlite:///{folder / f'replay{seed}.db'}")
    dst.upgrade()
    site = build_demo(dst, households=households, days=days, seed=seed, clock=FixedClock(NOW), areas=())
    desk = site.staff["front_desk"]
    from wuye_tui.services.complaints import intake as complaints

    for at, unit, cat, text, loc, major, channel, cause, caller in rows:
        ctx = ServiceContext(db=dst, actor=desk, clock=FixedClock(as_utc(at)), tz_name=site.ctx.tz_name)
        complaints.add_complaint(ctx, caller=caller, unit=unit, channel=channel, category=cat, cause=cause,
                                 description=text, location=loc, major_type=major)
    with dst.read() as s:
        escs = s.execute(select(Escalation).where(Escalation.major_type == "collective_complaint")
                         .order_by(Escalation.id)).scalars().all()
        found = [(e.title, s.execute(select(Complaint.id).where(Complaint.escalation_id == e.id)).all())
                 for e in escs]
    dst.dispose()
    return {"complaints": len(rows), "old": old_rule([tuple(r) for r in rows]),
            "new": [(t, len(m)) for t, m in found]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, nargs="*", default=[1])
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--households", type=int, default=800)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            r = replay(seed, args.days, args.households, Path(tmp))
            print(f"seed {seed}: {r['complaints']} complaints; old rule {r['old']} collectives; "
                  f"new rule {len(r['new'])}")
            for title, n in r["new"]:
                print(f"   {title}  ({n} complaints)")


if __name__ == "__main__":
    main()
