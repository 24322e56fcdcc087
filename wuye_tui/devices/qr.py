"""QR codes: what wuye puts in them, drawing them in the terminal and writing PNG/SVG.

Payloads are short ASCII texts a keyboard-wedge scanner types like a keyboard:

- ``WUYE:PRE:<6-digit code>`` a pre-registration, sent by the host to the visitor;
  scanned at the check-in look-up it fills the form.
- ``WUYE:VISIT:<visit id>`` printed on a visitor slip; scanned on the on-site board it
  checks that visitor out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import ValidationError
from ..i18n import _

PREFIX = "WUYE"
_SCAN = re.compile(r"^\s*WUYE:(PRE|VISIT):([0-9]{1,12})\s*$", re.IGNORECASE)


def prereg_payload(code: str) -> str:
    return f"{PREFIX}:PRE:{code}"


def visit_payload(visit_id: int) -> str:
    return f"{PREFIX}:VISIT:{visit_id}"


@dataclass(frozen=True)
class Scan:
    kind: str  # "prereg" or "visit"
    value: str  # the 6-digit code, or the visit id as text


def parse_scan(text: str) -> Scan | None:
    """A scanned wuye QR text, or None if the text is not one (typed input)."""
    m = _SCAN.match(text or "")
    if not m:
        return None
    kind = "prereg" if m.group(1).upper() == "PRE" else "visit"
    if kind == "prereg" and len(m.group(2)) != 6:
        return None
    return Scan(kind, m.group(2))


def _make(payload: str):  # type: ignore[no-untyped-def]
    import segno

    return segno.make_qr(payload, error="m")


def terminal_lines(payload: str) -> list[str]:
    """The QR code drawn with half-block characters, two modules rows per text line, with
    the quiet zone; dark modules are drawn as spaces on a light background by the caller
    (here: dark = "█" on the terminal's dark background inverted by using light blocks)."""
    qr = _make(payload)
    rows = [[bool(v) for v in row] for row in qr.matrix_iter(scale=1, border=2)]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    lines = []
    for top, bottom in zip(rows[0::2], rows[1::2]):
        chars = []
        for t, b in zip(top, bottom):
            # Light squares are drawn (the terminal background is dark): a dark module is blank.
            if not t and not b:
                chars.append("█")
            elif not t:
                chars.append("▀")
            elif not b:
                chars.append("▄")
            else:
                chars.append(" ")
        lines.append("".join(chars))
    return lines


def check_file_name(path: str | Path) -> Path:
    p = Path(path)
    if p.suffix.lower() not in (".png", ".svg"):
        raise ValidationError("qr", _("The QR file must end in .png or .svg"))
    from ..fsafe import refuse_symlink

    refuse_symlink(p.expanduser())  # refused before the pre-registration is saved
    return p


def write_file(payload: str, path: str | Path) -> Path:
    """Write the QR code as PNG or SVG (by the file's suffix): 0600, by temp file and
    rename, never through a symlink, like every file wuye writes (it holds a visitor's
    pre-registration code)."""
    import io

    from ..fsafe import write_private

    p = check_file_name(path)
    suffix = p.suffix.lower()
    buf = io.BytesIO()
    _make(payload).save(buf, kind=suffix[1:], scale=8 if suffix == ".png" else 6, border=4)
    return write_private(p, buf.getvalue())
