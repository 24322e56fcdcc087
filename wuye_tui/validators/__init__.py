"""Input rules (SPEC section 4): pure functions that normalise a value or raise
``ValidationError(field, message)``. No UI or database imports here.

Every function takes ``field=`` so a form or the CLI can name the field the message
belongs to. ID-document numbers live in ``validators_ids``, text normalisation and the time
zone in ``validators_base``; both are re-exported here.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time

from ..errors import ValidationError
from ..i18n import _

from .base import _INVISIBLE, DEFAULT_TZ, compact, get_zone, normalise_text_width, strip_invisible  # noqa: F401  (re-exported: the text helpers and the zone)
from .ids import ID_TYPES, id_check_digit, id_type_label, mask_id_number, validate_id_number  # noqa: F401  (re-exported: ID-document numbers)


def clean_text(
    value: object,
    field: str = "text",
    max_len: int = 200,
    required: bool = False,
    multiline: bool = False,
) -> str:
    """Strip, drop control and zero-width characters, enforce required/max length.

    Single-line: tabs and line breaks become spaces (so pasted words don't run
    together). Multi-line: ``\\r\\n``/``\\r`` become ``\\n``; ``\\n`` and ``\\t`` kept.
    """
    s = "" if value is None else str(value)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in s:
        if ch in _INVISIBLE:
            continue
        if ch in "\n\t\u2028\u2029":
            out.append(("\t" if ch == "\t" else "\n") if multiline else " ")
        elif unicodedata.category(ch) == "Cc":
            continue
        else:
            out.append(ch)
    s = "".join(out).strip()
    if not s:
        if required:
            raise ValidationError(field, _("This field is required"))
        return ""
    if len(s) > max_len:
        raise ValidationError(field, _("At most {n} characters").format(n=max_len))
    return s


_NAME_DOTS = "·•・‧⋅･∙"  # all become U+00B7, as printed on ID cards


def validate_name(value: object, field: str = "name") -> str:
    """A person's name: 1-30 characters; Chinese, or Latin with spaces, dots,
    hyphens and apostrophes; ethnic names with a middle dot (阿依古丽·买买提)."""
    s = normalise_text_width(clean_text(value, field=field, max_len=60, required=True))
    s = re.sub(f"[{_NAME_DOTS}]", "·", s)
    s = re.sub(r"\s*·\s*", "·", re.sub(r"\s+", " ", s)).strip()
    if len(s) > 30:
        raise ValidationError(field, _("At most {n} characters").format(n=30))
    if any(ch.isdigit() for ch in s):
        raise ValidationError(field, _("A name must not contain digits"))
    for ch in s:
        cat = unicodedata.category(ch)
        if not (cat[0] in "LM" or ch in " ·.-'"):
            raise ValidationError(field, _("The name contains characters that are not allowed"))
    if not unicodedata.category(s[0]).startswith("L") or s[-1] in "·-'":
        raise ValidationError(field, _("The name contains characters that are not allowed"))
    if re.search(r"[·.\-' ]{2,}", s.replace(". ", ".")):
        raise ValidationError(field, _("The name contains characters that are not allowed"))
    return s


# --------------------------------------------------------------------------- plates

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_KINDS = (
    "ordinary",
    "new_energy",
    "police",
    "coach",
    "trailer",
    "test",
    "consulate",
    "embassy",
    "hk_macau",
    "armed_police",
    "other",
)
_P = f"[{PROVINCES}]"
_L = "[A-HJ-NP-Z]"  # issuing-authority letter: no I, no O
_S = "[A-HJ-NP-Z0-9]"  # serial character: digits, letters except I and O
_NEV = "[DABCEFGHJK]"
_PLATE_PATTERNS = [
    ("ordinary", f"{_P}{_L}{_S}{{5}}"),
    ("new_energy", f"{_P}{_L}{_NEV}{_S}[0-9]{{4}}"),
    ("new_energy", f"{_P}{_L}[0-9]{{5}}{_NEV}"),
    ("police", f"{_P}[A-HJ-Z]{_S}{{4}}警"),  # O is the public-security code
    ("coach", f"{_P}{_L}{_S}{{4}}学"),
    ("trailer", f"{_P}{_L}{_S}{{4}}挂"),
    ("test", f"{_P}{_L}{_S}{{4}}[试超]"),
    ("consulate", f"{_P}{_L}{_S}{{4}}领"),
    ("embassy", "使[0-9]{6}|[0-9]{3}使[0-9]{3}"),
    ("hk_macau", f"粤Z{_S}{{4}}[港澳]"),
    ("armed_police", f"WJ{_P}?{_S}{{5,6}}"),
    ("other", f"{_P}{_L}{_S}{{4}}应急"),  # emergency-rescue plates
    ("other", "[A-Z]{2}[0-9]{5}"),  # military (PLA) plates, e.g. VA12345
]
_PLATE_RES = [(kind, re.compile(f"(?:{rx})")) for kind, rx in _PLATE_PATTERNS]
_PLATE_DROP = re.compile(r"[\s·・•‧⋅･∙.\-‐‑–—−_]+")


def normalise_plate(s: object) -> str:
    """Full-width to half-width, upper case, no spaces, middle dots or hyphens."""
    t = strip_invisible(normalise_text_width("" if s is None else str(s)))
    return _PLATE_DROP.sub("", t).upper()


def plate_kind(plate: object) -> str:
    """One of PLATE_KINDS for a plate (normalised first); "other" if it matches none."""
    p = normalise_plate(plate)
    for kind, rx in _PLATE_RES:
        if rx.fullmatch(p):
            return kind
    return "other"


def validate_plate(value: object, field: str = "plate") -> str:
    """A Chinese plate number (GA 36); returns the normalised plate."""
    p = normalise_plate(value)
    if not p:
        raise ValidationError(field, _("This field is required"))
    if any(rx.fullmatch(p) for _kind, rx in _PLATE_RES):
        return p
    first = p[0]
    if first not in PROVINCES and first != "使" and not p.startswith("WJ"):
        if not re.fullmatch(r"[A-Z0-9]+", p) or len(p) not in (7, 8):
            raise ValidationError(field, _("Unknown province abbreviation"))
        raise ValidationError(field, _("Not a valid plate number"))
    if first in PROVINCES and len(p) not in (7, 8):
        raise ValidationError(field, _("Plate has the wrong length"))
    if ("I" in p[1:] or "O" in p[1:]) and first in PROVINCES:
        raise ValidationError(field, _("Letters I and O are not used on plates"))
    raise ValidationError(field, _("Not a valid plate number"))


# --------------------------------------------------------------------------- phones

_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def _landline(s: str, field: str) -> str:
    """``s``: digits and hyphens/转, starting with 0. Returns 010-12345678[-123]."""
    ext = ""
    m = re.fullmatch(r"(.*?)(?:转|#|EXT\.?|X)([0-9]{1,6})", s)
    if m:
        s, ext = m.group(1).rstrip("-"), m.group(2)
    parts = [x for x in s.split("-") if x]
    if len(parts) == 3 and len(parts[1]) in (3, 4) and len(parts[1] + parts[2]) in (7, 8):
        parts = [parts[0], parts[1] + parts[2]]  # 010-6552-1234
    elif len(parts) == 3 and not ext:
        parts, ext = parts[:2], parts[2]
    if ext and not re.fullmatch(r"[0-9]{1,6}", ext):
        raise ValidationError(field, _("Not a valid phone number"))
    if len(parts) == 2:
        area, local = parts
    elif len(parts) == 1:
        digits = parts[0]
        n = 3 if digits[:2] in ("01", "02") else 4
        area, local = digits[:n], digits[n:]
    else:
        raise ValidationError(field, _("Not a valid phone number"))
    if not re.fullmatch(r"0[1-9][0-9]{1,2}", area):
        raise ValidationError(field, _("Not a valid area code"))
    if not re.fullmatch(r"[0-9]{7,8}", local):
        raise ValidationError(field, _("A landline number has 7 or 8 digits after the area code"))
    return f"{area}-{local}" + (f"-{ext}" if ext else "")


def validate_phone(value: object, field: str = "phone") -> str:
    """Mainland mobile (returned as 11 digits), landline with area code (returned as
    ``010-12345678`` or ``021-12345678-123``), 400/800 service numbers (10 digits), or
    an international number with ``+``/``00`` (returned as ``+85291234567``)."""
    s = normalise_text_width("" if value is None else str(value))
    s = re.sub(r"[)）]", "-", re.sub(r"[\s(（]+", "", strip_invisible(s))).upper()
    s = re.sub(r"[‐‑–—−]", "-", s)
    if not s:
        raise ValidationError(field, _("This field is required"))
    if not re.fullmatch(r"\+?[0-9\-]+(?:(?:转|#|EXT\.?|X)[0-9]+)?", s):
        raise ValidationError(field, _("Not a valid phone number"))
    intl = re.match(r"(?:\+|00)-?", s)
    if intl:
        rest = s[intl.end() :]
        if rest.startswith("86"):
            rest = rest[2:].lstrip("-")
            if _MOBILE.fullmatch(rest.replace("-", "")):
                return rest.replace("-", "")
            return _landline(rest if rest.startswith("0") else "0" + rest, field)
        digits = rest.replace("-", "")
        if not re.fullmatch(r"[1-9][0-9]{7,14}", digits):
            raise ValidationError(field, _("Not a valid phone number"))
        return "+" + digits
    digits = s.replace("-", "")
    if digits.startswith("86") and _MOBILE.fullmatch(digits[2:]):
        return digits[2:]
    if s.startswith("1"):
        if not digits.isdigit() or len(digits) != 11:
            raise ValidationError(field, _("A mobile number has 11 digits"))
        if not _MOBILE.fullmatch(digits):
            raise ValidationError(field, _("Not a valid mobile number"))
        return digits
    if re.fullmatch(r"[48]00[0-9]{7}", digits):
        return digits
    if s.startswith("0"):
        return _landline(s, field)
    if re.fullmatch(r"[2-9][0-9]{6,7}", digits):
        raise ValidationError(field, _("Include the area code for a landline"))
    raise ValidationError(field, _("Not a valid phone number"))


# --------------------------------------------------------------------------- dates


def _date_parts(s: str) -> tuple[str, str, str] | None:
    m = (
        re.fullmatch(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})", s)
        or re.fullmatch(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})[日号]?", s)
        or re.fullmatch(r"([0-9]{4})([0-9]{2})([0-9]{2})", s)
    )
    return m.groups() if m else None  # type: ignore[return-value]


# Days every backend stores and converts between local time and UTC (a day's end is the
# next midnight, so the last day must have a next one).
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(9998, 12, 31)


def _in_range(d: date, field: str) -> date:
    if not MIN_DATE <= d <= MAX_DATE:
        raise ValidationError(field, _("Dates run from {first} to {last}").format(
            first=MIN_DATE.isoformat(), last=MAX_DATE.isoformat()))
    return d


def parse_date(value: object, field: str = "date") -> date:
    """YYYY-MM-DD, YYYY/MM/DD, YYYY.MM.DD, YYYYMMDD or 2024年5月1日; full-width ok; between
    MIN_DATE and MAX_DATE."""
    if isinstance(value, datetime):
        return _in_range(value.date(), field)
    if isinstance(value, date):
        return _in_range(value, field)
    s = compact(value)
    if not s:
        raise ValidationError(field, _("This field is required"))
    parts = _date_parts(s)
    if parts is None:
        raise ValidationError(field, _("Not a valid date (use YYYY-MM-DD)"))
    y, m, d = (int(x) for x in parts)
    try:
        day = date(y, m, d)
    except ValueError:
        raise ValidationError(field, _("This date does not exist")) from None
    return _in_range(day, field)


def parse_date_range(start: object, end: object, start_field: str = "from",
                     end_field: str = "to") -> tuple[date, date]:
    """Two dates, the second not before the first (both days included by the callers)."""
    first = parse_date(start, field=start_field)
    last = parse_date(end, field=end_field)
    if last < first:
        raise ValidationError(end_field, _("The end date is before the start date"))
    return first, last


def parse_time(value: object, field: str = "time") -> time:
    """HH:MM, H:MM, HH:MM:SS, HHMM (full-width digits and colon ok)."""
    if isinstance(value, time):
        return value
    s = compact(value)
    if not s:
        raise ValidationError(field, _("This field is required"))
    m = re.fullmatch(r"([0-9]{1,2})[:.点]([0-9]{2})(?::([0-9]{2}))?分?", s) or re.fullmatch(
        r"([0-9]{2})([0-9]{2})()", s
    )
    if not m:
        raise ValidationError(field, _("Not a valid time (use HH:MM)"))
    h, mi, sec = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
    if h > 23 or mi > 59 or sec > 59:
        raise ValidationError(field, _("Not a valid time (use HH:MM)"))
    return time(h, mi, sec)


def parse_local_datetime(value: object, tz: str = DEFAULT_TZ, field: str = "datetime") -> datetime:
    """Local "YYYY-MM-DD HH:MM" (any date/time form above; "T" also splits) in ``tz``;
    returns an aware datetime in UTC."""
    zone = get_zone(tz)
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=zone)
        return aware.astimezone(UTC)
    s = strip_invisible(normalise_text_width("" if value is None else str(value))).strip()
    if not s:
        raise ValidationError(field, _("This field is required"))
    m = re.fullmatch(r"(\S+?)(?:\s+|T)(\S+)", s)
    if not m:
        raise ValidationError(field, _("Not a valid date and time (use YYYY-MM-DD HH:MM)"))
    d = parse_date(m.group(1), field=field)
    t = parse_time(m.group(2), field=field)
    return datetime.combine(d, t, tzinfo=zone).astimezone(UTC)


def parse_month(value: object, field: str = "month") -> tuple[int, int]:
    """YYYY-MM, YYYY/MM, YYYYMM or 2024年5月 -> (year, month)."""
    s = compact(value)
    if not s:
        raise ValidationError(field, _("This field is required"))
    m = re.fullmatch(r"([0-9]{4})(?:[-/.]([0-9]{1,2})|年([0-9]{1,2})月?|([0-9]{2}))", s)
    if not m:
        raise ValidationError(field, _("Not a valid month (use YYYY-MM)"))
    year, month = int(m.group(1)), int(next(g for g in m.groups()[1:] if g))
    if not 1 <= month <= 12 or year < 1:
        raise ValidationError(field, _("Not a valid month (use YYYY-MM)"))
    _in_range(date(year, month, 1), field)
    return year, month


# --------------------------------------------------------------------------- numbers


def validate_pin(value: object, field: str = "pin") -> str:
    """4-8 ASCII digits (full-width digits accepted)."""
    s = strip_invisible(normalise_text_width("" if value is None else str(value))).strip()
    if not re.fullmatch(r"[0-9]{4,8}", s):
        raise ValidationError(field, _("The PIN must be 4 to 8 digits"))
    return s


def validate_int(
    value: object,
    field: str = "number",
    min_value: int | None = None,
    max_value: int | None = None,
) -> int:
    """A whole number (str or int; full-width digits ok) within the given bounds."""
    if isinstance(value, bool):
        raise ValidationError(field, _("Enter a whole number"))
    if isinstance(value, int):
        n = value
    else:
        s = compact(value)
        if not s:
            raise ValidationError(field, _("This field is required"))
        if not re.fullmatch(r"[+-]?[0-9]{1,18}", s):
            raise ValidationError(field, _("Enter a whole number"))
        n = int(s)
    if min_value is not None and n < min_value:
        raise ValidationError(field, _("Must be at least {n}").format(n=min_value))
    if max_value is not None and n > max_value:
        raise ValidationError(field, _("Must be at most {n}").format(n=max_value))
    return n
