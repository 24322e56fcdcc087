"""A backup taken while terminals write restores to a clean, consistent database: it
checks clean, its audit chain verifies, and every write acknowledged before the backup
started is in it."""

from __future__ import annotations

import time

import pytest

from tests.reliability import workload
from tests.reliability.conftest_reliability import start

pytestmark = pytest.mark.slow


def test_backup_while_writing_restores_clean(sqlite_db, tmp_path):
    url = sqlite_db.url
    people = workload.seed(url)
    sqlite_db.engine.dispose()
    roles = (("gate", "gate1"), ("gate", "gate2"), ("desk", "desk"), ("supervisor", "supervisor"))
    ack_files = [tmp_path / f"ack-{key}.txt" for _r, key in roles]
    procs = [start(workload.run_worker, url, role, people[key], 8.0, str(path))
             for (role, key), path in zip(roles, ack_files)]
    time.sleep(3.0)
    before, _errors = workload.read_acks(*ack_files)
    from wuye_tui.services.core.backup import backup

    t0 = time.perf_counter()
    bak = backup(sqlite_db, tmp_path / "under-load.bak")
    took = time.perf_counter() - t0
    for p in procs:
        p.join(60)
    after, errors = workload.read_acks(*ack_files)
    assert not errors, errors[:3]
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    n_before = sum(len(v) for k, v in before.items() if k != "login")  # a login writes no audit row
    n_after = sum(len(v) for v in after.values())
    print(f"\nbackup took {took:.2f} s; {n_before} writes acknowledged before it, {n_after} in all")
    assert n_after > n_before > 0

    from wuye_tui.services.core.restore import restore

    target = tmp_path / "restored" / "wuye.db"
    checked = restore(f"sqlite:///{target}", bak)
    assert checked.audit_rows >= n_before
    restored_url = f"sqlite:///{target}"
    assert workload.check_acknowledged(restored_url, before) == []
    ok, n = workload.audit_ok(restored_url)
    assert ok and n >= n_before
    from wuye_tui.db import Database

    db = Database(restored_url)
    try:
        assert db.check() == []
        assert not db.needs_upgrade()
    finally:
        db.dispose()
    # and the live database lost nothing either
    assert workload.check_acknowledged(url, after) == []
