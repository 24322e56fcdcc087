"""Streaming writers: CSV (UTF-8 with BOM), XLSX (xlsxwriter, constant memory) and JSON.

Each writer takes the register's columns and an iterator of row tuples and never holds
more than one row at a time. Datetimes arrive as aware UTC values and are written in the
site's time zone: as text in CSV, as real Excel dates in XLSX, as ISO 8601 with the
offset in JSON. Each returns the number of rows written.

Spreadsheet safety (CSV, see ``csv_safe``): a text cell that starts with ``=``, ``+``,
``-``, ``@``, a tab or CR is written with a leading apostrophe ``'`` (OWASP CSV injection:
it is then never a formula in LibreOffice or Excel); a text cell that a spreadsheet would
read as a number or a date (ID numbers, phones, unit codes, digit strings such as
``0571...``) is written with a leading tab, which LibreOffice and Excel both keep as text
and which shows as nothing. In XLSX every text cell is a string cell with the text number
format ``@``, so it stays text when opened, edited or saved again; nothing is a formula.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timezone, tzinfo
from typing import IO, Any

from ..i18n import _
from .registry import Column

Progress = Callable[[int], None]
PROGRESS_EVERY = 2000
WIDTH_SAMPLE_ROWS = 2000  # column widths are measured on the header and the first rows
MAX_WIDTH = 60
FORMATS = ("csv", "xlsx", "json")


def display_width(text: str) -> int:
    """Width in terminal/Excel character cells: East-Asian wide and full-width count 2."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _local(value: datetime, tz: tzinfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(tz)


EXCEL_EPOCH = datetime(1899, 12, 30)


def excel_serial(value: datetime, tz: tzinfo) -> float:
    """An Excel date-time number (days since 1899-12-30) of ``value`` in the zone ``tz``."""
    d = _local(value, tz).replace(tzinfo=None) - EXCEL_EPOCH
    return d.days + (d.seconds + d.microseconds / 1e6) / 86400


def text_cell(value: Any, kind: str, tz: tzinfo) -> str:
    """A cell as text (CSV, Markdown): local time, ISO dates, 是/否."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _local(value, tz).strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


FORMULA_START = frozenset("=+-@\t\r")
_PLAIN_START = frozenset(chr(c) for c in range(0x3000, 0xA000)) | frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")  # CJK and letters: never a number
# What LibreOffice or Excel would turn into a number, date, time or percent on opening.
_NUMBER_LIKE = re.compile(r"\s*[0-9.(][0-9.,:/%eE()\- ]*\Z")


def csv_safe(value: str) -> str:
    """A text cell for CSV that a spreadsheet shows as this text (see the module notes)."""
    if not value:
        return value
    first = value[0]
    if first in _PLAIN_START:
        return value
    if first in FORMULA_START:
        return "'" + value
    if value.isdigit() or ((first.isdigit() or first in " .(") and _NUMBER_LIKE.match(value)):
        return "\t" + value
    return value


def headers(columns: Sequence[Column]) -> list[str]:
    return [_(c.header) for c in columns]


def _tick(progress: Progress | None, n: int) -> None:
    if progress is not None and n % PROGRESS_EVERY == 0:
        progress(n)


def write_csv(fh: IO[str], columns: Sequence[Column], rows: Iterable[Sequence[Any]], tz: tzinfo,
              progress: Progress | None = None) -> int:
    """``fh`` is a text file opened with encoding="utf-8-sig" and newline=""."""
    writer = csv.writer(fh)
    writer.writerow([csv_safe(h) for h in headers(columns)])
    kinds = [c.kind for c in columns]
    n = 0
    plain, safe = _PLAIN_START, csv_safe
    # Ints pass straight through, strings are made spreadsheet-safe (those starting with a
    # letter or a Chinese character without a call), the rest converted.
    for row in rows:
        writer.writerow([(v if not v or v[0] in plain else safe(v)) if type(v) is str
                         else v if type(v) is int else text_cell(v, k, tz) for v, k in zip(row, kinds)])
        n += 1
        _tick(progress, n)
    if progress is not None:
        progress(n)
    return n


def _json_cell(value: Any, tz: tzinfo) -> Any:
    if isinstance(value, datetime):
        return _local(value, tz).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def write_json(fh: IO[str], columns: Sequence[Column], rows: Iterable[Sequence[Any]], tz: tzinfo,
               progress: Progress | None = None) -> int:
    """A JSON array of objects keyed by the columns' keys, written one object at a time."""
    keys = [c.key for c in columns]
    dumps = json.JSONEncoder(ensure_ascii=False, default=str).encode
    fh.write("[")
    n = 0
    for row in rows:
        obj = {k: _json_cell(v, tz) for k, v in zip(keys, row)}
        fh.write(("\n" if n == 0 else ",\n") + dumps(obj))
        n += 1
        _tick(progress, n)
    fh.write("\n]\n" if n else "]\n")
    if progress is not None:
        progress(n)
    return n


PORTRAIT_MAX_WIDTH = 95  # column characters that still fit an A4 portrait page at a readable size


def print_setup(ws: Any, title: str, subtitle: str, widths: Sequence[float], header_rows: tuple[int, int] | None,
                landscape: bool | None = None) -> None:
    """A4, landscape when the columns are wide, fit to the page width (any number of pages
    long), ``header_rows`` (first, last; 0-based) repeated on every page, the title and the
    range in the page header, page numbers in the footer."""
    ws.set_paper(9)  # A4
    if landscape is None:
        landscape = sum(widths) > PORTRAIT_MAX_WIDTH
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.75, bottom=0.6)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)

    def amp(text: str) -> str:
        return text.replace("&", "&&")

    ws.set_header(f"&L&\"-,Bold\"{amp(title)}&R{amp(subtitle)}", {"margin": 0.3})
    ws.set_footer("&C" + amp(_("Page {page} of {pages}")).replace("{page}", "&P").replace("{pages}", "&N"),
                  {"margin": 0.3})


def write_xlsx(path: str, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]],
               tz: tzinfo, progress: Progress | None = None, subtitle: str = "") -> int:
    """Title row, header row (frozen), data; dates as real Excel dates in the site's zone.

    Column widths fit the header and the first rows, a Chinese character counting 2.
    """
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False,
                                    "strings_to_formulas": False, "strings_to_urls": False})
    try:
        ws = wb.add_worksheet((_(title) or "Sheet1")[:31])
        title_fmt = wb.add_format({"bold": True, "font_size": 14})
        head_fmt = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        dt_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        d_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        txt_fmt = wb.add_format({"num_format": "@"})
        heads = headers(columns)
        ws.write_string(0, 0, _(title) + (f"  {subtitle}" if subtitle else ""), title_fmt)
        for c, h in enumerate(heads):
            ws.write_string(1, c, h, head_fmt)
        ws.freeze_panes(2, 0)
        widths = [max(col.width, display_width(h) + 2) for col, h in zip(columns, heads)]
        kinds = [c.kind for c in columns]
        ncols = len(columns)
        # The undecorated cell methods (skipping A1-notation parsing) when this xlsxwriter has them.
        write_string = getattr(ws, "_write_string", ws.write_string)
        write_number = getattr(ws, "_write_number", ws.write_number)
        r = 2
        n = 0
        for row in rows:
            sample = n < WIDTH_SAMPLE_ROWS
            for c in range(ncols):
                v = row[c]
                if v is None:
                    continue
                t = type(v)
                if t is str:
                    if v:
                        write_string(r, c, v, txt_fmt)
                        if sample:
                            w = display_width(v) + 2
                            if w > widths[c]:
                                widths[c] = w
                elif t is int or t is float:
                    write_number(r, c, v)
                elif t is bool:
                    write_string(r, c, _("Yes") if v else _("No"), txt_fmt)
                elif t is datetime:
                    write_number(r, c, excel_serial(v, tz), dt_fmt)
                    if sample and widths[c] < 18:
                        widths[c] = 18
                elif t is date:
                    write_number(r, c, (v - EXCEL_EPOCH.date()).days, d_fmt)
                    if sample and widths[c] < 12:
                        widths[c] = 12
                else:
                    write_string(r, c, text_cell(v, kinds[c], tz), txt_fmt)
            r += 1
            n += 1
            _tick(progress, n)
        for c, w in enumerate(widths):
            ws.set_column(c, c, min(w, MAX_WIDTH))
        print_setup(ws, _(title), subtitle, [min(w, MAX_WIDTH) for w in widths], (1, 1))
        if progress is not None:
            progress(n)
    finally:
        wb.close()
    return n
