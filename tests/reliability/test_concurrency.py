"""Four terminals (two gates, a front desk, a supervisor) writing through the services at
once for 30 seconds on one database: no acknowledged write is lost, no "database is
locked" (or any other error) reaches a user, the audit chain verifies, the file checks
clean. Runs on SQLite and, when WUYE_TEST_PG_URL is set, on PostgreSQL (the ``db`` fixture).
"""

from __future__ import annotations

import pytest

from tests.reliability import workload
from tests.reliability.conftest_reliability import SECONDS, start

pytestmark = pytest.mark.slow


def test_four_terminals_lose_nothing(db, tmp_path):
    people = workload.seed(db.url)
    db.engine.dispose()  # no pooled connection crosses the fork
    roles = (("gate", "gate1"), ("gate", "gate2"), ("desk", "desk"), ("supervisor", "supervisor"))
    ack_files = [tmp_path / f"ack-{key}.txt" for _role, key in roles]
    procs = [start(workload.run_worker, db.url, role, people[key], SECONDS, str(path), 0.01)
             for (role, key), path in zip(roles, ack_files)]
    for p in procs:
        p.join(SECONDS + 60)
    acks, errors = workload.read_acks(*ack_files)
    assert not errors, errors[:3]
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    total = sum(len(v) for v in acks.values())
    per_kind = {k: len(v) for k, v in acks.items()}
    print(f"\n{db.url.split(':')[0]}: {total} acknowledged writes in {SECONDS:.0f} s: {per_kind}")
    assert total > 4 * SECONDS  # every terminal made progress
    for path in ack_files:
        assert path.stat().st_size > 0, f"{path.name}: a terminal wrote nothing"
    assert workload.check_acknowledged(db.url, acks) == []
    ok, checked = workload.audit_ok(db.url)
    assert ok and checked >= total - per_kind.get("login", 0)  # a login checks a PIN: it writes no audit row
    assert db.check() == []
