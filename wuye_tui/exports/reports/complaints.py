"""The 客户月投诉统计表 (monthly complaint statistics, SPEC §3.5) laid out from
``services.complaint_stats.monthly``: totals, counts by category, cause, channel and
department with their shares, general vs major, and the four rates with their numerators,
denominators, targets and definitions.

Two layouts of the same figures: ``build`` gives sections for the screen (Markdown) and
CSV; ``form`` gives the one-page form an office files (XLSX and PDF): A4 landscape, the
count tables side by side, the rates with each definition printed under its figure, the
return visits in one strip and the 制表 / 审核 / 日期 lines. Counts are numbers, shares and
rates are real numbers with a percent format. 有效投诉 appears once, as the valid-complaint
rate's numerator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...i18n import N_, _
from ...services.core.context import ServiceContext
from .common import Percent, Report, Section, percent, renderer

# The rates in print order: key (as in the stats' ``definitions``), label, numerator and
# denominator attributes, target, the definition printed when the stats bring none.
RATES = (
    ("on_time_rate", N_("On-time reply rate"), "on_time_replies", "replies_due", "",
     N_("Complaints received this month answered (reply, or the 'cannot be solved now' explanation) by the "
        "reply time owed at intake ÷ those answered plus those still unanswered past it.")),
    ("satisfaction_rate", N_("Satisfaction rate"), "satisfied", "confirmations", "",
     N_("Customer confirmations recorded this month that were satisfied or very satisfied ÷ all confirmations "
        "recorded this month.")),
    ("return_visit_handling_rate", N_("Return-visit handling rate"), "return_visits_handled",
     "return_visits_reached", Percent(1.0),
     N_("Return visits recorded this month whose feedback was handled (or needed nothing) ÷ visits that reached "
        "the customer (unreachable ones excluded).")),
    ("valid_complaint_rate", N_("Valid-complaint rate"), "valid_complaints", "households", "< 1%",
     N_("Valid complaints received this month (kind complaint, not marked invalid) ÷ households on the roster.")),
)


def load(ctx: ServiceContext, year: int, month: int) -> Any:
    from ...services.complaints import stats as complaint_stats

    return complaint_stats.monthly(ctx, year, month)


def _label(collection: str, code: str) -> str:
    from ...reference import load_reference

    return load_reference().label(collection, code)


def _counts(title: str, collection: str, counts: dict[str, int], total: int) -> Section:
    rows = [(_label(collection, code), n, percent(n, total)) for code, n in counts.items()]
    return Section(title, (_("Item"), _("Count"), _("Share")), rows)


def definitions(st: Any) -> dict[str, str]:
    """Each rate's definition: the stats' own (``definitions``), else ours."""
    given = dict(getattr(st, "definitions", None) or {})
    out: dict[str, str] = {}
    for key, _label_id, _num, _den, _target, fallback in RATES:
        text = given.pop(key, None)
        if text is None:  # also accept a key naming the rate in another way
            stem = key.removesuffix("_rate")
            match = next((k for k in given if stem in k), None)
            text = given.pop(match) if match else None
        out[key] = str(text) if text else _(fallback)
    out.update({k: str(v) for k, v in given.items() if v})
    return out


def _rate_rows(st: Any) -> list[tuple[Any, ...]]:
    return [(_(label), getattr(st, num), getattr(st, den), percent(getattr(st, num), getattr(st, den)), target)
            for _key, label, num, den, target, _fallback in RATES]


def _overview(st: Any) -> Section:
    return Section(_("Overview"), (_("Item"), _("Count"), _("Share")), [
        (_("Complaints and requests received"), st.total, percent(st.total, st.total)),
        (_("General"), st.general, percent(st.general, st.total)),
        (_("Major"), st.major, percent(st.major, st.total)),
        (_("Households on the roster"), st.households, ""),
    ])


def _visits(st: Any) -> Section:
    score = "-" if st.mean_satisfaction_score is None else round(float(st.mean_satisfaction_score), 2)
    return Section(_("Return visits and satisfaction"), (_("Item"), _("Value")), [
        (_("Return visits done"), st.return_visits_done),
        (_("Reached"), st.return_visits_reached),
        (_("Unreachable"), st.return_visits_unreachable),
        (_("Feedback handled"), st.return_visits_handled),
        (_("Customer confirmations"), st.confirmations),
        (_("Mean satisfaction score"), score),
    ] + [(_label("satisfaction", code), n) for code, n in st.by_satisfaction.items()])


def _titles(ctx: ServiceContext, st: Any) -> tuple[str, str]:
    from ...services.core import settings

    site = settings.load(ctx).site_name
    return (_("Monthly complaint statistics"),
            _("{site}, {year}-{month:02d}").format(site=site, year=st.year, month=st.month))


def build(ctx: ServiceContext, st: Any) -> Report:
    """Sections for the screen and CSV."""
    title, subtitle = _titles(ctx, st)
    defs = definitions(st)
    keys = [r[0] for r in RATES]
    note = "\n".join(f"{_(label)}：{defs[key]}" for key, label, *_rest in RATES)
    extra = "\n".join(f"{k}：{v}" for k, v in defs.items() if k not in keys)
    rates = Section(_("Rates"), (_("Rate"), _("Numerator"), _("Denominator"), _("Value"), _("Target")),
                    _rate_rows(st), note=note + ("\n" + extra if extra else ""))
    sections = [
        _overview(st),
        _counts(_("By category"), "category", st.by_category, st.total),
        _counts(_("By cause"), "cause", st.by_cause, st.total),
        _counts(_("By channel"), "channel", st.by_channel, st.total),
        _counts(_("By department"), "department", st.by_department, st.total),
        rates,
        _visits(st),
    ]
    return Report(title, subtitle, sections, ctx.tz)


# ---- the one-page form (XLSX, PDF) ----------------------------------------------------


@dataclass
class MonthlyForm:
    title: str
    subtitle: str  # site, month
    period: str  # 2026-11-01 至 2026-11-30
    columns: list[list[Section]]  # count tables, side by side, each column stacked
    rates: list[tuple[Any, ...]]  # label, numerator, denominator, Percent or "-", target
    rate_definitions: list[str]  # one per rate, printed under it
    notes: list[str] = field(default_factory=list)  # definitions the stats bring beyond the four rates
    visits: Section | None = None
    prepared_by: str = ""
    made_on: str = ""

    def signature_line(self) -> str:
        return _("Prepared by: {who}    Checked by: ____________    Date: {date}").format(
            who=self.prepared_by or "____________", date=self.made_on)


def form(ctx: ServiceContext, st: Any) -> MonthlyForm:
    from datetime import timedelta

    title, subtitle = _titles(ctx, st)
    first = ctx.local(st.start).date()
    last = ctx.local(st.end).date() - timedelta(days=1)
    defs = definitions(st)
    keys = [r[0] for r in RATES]
    return MonthlyForm(
        title=title, subtitle=subtitle,
        period=_("{start} to {end}").format(start=first.isoformat(), end=last.isoformat()),
        columns=[
            [_overview(st), _counts(_("By channel"), "channel", st.by_channel, st.total)],
            [_counts(_("By category"), "category", st.by_category, st.total)],
            [_counts(_("By cause"), "cause", st.by_cause, st.total),
             _counts(_("By department"), "department", st.by_department, st.total)],
        ],
        rates=_rate_rows(st),
        rate_definitions=[defs[k] for k in keys],
        notes=[f"{k}：{v}" for k, v in defs.items() if k not in keys],
        visits=_visits(st),
        prepared_by=ctx.actor.name if ctx.actor else "",
        made_on=ctx.local(ctx.now()).date().isoformat(),
    )


def write_form_xlsx(f: MonthlyForm, path: Path) -> None:
    """One sheet that prints on one A4 landscape page: three count columns side by side,
    the rates below across the width with their definitions, the visit strip, signatures."""
    import xlsxwriter

    from ..writers import print_setup

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    try:
        ws = wb.add_worksheet(f.title[:31])
        base = {"font_size": 10, "valign": "vcenter"}
        title_fmt = wb.add_format({"bold": True, "font_size": 16, "align": "center"})
        sub_fmt = wb.add_format({**base, "align": "center"})
        sec_fmt = wb.add_format({**base, "bold": True, "font_size": 11})
        head_fmt = wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"})
        txt_fmt = wb.add_format({**base, "border": 1, "num_format": "@"})
        num_fmt = wb.add_format({**base, "border": 1, "num_format": "0"})
        dec_fmt = wb.add_format({**base, "border": 1, "num_format": "0.00"})
        pct_fmt = wb.add_format({**base, "border": 1, "num_format": "0.0%"})
        def_fmt = wb.add_format({"font_size": 8, "italic": True, "font_color": "#444444", "text_wrap": True,
                                 "valign": "top", "border": 1, "num_format": "@"})
        sign_fmt = wb.add_format({**base, "font_size": 11})

        def cell(r: int, c: int, v: Any) -> None:
            if isinstance(v, Percent):
                ws.write_number(r, c, float(v), pct_fmt)
            elif isinstance(v, bool) or v is None:
                ws.write_string(r, c, "" if v is None else (_("Yes") if v else _("No")), txt_fmt)
            elif isinstance(v, int):
                ws.write_number(r, c, v, num_fmt)
            elif isinstance(v, float):
                ws.write_number(r, c, v, dec_fmt)
            else:
                ws.write_string(r, c, str(v), txt_fmt)

        # three blocks of (label, count, share) with a narrow gap column between them
        block_cols = [0, 4, 8]
        widths = {0: 22, 1: 7, 2: 8, 3: 2, 4: 16, 5: 7, 6: 8, 7: 2, 8: 18, 9: 7, 10: 8}
        last_col = 10
        ws.merge_range(0, 0, 0, last_col, f.title, title_fmt)
        ws.merge_range(1, 0, 1, last_col, f"{f.subtitle}    {f.period}", sub_fmt)
        bottom = 3
        for col, stack in zip(block_cols, f.columns):
            r = 3
            for sec in stack:
                ws.write_string(r, col, sec.title, sec_fmt)
                r += 1
                for i, h in enumerate(sec.header):
                    ws.write_string(r, col + i, h, head_fmt)
                r += 1
                for row in sec.rows:
                    for i, v in enumerate(row):
                        cell(r, col + i, v)
                    r += 1
                r += 1
            bottom = max(bottom, r)
        r = bottom
        ws.write_string(r, 0, _("Rates"), sec_fmt)
        r += 1
        # rate | numerator | denominator | value | target, spread over the 11 columns
        spans = [(0, 0), (1, 2), (4, 5), (6, 6), (8, 10)]
        heads = (_("Rate"), _("Numerator"), _("Denominator"), _("Value"), _("Target"))
        for (a, b), h in zip(spans, heads):
            if a == b:
                ws.write_string(r, a, h, head_fmt)
            else:
                ws.merge_range(r, a, r, b, h, head_fmt)
        r += 1
        for row, definition in zip(f.rates, f.rate_definitions):
            for (a, b), v in zip(spans, row):
                if a == b:
                    cell(r, a, v)
                else:
                    ws.merge_range(r, a, r, b, "", txt_fmt)
                    cell(r, a, v)
            r += 1
            ws.merge_range(r, 0, r, last_col, _("Definition: {text}").format(text=definition), def_fmt)
            ws.set_row(r, 24)
            r += 1
        for note in f.notes:
            ws.merge_range(r, 0, r, last_col, note, def_fmt)
            ws.set_row(r, 24)
            r += 1
        if f.visits is not None:
            r += 1
            ws.write_string(r, 0, f.visits.title, sec_fmt)
            r += 1
            # a strip: labels in one row, values in the next, in two halves of the width
            items = f.visits.rows
            slots = [c for c in range(last_col + 1) if c not in (3, 7)]  # not the gap columns
            half = min(len(slots), (len(items) + 1) // 2)
            for start in range(0, len(items), half):
                for c, (label, value) in zip(slots, items[start:start + half]):
                    ws.write_string(r, c, str(label), head_fmt)
                    cell(r + 1, c, value)
                r += 2
        r += 1
        ws.merge_range(r, 0, r, last_col, f.signature_line(), sign_fmt)
        for c, w in widths.items():
            ws.set_column(c, c, w)
        print_setup(ws, f.title, f.period, list(widths.values()), None, landscape=True)
        ws.fit_to_pages(1, 1)  # one page: no table split
        ws.print_area(0, 0, r, last_col)
        ws.center_horizontally()
    finally:
        wb.close()


def render(ctx: ServiceContext, st: Any, fmt: str, year: int = 0, month: int = 0) -> str | Callable[[Path], None]:
    if fmt == "xlsx":
        f = form(ctx, st)
        return lambda path: write_form_xlsx(f, path)
    if fmt == "pdf":
        from .. import pdf_docs

        f = form(ctx, st)
        return lambda path: pdf_docs.monthly_pdf(f, path)
    return renderer(build(ctx, st), fmt)
