"""Helpers of the validator tests: an independent check digit, ID makers, a raises check."""

from __future__ import annotations

from datetime import date

import pytest

from wuye_tui.errors import ValidationError

TODAY = date(2024, 6, 1)


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 from its definition (powers of 2), not the weight table."""
    s = sum(int(c) * pow(2, 17 - i, 11) for i, c in enumerate(first17))
    return "0123456789X"[(12 - s % 11) % 11]


def make_id(region: str, birth: str, seq: str = "123") -> str:
    body = region + birth + seq
    return body + check_char(body)


def wrong_check(id18: str) -> str:
    good = id18[-1]
    return id18[:-1] + next(c for c in "0123456789X" if c != good)


def raises(fn, *args, expect: str | None = None, **kw) -> ValidationError:
    """Call ``fn`` (``field=`` is passed on) and check the error names the field."""
    with pytest.raises(ValidationError) as info:
        fn(*args, **kw)
    assert info.value.field == (expect or kw["field"])
    assert info.value.message
    return info.value
