"""The 客户月投诉统计表 (monthly complaint statistics, SPEC §3.5) laid out from
``services.complaint_stats.monthly``: totals, counts by category, cause, channel and
department with their shares, general vs major, and the four rates with their numerators,
denominators and targets."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..i18n import _
from ..services.context import ServiceContext
from .reports_common import Report, Section, renderer


def load(ctx: ServiceContext, year: int, month: int) -> Any:
    from ..services import complaint_stats

    return complaint_stats.monthly(ctx, year, month)


def _label(collection: str, code: str) -> str:
    from ..reference import load_reference

    return load_reference().label(collection, code)


def _pct(num: int, den: int) -> str:
    return "-" if not den else f"{num * 100 / den:.1f}%"


def _counts(title: str, collection: str, counts: dict[str, int], total: int) -> Section:
    rows = [(_label(collection, code), n, _pct(n, total)) for code, n in counts.items()]
    return Section(title, (_("Item"), _("Count"), _("Share")), rows)


def build(ctx: ServiceContext, st: Any) -> Report:
    from ..services import settings

    site = settings.load(ctx).site_name
    title = _("Monthly complaint statistics")
    subtitle = _("{site}, {year}-{month:02d}").format(site=site, year=st.year, month=st.month)
    overview = Section(_("Overview"), (_("Item"), _("Count"), _("Share")), [
        (_("Complaints and requests received"), st.total, _pct(st.total, st.total)),
        (_("General"), st.general, _pct(st.general, st.total)),
        (_("Major"), st.major, _pct(st.major, st.total)),
        (_("Valid complaints"), st.valid_complaints, _pct(st.valid_complaints, st.total)),
        (_("Households on the roster"), st.households, ""),
    ])
    rates = Section(_("Rates"), (_("Rate"), _("Numerator"), _("Denominator"), _("Value"), _("Target")), [
        (_("On-time reply rate"), st.on_time_replies, st.replies_due, _pct(st.on_time_replies, st.replies_due), ""),
        (_("Satisfaction rate"), st.satisfied, st.confirmations, _pct(st.satisfied, st.confirmations), ""),
        (_("Return-visit handling rate"), st.return_visits_handled, st.return_visits_reached,
         _pct(st.return_visits_handled, st.return_visits_reached), "100%"),
        (_("Valid-complaint rate"), st.valid_complaints, st.households,
         _pct(st.valid_complaints, st.households), "< 1%"),
    ])
    score = "-" if st.mean_satisfaction_score is None else f"{st.mean_satisfaction_score:.2f}"
    visits = Section(_("Return visits and satisfaction"), (_("Item"), _("Value")), [
        (_("Return visits done"), st.return_visits_done),
        (_("Reached"), st.return_visits_reached),
        (_("Unreachable"), st.return_visits_unreachable),
        (_("Feedback handled"), st.return_visits_handled),
        (_("Customer confirmations"), st.confirmations),
        (_("Mean satisfaction score"), score),
    ] + [(_label("satisfaction", code), n) for code, n in st.by_satisfaction.items()])
    sections = [
        overview,
        _counts(_("By category"), "category", st.by_category, st.total),
        _counts(_("By cause"), "cause", st.by_cause, st.total),
        _counts(_("By channel"), "channel", st.by_channel, st.total),
        _counts(_("By department"), "department", st.by_department, st.total),
        rates,
        visits,
    ]
    return Report(title, subtitle, sections, ctx.tz)


def render(ctx: ServiceContext, st: Any, fmt: str, year: int = 0, month: int = 0) -> str | Callable[[Path], None]:
    return renderer(build(ctx, st), fmt)
