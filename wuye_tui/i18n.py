"""Translations: English message ids, Simplified Chinese catalogs (the default UI).

Catalogs are JSON files in ``wuye_tui/locale/zh_CN/*.json`` (one per area, merged at
first use) mapping an English message id to its Chinese text. English is the identity.
Use ``_("Visitor check-in")`` for every user-facing string, and ``.format()`` after the
lookup for values: ``_("Locked until {time}").format(time=t)``.
"""

from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("zh", "en")
_lang = "zh"


def normalise_language(value: str | None) -> str:
    v = (value or "").strip().lower().replace("-", "_")
    if v in ("zh", "zh_cn", "cn", "zh_hans", "chinese"):
        return "zh"
    if v in ("en", "en_us", "en_gb", "english"):
        return "en"
    raise ValueError(value)


def set_language(value: str) -> None:
    global _lang
    _lang = normalise_language(value)


def get_language() -> str:
    return _lang


def language_from_env(default: str = "zh") -> str:
    try:
        return normalise_language(os.environ.get("WUYE_LANG") or default)
    except ValueError:
        return default


@lru_cache(maxsize=1)
def zh_catalog() -> dict[str, str]:
    merged: dict[str, str] = {}
    # beside this file (a plain path: importlib.resources costs a few ms at start-up)
    for entry in sorted((Path(__file__).parent / "locale" / "zh_CN").glob("*.json")):
        merged.update(json.loads(entry.read_text(encoding="utf-8")))
    return merged


def _(message: str) -> str:
    if _lang == "en":
        return message
    return zh_catalog().get(message, message)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (module constants)."""
    return message
