"""A writer killed with SIGKILL at random moments, 50 times: every write it acknowledged
(after the service call returned) is there afterwards, the next writer starts cleanly,
``PRAGMA integrity_check`` is ok and the audit chain verifies."""

from __future__ import annotations

import os
import random
import signal
import time

import pytest

from tests.reliability import workload
from tests.reliability.conftest_reliability import start

pytestmark = pytest.mark.slow
KILLS = 50


def _warm(db_url: str, gate, desk) -> None:  # type: ignore[no-untyped-def]
    """One write in the parent so that imports and caches are ready before each fork."""
    from pathlib import Path

    ack = workload.Ack(Path(os.devnull))
    ctx = workload._ctx(db_url, gate)
    workload._gate_step(ctx, ack, random.Random(1), [], 0)
    ctx.db.dispose()
    ctx = workload._ctx(db_url, desk)
    workload._desk_step(ctx, ack, random.Random(1), 1)
    ctx.db.dispose()


def test_sigkill_fifty_times(sqlite_db, tmp_path):
    url = sqlite_db.url
    people = workload.seed(url)
    _warm(url, people["gate1"], people["desk"])
    sqlite_db.engine.dispose()
    rng = random.Random(20260302)
    ack_file = tmp_path / "acks.txt"
    killed_mid_run = 0
    for n in range(KILLS):
        role, key = (("gate", "gate1"), ("desk", "desk"))[n % 2]
        proc = start(workload.run_worker, url, role, people[key], 30.0, str(ack_file))
        time.sleep(rng.uniform(0.02, 0.35))
        if proc.is_alive():
            os.kill(proc.pid, signal.SIGKILL)
            killed_mid_run += 1
        proc.join(10)
        assert proc.exitcode in (-signal.SIGKILL, 0), proc.exitcode
    acks, errors = workload.read_acks(ack_file)
    assert not errors, errors[:3]
    total = sum(len(v) for v in acks.values())
    print(f"\n{killed_mid_run} kills, {total} acknowledged writes: {dict((k, len(v)) for k, v in acks.items())}")
    assert killed_mid_run == KILLS
    assert total > KILLS
    assert workload.check_acknowledged(url, acks) == []
    from wuye_tui.db import Database

    db = Database(url)
    try:
        with db.engine.connect() as conn:
            assert [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check")] == ["ok"]
        assert db.check() == []
    finally:
        db.dispose()
    ok, checked = workload.audit_ok(url)
    assert ok and checked >= total
