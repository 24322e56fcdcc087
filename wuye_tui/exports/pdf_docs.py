"""Printable documents as PDF (reportlab, the built-in CID font STSong-Light: no font
files): the reply letter on the office's letterhead, the monthly complaint table, the
handover record (交接班记录表) and a day's page of the visitor register. Each lays out like
the paper form the office's rules name; user text is drawn as text (escaped for
reportlab's paragraph markup), never as markup."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ..i18n import _

FONT = "STSong-Light"
_registered = False


def _font() -> str:
    global _registered
    if not _registered:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.cidfonts import UnicodeCIDFont

        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered = True
    return FONT


def _styles(scale: float = 1.0) -> dict[str, Any]:
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle

    f = _font()
    if scale != 1.0:
        return {k: ParagraphStyle(k + str(scale), parent=v, fontSize=v.fontSize * scale, leading=v.leading * scale)
                for k, v in _styles().items()}
    # CJK text wraps anywhere (wordWrap="CJK").
    return {
        "title": ParagraphStyle("title", fontName=f, fontSize=16, leading=22, alignment=TA_CENTER, wordWrap="CJK"),
        "sub": ParagraphStyle("sub", fontName=f, fontSize=9.5, leading=13, alignment=TA_CENTER, wordWrap="CJK"),
        "h": ParagraphStyle("h", fontName=f, fontSize=10.5, leading=14, spaceBefore=4, spaceAfter=2,
                            wordWrap="CJK"),
        "body": ParagraphStyle("body", fontName=f, fontSize=11, leading=18, wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=f, fontSize=8.5, leading=10.5, wordWrap="CJK"),
        "small": ParagraphStyle("small", fontName=f, fontSize=7.5, leading=9.5, wordWrap="CJK",
                                textColor="#444444"),
        "right": ParagraphStyle("right", fontName=f, fontSize=11, leading=18, alignment=TA_RIGHT, wordWrap="CJK"),
        "letterhead": ParagraphStyle("letterhead", fontName=f, fontSize=18, leading=24, alignment=TA_CENTER,
                                     wordWrap="CJK"),
        "lh_small": ParagraphStyle("lh_small", fontName=f, fontSize=9, leading=12, alignment=TA_CENTER,
                                   wordWrap="CJK"),
    }


def para(text: Any, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _cell_text(value: Any, tz: Any = None) -> str:
    from .reports.common import Percent
    from .writers import text_cell

    if isinstance(value, Percent):
        return value.text()
    if isinstance(value, float):
        return f"{value:g}"
    if tz is not None:
        from datetime import datetime

        if isinstance(value, datetime):
            return value.astimezone(tz).strftime("%m-%d %H:%M")
    return text_cell(value, "", tz) if tz is not None else ("" if value is None else str(value))


def grid(header: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float], st: dict[str, Any],
         tz: Any = None, repeat: bool = True, numeric: Sequence[int] = ()) -> Any:
    """A ruled table; header row shaded and repeated on a new page."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    data = [[para(h, st["cell"]) for h in header]]
    for row in rows:
        data.append([para(_cell_text(v, tz), st["cell"]) for v in row])
    t = Table(data, colWidths=list(widths), repeatRows=1 if repeat else 0)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for c in numeric:
        style.append(("ALIGN", (c, 1), (c, -1), "RIGHT"))
    t.setStyle(TableStyle(style))
    return t


def _page_numbers(title: str, period: str):  # type: ignore[no-untyped-def]
    """onPage callback: title and period in the header, "第 n 页" in the footer."""

    def draw(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        canvas.saveState()
        canvas.setFont(_font(), 8)
        w, h = doc.pagesize
        canvas.drawString(doc.leftMargin, h - 22, title)
        canvas.drawRightString(w - doc.rightMargin, h - 22, period)
        canvas.drawCentredString(w / 2, 18, _("Page {page}").format(page=canvas.getPageNumber()))
        canvas.restoreState()

    return draw


def _doc(path: Path, landscape_page: bool, title: str, margins_mm: float = 12) -> Any:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    size = landscape(A4) if landscape_page else A4
    m = margins_mm * mm
    return SimpleDocTemplate(str(path), pagesize=size, leftMargin=m, rightMargin=m, topMargin=m + 4 * mm,
                             bottomMargin=m, title=title, author="wuye")


def signature_row(parts: Sequence[str], width: float, st: dict[str, Any]) -> Any:
    """制表 / 审核 / 日期 (or any signature labels) spread across the width."""
    from reportlab.platypus import Table, TableStyle

    t = Table([[para(p, st["body"]) for p in parts]], colWidths=[width / len(parts)] * len(parts))
    t.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return t


# ---- the monthly table -----------------------------------------------------------------


def monthly_pdf(f: Any, path: Path) -> None:
    """The 客户月投诉统计表 on one A4 landscape page: laid out at full size, and smaller
    until it fits when a long month (many categories, a long definition) needs it."""
    for scale in (1.0, 0.93, 0.86, 0.8, 0.74, 0.68, 0.62):
        if _monthly_pdf(f, path, scale) == 1:
            return


def _monthly_pdf(f: Any, path: Path, scale: float) -> int:
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    st = _styles(scale)
    doc = _doc(path, True, f.title, 10)
    story: list[Any] = [para(f.title, st["title"]), para(f"{f.subtitle}    {f.period}", st["sub"]),
                        Spacer(1, 3 * mm)]
    col_w = (doc.width - 8 * mm) / 3
    widths = [col_w * 0.58, col_w * 0.2, col_w * 0.22]
    cols = []
    for stack in f.columns:
        parts: list[Any] = []
        for sec in stack:
            parts.append(para(sec.title, st["h"]))
            parts.append(grid(sec.header, sec.rows, widths, st, repeat=False, numeric=(1, 2)))
        cols.append(parts)
    outer = Table([cols], colWidths=[col_w + 4 * mm] * 3)
    outer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm)]))
    story.append(outer)
    # rates, each with its definition on the line under it
    from reportlab.lib import colors

    rw = doc.width
    rate_widths = [rw * 0.22, rw * 0.12, rw * 0.12, rw * 0.12, rw * 0.42]
    data = [[para(h, st["cell"]) for h in (_("Rate"), _("Numerator"), _("Denominator"), _("Value"),
                                           _("Target"))]]
    spans = []
    for row, definition in zip(f.rates, f.rate_definitions):
        data.append([para(_cell_text(v), st["cell"]) for v in row])
        data.append([para(_("Definition: {text}").format(text=definition), st["small"]), "", "", "", ""])
        spans.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
    for note in f.notes:
        data.append([para(note, st["small"]), "", "", "", ""])
        spans.append(("SPAN", (0, len(data) - 1), (-1, len(data) - 1)))
    rates = Table(data, colWidths=rate_widths)
    rates.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF7")),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.2), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
                               ("ALIGN", (1, 1), (3, -1), "RIGHT"), *spans]))
    story.append(KeepTogether([para(_("Rates"), st["h"]), rates]))
    if f.visits is not None:
        labels = [str(r[0]) for r in f.visits.rows]
        values = [r[1] for r in f.visits.rows]
        n = len(labels)
        vis = grid(labels, [values], [rw / n] * n, st, repeat=False)
        story.append(KeepTogether([para(f.visits.title, st["h"]), vis]))
    story += [Spacer(1, 4 * mm), signature_row(f.signature_line().split("    "), doc.width, st)]
    pages = _page_numbers(f.title, f.period)
    doc.build(story, onFirstPage=pages, onLaterPages=pages)
    return doc.page


# ---- the reply letter ------------------------------------------------------------------


def letter_pdf(lt: Any, path: Path) -> None:
    """The 书面回复 on the office's letterhead: name, address and phone over a rule, the
    complaint number, the customer, the facts, what was done, the result, the next step,
    the date and a signature line. A4 portrait."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import HRFlowable, KeepTogether, Spacer

    st = _styles()
    doc = _doc(path, False, _("Reply to your complaint"), 20)
    contact = "    ".join(x for x in (lt.address, _("Tel: {phone}").format(phone=lt.phone) if lt.phone else "") if x)
    story: list[Any] = [para(lt.site, st["letterhead"])]
    if contact:
        story.append(para(contact, st["lh_small"]))
    story += [Spacer(1, 2 * mm), HRFlowable(width="100%", thickness=1.2, color=colors.black),
              HRFlowable(width="100%", thickness=0.4, color=colors.black, spaceBefore=1),
              Spacer(1, 6 * mm), para(_("Reply to your complaint"), st["title"]), Spacer(1, 2 * mm),
              para(_("Complaint No.: {number}").format(number=lt.number), st["right"]), Spacer(1, 4 * mm),
              para(_("Dear {name}:").format(name=lt.customer), st["body"]), Spacer(1, 2 * mm),
              para(_("On {date} we received your complaint ({channel}) about {category}:").format(
                  date=lt.received, channel=lt.channel, category=lt.category), st["body"])]
    w = doc.width
    facts = [(_("Facts"), lt.facts)]
    if lt.unit or lt.location:
        facts.append((_("Unit and location"), "  ".join(x for x in (lt.unit, lt.location) if x)))
    facts.append((_("What we did"), "\n".join(f"{d}  {name}" for d, name in lt.steps)))
    facts.append((_("Result"), lt.result))
    facts.append((_("Next step"), lt.next_step))
    from reportlab.platypus import Table, TableStyle

    t = Table([[para(k, st["body"]), para(v, st["body"])] for k, v in facts], colWidths=[w * 0.2, w * 0.8])
    t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                           ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F2F2F2"))]))
    story += [Spacer(1, 3 * mm), t, Spacer(1, 6 * mm),
              para(_("Thank you for your understanding and support of our work."), st["body"]), Spacer(1, 10 * mm),
              KeepTogether([para(lt.site, st["right"]), para(_("Signature: ____________"), st["right"]),
                            para(lt.date, st["right"])])]
    doc.build(story)


# ---- any report (the handover record, patrol coverage) -----------------------------------


def _widths(header: Sequence[str], rows: Sequence[Sequence[Any]], total: float, tz: Any) -> list[float]:
    """Column widths in proportion to their content (a Chinese character counts 2), each
    between 6 and 40 characters."""
    from .writers import display_width

    need = []
    for c, h in enumerate(header):
        w = display_width(h)
        for row in rows[:200]:
            if c < len(row):
                longest = max((display_width(x) for x in _cell_text(row[c], tz).splitlines()), default=0)
                w = max(w, longest)
        need.append(min(max(w, 6), 40))
    s = sum(need) or 1
    return [total * n / s for n in need]


def report_pdf(report: Any, path: Path, signatures: Sequence[str] = (), landscape_page: bool = True) -> int:
    """A report's sections as ruled tables (header rows repeated across pages), the title
    and subtitle in each page's header, page numbers, then signature lines. Returns pages."""
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Spacer

    st = _styles()
    doc = _doc(path, landscape_page, report.title, 12)
    story: list[Any] = [para(report.title, st["title"]), para(report.subtitle, st["sub"]), Spacer(1, 3 * mm)]
    for sec in report.sections:
        head = para(sec.title, st["h"])
        if not sec.rows:
            story.append(KeepTogether([head, para(_("(none)"), st["cell"])]))
            continue
        table = grid(sec.header, sec.rows, _widths(sec.header, sec.rows, doc.width, report.tz), st, tz=report.tz)
        story.append(KeepTogether([head, table]) if len(sec.rows) < 25 else head)
        if len(sec.rows) >= 25:
            story.append(table)
        if sec.note:
            story.append(para(sec.note, st["small"]))
    if signatures:
        story += [Spacer(1, 8 * mm), signature_row(signatures, doc.width, st)]
    pages = _page_numbers(report.title, report.subtitle)
    doc.build(story, onFirstPage=pages, onLaterPages=pages)
    return doc.page


def handover_pdf(report: Any, path: Path) -> int:
    """交接班记录表: the day's (or one shift's) handovers, items and equipment, patrol
    anomalies, missed rounds and who left without handover, with signature lines."""
    import dataclasses

    report = dataclasses.replace(report, title=_("Shift handover record"))
    return report_pdf(report, path, (_("Outgoing guard: ____________"), _("Incoming guard: ____________"),
                                     _("Supervisor: ____________")))


# ---- a day's page of the visitor register ------------------------------------------------

VISITOR_PAGE_COLUMNS = ("id", "checked_in_at", "checked_out_at", "name", "id_type", "id_number", "phone",
                        "headcount", "unit", "approval", "purpose", "plate", "guard")


def visitors_day_pdf(ctx: Any, day: Any, path: Path) -> int:
    """访客登记表 for one local day: the register's columns as the gate's book has them,
    ID numbers and phones masked, header repeated on each page, signature lines. Returns
    the number of visits."""
    from .exporter import day_range
    from .reports.common import Report, Section
    from .registers.gate import VISIT_COLUMNS, visit_rows

    start, end = day_range(ctx, day, day)
    cols = [c for c in VISIT_COLUMNS if c.key in VISITOR_PAGE_COLUMNS]
    idx = [i for i, c in enumerate(VISIT_COLUMNS) if c.key in VISITOR_PAGE_COLUMNS]
    rows = [tuple(r[i] for i in idx) for r in visit_rows(ctx, start, end, False)]
    from ..services.core import settings

    site = settings.load(ctx).site_name
    rep = Report(_("Visitor register"), f"{site}  {day.isoformat()}",
                 [Section(_("Visits of the day"), tuple(_(c.header) for c in cols), rows)], ctx.tz)
    report_pdf(rep, path, (_("Guard on duty: ____________"), _("Checked by: ____________")))
    return len(rows)
