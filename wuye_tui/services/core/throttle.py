"""Wrong PINs slow down, they never lock anyone out for good.

Three counters (rows of ``auth_throttle``), each with a growing delay once it passes the
policy's ``lockout_attempts``:

- the account at this terminal: 30 s, 60 s, 120 s ... up to ``lockout_minutes``;
- the account at any terminal: 1 s, 2 s, 4 s ... but never more than ``ACCOUNT_CAP`` (30 s),
  so nobody at another terminal (or an anonymous shell) can keep a supervisor out;
- the terminal for any name (wrong names included): after three times the attempts,
  30 s doubling up to ``lockout_minutes`` (a terminal that sprays guesses slows itself down).

While a delay runs, an attempt is refused without checking the PIN and without counting.
A good PIN clears the account's counters; a manager can clear them (``staff.unlock``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete

from ...clock import as_utc
from ...models import AuthThrottle

PAIR_BASE = 30  # seconds
ACCOUNT_CAP = 30
TERMINAL_FACTOR = 3


@dataclass(frozen=True)
class Policy:
    attempts: int
    cap_minutes: int


def acct_key(staff_id: int) -> str:
    return f"acct:{staff_id}"


def pair_key(staff_id: int, terminal: str) -> str:
    return f"acct:{staff_id}@term:{terminal}"[:120]


def term_key(terminal: str) -> str:
    return f"term:{terminal}"[:120]


def _row(session, key: str) -> AuthThrottle:  # type: ignore[no-untyped-def]
    row = session.get(AuthThrottle, key)
    if row is None:
        row = AuthThrottle(key=key, failures=0, unknown_names=0)
        session.add(row)
    return row


def wait_until(session, now: datetime, keys: list[str]) -> datetime | None:  # type: ignore[no-untyped-def]
    """The latest running delay among ``keys`` (None: may try now)."""
    latest = None
    for key in keys:
        row = session.get(AuthThrottle, key)
        if row is not None and row.next_allowed_at is not None:
            at = as_utc(row.next_allowed_at)
            if at > now and (latest is None or at > latest):
                latest = at
    return latest


def _delay(failures: int, attempts: int, base: float, cap: float) -> float:
    if failures < attempts:
        return 0.0
    return min(base * (2 ** min(failures - attempts, 20)), cap)


def fail(session, now: datetime, staff_id: int | None, terminal: str, policy: Policy) -> datetime | None:  # type: ignore[no-untyped-def]
    """Count one wrong PIN (or wrong name when ``staff_id`` is None); the delay it starts."""
    cap = policy.cap_minutes * 60.0
    until = None
    rows = [(_row(session, term_key(terminal)), policy.attempts * TERMINAL_FACTOR, PAIR_BASE, cap)]
    if staff_id is not None:
        rows += [(_row(session, pair_key(staff_id, terminal)), policy.attempts, PAIR_BASE, cap),
                 (_row(session, acct_key(staff_id)), policy.attempts, 1.0, float(ACCOUNT_CAP))]
    for row, attempts, base, limit in rows:
        row.failures = (row.failures or 0) + 1
        row.last_at = now
        seconds = _delay(row.failures, attempts, base, limit)
        if seconds:
            row.next_allowed_at = now + timedelta(seconds=seconds)
            until = row.next_allowed_at if until is None or row.next_allowed_at > until else until
    return until


def count_unknown(session, now: datetime, terminal: str) -> int:  # type: ignore[no-untyped-def]
    row = _row(session, term_key(terminal))
    row.unknown_names = (row.unknown_names or 0) + 1
    return row.unknown_names


def failures_left(session, staff_id: int, terminal: str, attempts: int) -> int:  # type: ignore[no-untyped-def]
    row = session.get(AuthThrottle, pair_key(staff_id, terminal))
    return max(attempts - (row.failures if row else 0), 0)


def clear_account(session, staff_id: int) -> None:  # type: ignore[no-untyped-def]
    session.execute(delete(AuthThrottle).where(
        (AuthThrottle.key == acct_key(staff_id)) | (AuthThrottle.key.like(f"acct:{staff_id}@term:%"))))


def clear_terminal_failures(session, terminal: str) -> None:  # type: ignore[no-untyped-def]
    row = session.get(AuthThrottle, term_key(terminal))
    if row is not None:
        row.failures = 0
        row.next_allowed_at = None
