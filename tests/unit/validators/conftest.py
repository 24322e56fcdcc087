"""Every validator test runs in both UI languages."""

from __future__ import annotations

import pytest

from wuye_tui import i18n


@pytest.fixture(autouse=True, params=["zh", "en"])
def language(request):
    """Every test runs in both UI languages."""
    before = i18n.get_language()
    i18n.set_language(request.param)
    yield request.param
    i18n.set_language(before)
