"""ID-document numbers: mainland resident ID (GB 11643-1999, ISO 7064 MOD 11-2 check
digit), passports, Hong Kong/Macao and Taiwan permits, residence permits, foreign
permanent residence cards. Re-exported by ``wuye_tui.validators``.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from ..errors import ValidationError
from ..i18n import _
from .base import DEFAULT_TZ, compact, get_zone

ID_TYPES = (
    "resident_id",
    "passport",
    "hk_macau_permit",
    "taiwan_permit",
    "residence_permit",
    "foreign_permanent",
    "other",
)

# First two digits of a resident ID: provinces, plus 71 Taiwan, 81/82 HK/Macao,
# 83 Taiwan (residence permits) and 91 (as issued to some overseas residents).
PROVINCE_CODES = frozenset(
    str(n) for n in (*range(11, 16), 21, 22, 23, *range(31, 38), *range(41, 47), *range(50, 55))
) | frozenset(str(n) for n in (*range(61, 66), 71, 81, 82, 83, 91))
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_MAP = "10X98765432"


def id_type_label(t: str) -> str:
    """The translated label of an ID type; unknown types are returned unchanged."""
    labels = {
        "resident_id": _("Resident ID card"),
        "passport": _("Passport"),
        "hk_macau_permit": _("Home-return permit (Hong Kong/Macao)"),
        "taiwan_permit": _("Taiwan compatriot permit"),
        "residence_permit": _("Residence permit for Hong Kong, Macao and Taiwan residents"),
        "foreign_permanent": _("Foreign permanent resident ID card"),
        "other": _("Other"),
    }
    return labels.get(t, t)


def id_check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_MAP[total % 11]


def _today(today: date | None) -> date:
    return today if today is not None else datetime.now(get_zone(DEFAULT_TZ)).date()


def _check_18(s: str, field: str, today: date | None, region: bool = True) -> str:
    """An 18-character number with a birth date at 7-14 and a MOD 11-2 check digit."""
    if len(s) != 18:
        raise ValidationError(field, _("The ID number must have 18 characters (got {n})").format(n=len(s)))
    if not re.fullmatch(r"[0-9]{17}[0-9X]", s):
        raise ValidationError(field, _("The ID number must be 17 digits followed by a digit or X"))
    if region and s[:2] not in PROVINCE_CODES:
        raise ValidationError(field, _("Unknown region code in the ID number"))
    y, m, d = int(s[6:10]), int(s[10:12]), int(s[12:14])
    try:
        born = date(y, m, d)
    except ValueError:
        born = None
    if born is None or y < 1900:
        raise ValidationError(field, _("The birth date in the ID number is not valid"))
    if born > _today(today):
        raise ValidationError(field, _("The birth date in the ID number is in the future"))
    if id_check_digit(s[:17]) != s[17]:
        raise ValidationError(field, _("The ID number check digit is wrong; please check the number again"))
    return s


def validate_id_number(
    value: object,
    id_type: str = "resident_id",
    field: str = "id_number",
    today: date | None = None,
) -> str:
    """Check an ID number by the rules of its type; returns it normalised
    (half-width, upper case, no spaces)."""
    if id_type not in ID_TYPES:
        raise ValidationError("id_type", _("Unknown ID type"))
    s = compact(value)
    if not s:
        raise ValidationError(field, _("This field is required"))
    if id_type == "resident_id":
        return _check_18(s, field, today)
    if id_type == "residence_permit":
        if s[:2] not in ("81", "82", "83"):
            raise ValidationError(field, _("A residence permit number starts with 81, 82 or 83"))
        return _check_18(s, field, today)
    if id_type == "foreign_permanent":
        if re.fullmatch(r"[A-Z]{3}[0-9]{12}", s):  # 2004-2023 card
            return s
        if len(s) == 18 and s[0] == "9":  # 2023 card
            return _check_18(s, field, today, region=False)
        raise ValidationError(
            field,
            _("A foreign permanent resident ID is 18 characters starting with 9, or 3 letters and 12 digits"),
        )
    if id_type == "passport":
        if not re.fullmatch(r"[A-Z0-9]{5,17}", s):
            raise ValidationError(field, _("A passport number is 5 to 17 letters or digits"))
        return s
    if id_type == "hk_macau_permit":
        # 回乡证 H/M + 8 digits (+ 2-digit issue count); mainland 往来港澳通行证 C + 8.
        if not re.fullmatch(r"[HM][0-9]{8}(?:[0-9]{2})?|C[0-9A-HJ-NP-Z][0-9]{7}", s):
            raise ValidationError(
                field,
                _(
                    "A Hong Kong/Macao permit number is H or M and 8 or 10 digits, "
                    "or C and 8 letters or digits"
                ),
            )
        return s
    if id_type == "taiwan_permit":
        s = re.sub(r"[()]", "", s)
        if not re.fullmatch(r"[0-9]{8}(?:[0-9A-Z]{2})?", s):
            raise ValidationError(
                field, _("A Taiwan permit number is 8 digits, or 8 digits and 2 letters or digits")
            )
        return s
    # other
    if not 2 <= len(s) <= 30 or not s.isprintable():
        raise ValidationError(field, _("An ID number has 2 to 30 characters"))
    return s


def mask_id_number(value: object) -> str:
    """Hide the middle of an ID number for display: 110105********002X.

    12+ characters keep the first 6 and last 4; 5-11 keep the first 2 and last 2;
    shorter values are all stars.
    """
    s = "" if value is None else str(value).strip()
    n = len(s)
    if n < 5:
        return "*" * n
    head, tail = (6, 4) if n >= 12 else (2, 2)
    return s[:head] + "*" * (n - head - tail) + s[-tail:]


def mask_phone(value: object) -> str:
    """Hide the middle of a phone number for display: 138****5678 (short numbers: stars)."""
    s = "" if value is None else str(value).strip()
    if len(s) < 7:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]
