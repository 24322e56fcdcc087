"""A report is a title and sections of small tables; this renders it to Markdown, CSV
(UTF-8 with BOM, sections one after another) and XLSX (one sheet, a bold title per
section, widths that fit Chinese text). Cells are text or numbers already formatted by
the report builder; datetimes are shown in the site's zone.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path
from typing import Any

from ...i18n import _
from ..writers import csv_safe, display_width, print_setup, text_cell


class Percent(float):
    """A share or rate as a fraction (0.992): a real number with a percent format in XLSX,
    "99.2%" as text."""

    def text(self) -> str:
        return f"{self * 100:.1f}%"


def percent(num: int, den: int) -> Percent | str:
    """num ÷ den as a Percent, "-" when there is nothing to divide by."""
    return Percent(num / den) if den else "-"


@dataclass
class Section:
    title: str
    header: tuple[str, ...]
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    note: str = ""


@dataclass
class Report:
    title: str
    subtitle: str
    sections: list[Section]
    tz: tzinfo

    def cell(self, value: Any) -> str:
        if isinstance(value, Percent):
            return value.text()
        if isinstance(value, float):
            return f"{value:g}"
        return text_cell(value, "", self.tz)


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def to_markdown(report: Report) -> str:
    out = [f"# {report.title}", ""]
    if report.subtitle:
        out += [report.subtitle, ""]
    for sec in report.sections:
        out += [f"## {sec.title}", ""]
        if not sec.rows:
            out += [_("(none)"), ""]
            if sec.note:
                out += [sec.note, ""]
            continue
        out.append("| " + " | ".join(_md_escape(h) for h in sec.header) + " |")
        out.append("|" + "|".join("---" for _h in sec.header) + "|")
        for row in sec.rows:
            out.append("| " + " | ".join(_md_escape(report.cell(v)) for v in row) + " |")
        out.append("")
        if sec.note:
            out += [sec.note, ""]
    return "\n".join(out).rstrip() + "\n"


def write_csv(report: Report, path: Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([csv_safe(report.title)])
        if report.subtitle:
            w.writerow([csv_safe(report.subtitle)])
        for sec in report.sections:
            w.writerow([])
            w.writerow([csv_safe(sec.title)])
            w.writerow([csv_safe(h) for h in sec.header])
            for row in sec.rows:
                # numbers (and shares, "12.5%") stay numbers; text is made spreadsheet-safe
                w.writerow([v if type(v) is int else report.cell(v) if isinstance(v, float)
                            else csv_safe(report.cell(v)) for v in row])
            if sec.note:
                w.writerow([csv_safe(line) for line in sec.note.splitlines()[:1]])
                for line in sec.note.splitlines()[1:]:
                    w.writerow([csv_safe(line)])


def write_xlsx(report: Report, path: Path) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    try:
        ws = wb.add_worksheet(report.title[:31])
        title_fmt = wb.add_format({"bold": True, "font_size": 14})
        sec_fmt = wb.add_format({"bold": True, "font_size": 12})
        head_fmt = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        dt_fmt = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        d_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
        txt_fmt = wb.add_format({"num_format": "@"})
        pct_fmt = wb.add_format({"num_format": "0.0%"})
        note_fmt = wb.add_format({"italic": True, "font_color": "#555555", "num_format": "@"})
        widths: dict[int, int] = {}
        header_rows: tuple[int, int] | None = None

        def fit(c: int, text: str) -> None:
            widths[c] = max(widths.get(c, 8), min(display_width(text) + 2, 60))

        ws.write_string(0, 0, report.title, title_fmt)
        r = 1
        if report.subtitle:
            ws.write_string(r, 0, report.subtitle)
            r += 1
        for sec in report.sections:
            r += 1
            ws.write_string(r, 0, sec.title, sec_fmt)
            r += 1
            for c, h in enumerate(sec.header):
                ws.write_string(r, c, h, head_fmt)
                fit(c, h)
            if len(report.sections) == 1:
                header_rows = (r, r)
            r += 1
            for row in sec.rows:
                for c, v in enumerate(row):
                    if v is None or v == "":
                        continue
                    if isinstance(v, bool):
                        ws.write_string(r, c, _("Yes") if v else _("No"), txt_fmt)
                    elif isinstance(v, Percent):
                        ws.write_number(r, c, float(v), pct_fmt)
                    elif isinstance(v, (int, float)):
                        ws.write_number(r, c, v)
                    elif isinstance(v, datetime):
                        ws.write_datetime(r, c, v.astimezone(report.tz).replace(tzinfo=None), dt_fmt)
                        fit(c, "2026-01-01 00:00")
                    elif isinstance(v, date):
                        ws.write_datetime(r, c, datetime(v.year, v.month, v.day), d_fmt)
                        fit(c, "2026-01-01")
                    else:
                        ws.write_string(r, c, str(v), txt_fmt)
                        fit(c, str(v))
                r += 1
            for line in sec.note.splitlines() if sec.note else ():
                ws.write_string(r, 0, line, note_fmt)
                r += 1
        for c, w in widths.items():
            ws.set_column(c, c, w)
        print_setup(ws, report.title, report.subtitle, list(widths.values()), header_rows)
    finally:
        wb.close()


def renderer(report: Report, fmt: str) -> str | Callable[[Path], None]:
    """Markdown text, or a function writing the CSV/XLSX file to a path."""
    if fmt == "md":
        return to_markdown(report)
    if fmt == "csv":
        return lambda path: write_csv(report, path)
    return lambda path: write_xlsx(report, path)


# ---- generic rendering of a service's result (dataclasses) ---------------------------


def _label(name: str) -> str:
    return _(name.replace("_", " ").capitalize())


def _scalar(v: Any) -> bool:
    return v is None or isinstance(v, (str, int, float, bool, date, datetime))


def _plain(v: Any) -> Any:
    if _scalar(v):
        return v
    if isinstance(v, (list, tuple, set)):
        return "、".join(str(_plain(x)) for x in v)
    if isinstance(v, dict):
        return "；".join(f"{k}：{_plain(x)}" for k, x in v.items())
    return str(v)


def sections_of(obj: Any, title: str) -> list[Section]:
    """Sections for a result the reports area does not know in detail: its scalar fields
    in one key/value table, each list of records in its own table."""
    if not dataclasses.is_dataclass(obj):
        if isinstance(obj, (list, tuple)):
            return _list_section(title, obj)
        return [Section(title, (_("Item"), _("Value")), [(title, _plain(obj))])]
    scalars: list[tuple[Any, ...]] = []
    tables: list[Section] = []
    for f in dataclasses.fields(obj):
        v = getattr(obj, f.name)
        if isinstance(v, (list, tuple)) and v and not _scalar(v[0]):
            tables += _list_section(_label(f.name), v)
        elif isinstance(v, (list, tuple)) and not v:
            tables.append(Section(_label(f.name), (_("Item"),), []))
        elif dataclasses.is_dataclass(v):
            tables += sections_of(v, _label(f.name))
        else:
            scalars.append((_label(f.name), _plain(v)))
    return ([Section(title, (_("Item"), _("Value")), scalars)] if scalars else []) + tables


def _list_section(title: str, items: Sequence[Any]) -> list[Section]:
    if not items:
        return [Section(title, (_("Item"),), [])]
    first = items[0]
    if dataclasses.is_dataclass(first):
        names = [f.name for f in dataclasses.fields(first)]
        rows = [tuple(_plain(getattr(it, n)) for n in names) for it in items]
        return [Section(title, tuple(_label(n) for n in names), rows)]
    if isinstance(first, (list, tuple)):
        return [Section(title, tuple(str(i + 1) for i in range(len(first))),
                        [tuple(_plain(x) for x in it) for it in items])]
    return [Section(title, (_("Item"),), [(_plain(it),) for it in items])]
