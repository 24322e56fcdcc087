"""The reports as PDF documents for ``wuye print --report`` and the reports desk's print
key: a file name and a function writing the PDF to a path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from ..errors import ValidationError
from ..i18n import _
from ..services.core.context import ServiceContext

REPORTS = ("monthly", "handover", "patrol", "visitors")


def report_document(ctx: ServiceContext, kind: str, *, month: tuple[int, int] | None = None,
                    start: date | None = None, end: date | None = None, shift: str | None = None,
                    ) -> tuple[str, Callable[[Path], object]]:
    """(file name, produce(path)) of a report as PDF; the data is read when produced."""
    from . import pdf_docs

    k = (kind or "").strip().lower()
    if k == "monthly":
        if month is None:
            raise ValidationError("month", _("Say which month (YYYY-MM)"))
        from .reports import complaints as reports_monthly

        year, mon = month
        return (f"monthly_{year}-{mon:02d}.pdf",
                lambda p: pdf_docs.monthly_pdf(reports_monthly.form(ctx, reports_monthly.load(ctx, year, mon)), p))
    if k in ("handover", "visitors", "patrol") and start is None:
        raise ValidationError("date", _("Say which day (YYYY-MM-DD)"))
    assert start is not None
    from .reports import guard as reports_guard

    if k == "handover":
        return (f"handover_{start:%Y%m%d}.pdf",
                lambda p: pdf_docs.handover_pdf(reports_guard.handover_report(ctx, start, shift), p))
    if k == "patrol":
        last = end or start
        return (f"patrol_{start:%Y%m%d}-{last:%Y%m%d}.pdf",
                lambda p: pdf_docs.report_pdf(reports_guard.patrol_report(ctx, start, last), p))
    if k == "visitors":
        from . import visitor_page

        return f"visitors_{start:%Y%m%d}.pdf", lambda p: visitor_page.write(ctx, start, p)
    raise ValidationError("report", _("Unknown report {name}; known: {names}").format(
        name=kind, names=", ".join(REPORTS)))
