"""Shared pieces of the reference objects: labelled names and minutes of the day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

from wuye_tui.i18n import get_language

MINUTES_PER_DAY = 24 * 60


def minute_of_day(t: time) -> int:
    return t.hour * 60 + t.minute


def time_of_minute(m: int) -> time:
    m %= MINUTES_PER_DAY
    return time(m // 60, m % 60)


class _Labelled:
    zh: str
    en: str

    @property
    def label(self) -> str:
        """The name in the current UI language (``zh`` unless the language is English)."""
        return self.en if get_language() == "en" else self.zh


@dataclass(frozen=True)
class Named(_Labelled):
    code: str
    zh: str
    en: str


