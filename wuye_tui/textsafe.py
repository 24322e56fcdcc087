"""Text from users made safe to show: control characters visible, markup escaped.

No Textual here (the core imports none); the screens use ``screens.widgets.plain_text``.
"""

from __future__ import annotations

_KEEP = {"\n", "\t"}


def clean(value: object) -> str:
    """``value`` as text with every control character replaced by a visible symbol
    (ESC as "␛", CR as "␍"), so stored text cannot move the cursor or recolour a terminal."""
    s = "" if value is None else str(value)
    if not s or s.isprintable():
        return s
    out = []
    for ch in s:
        o = ord(ch)
        if ch in _KEEP:
            out.append(ch)
        elif o < 0x20:
            out.append(chr(0x2400 + o))  # control pictures ␀..␟
        elif o == 0x7F:
            out.append("\u2421")  # ␡
        elif 0x80 <= o < 0xA0:
            out.append("\ufffd")
        else:
            out.append(ch)
    return "".join(out)


def escape_markup(value: object) -> str:
    """``value`` for insertion into Textual/Rich markup: every ``[`` escaped.

    (``rich.markup.escape`` leaves ``[$var]`` and ``[1]`` alone; Textual parses ``[$error]``.)
    A backslash right before ``[`` or at the end would escape the escape or the template's next
    tag, so it is shown as "⧵".
    """
    s = clean(value)
    if s.endswith("\\"):  # it would escape the template's next tag
        s = s[:-1] + "\u29f5"
    if "[" not in s:
        return s
    s = s.replace("\\[", "\u29f5[")
    return s.replace("[", "\\[")


LIKE_ESCAPE = "\\"


def like_escape(value: str) -> str:
    """``value`` for a LIKE pattern with ``escape=LIKE_ESCAPE``: ``%`` and ``_`` are literal."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
