"""The lowest layer of the input rules: text normalisation and the site's time zone, shared
by ``validators`` and ``validators_ids`` (which imports only this, so neither imports the
other)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ConfigError
from ..i18n import _

DEFAULT_TZ = "Asia/Shanghai"

# --------------------------------------------------------------------------- text

# Zero-width and bidi-control characters that sneak in with copy/paste.
_INVISIBLE = frozenset(
    "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
_FULLWIDTH_TABLE = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FULLWIDTH_TABLE[0x3000] = 0x20


def normalise_text_width(s: str) -> str:
    """Full-width ASCII (U+FF01..U+FF5E) to half-width; ideographic space to space."""
    return (s or "").translate(_FULLWIDTH_TABLE)


def strip_invisible(s: str) -> str:
    """Remove zero-width / bidi-control characters."""
    return "".join(ch for ch in s if ch not in _INVISIBLE)


def compact(value: object) -> str:
    """Half-width, upper case, no whitespace or invisible characters (codes, plates)."""
    s = strip_invisible(normalise_text_width("" if value is None else str(value)))
    return re.sub(r"\s+", "", s).upper()


def get_zone(tz: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(tz or DEFAULT_TZ)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(_("Unknown time zone: {tz}").format(tz=tz)) from None
