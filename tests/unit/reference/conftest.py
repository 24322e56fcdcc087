"""Each reference test starts from the shipped data/, uncached, in English."""

from __future__ import annotations

import pytest

from wuye_tui import i18n
from wuye_tui.reference import ENV_VAR, Reference, clear_reference_cache, load_reference


@pytest.fixture(autouse=True)
def _clean_state(monkeypatch: pytest.MonkeyPatch):
    before = i18n.get_language()
    monkeypatch.delenv(ENV_VAR, raising=False)
    clear_reference_cache()
    i18n.set_language("en")
    yield
    i18n.set_language(before)
    clear_reference_cache()


@pytest.fixture
def ref() -> Reference:
    return load_reference()
