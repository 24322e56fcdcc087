"""Handover and patrol reports from ``services.guard_reports`` (the guard post's area):
``handover_report(ctx, day, shift=None)`` and ``patrol_coverage(ctx, start, end)``.
Their results are laid out generically (key/value table plus one table per list of
records) unless they offer ``sections()`` of their own."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import WuyeError
from ..i18n import _
from ..services.context import ServiceContext
from .reports_common import Report, Section, sections_of, to_markdown


def _service() -> Any:
    try:
        from ..services import guard_reports
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.endswith("guard_reports"):
            raise WuyeError(_("The guard post's reports are not available in this installation")) from None
        raise
    return guard_reports


def _sections(data: Any, title: str) -> list[Section]:
    own = getattr(data, "sections", None)
    if callable(own):
        return [Section(s.title, tuple(s.header), list(s.rows)) if not isinstance(s, Section) else s
                for s in own()]
    return sections_of(data, title)


def handover_report(ctx: ServiceContext, day: date, shift: str | None = None) -> Report:
    data = _service().handover_report(ctx, day, shift)
    title = _("Shift handover report")
    sub = day.isoformat() + (f" {shift}" if shift else "")
    return Report(title, sub, _sections(data, title), ctx.tz)


def patrol_report(ctx: ServiceContext, start: date, end: date) -> Report:
    data = _service().patrol_coverage(ctx, start, end)
    title = _("Patrol coverage report")
    sub = _("{start} to {end}").format(start=start.isoformat(), end=end.isoformat())
    return Report(title, sub, _sections(data, title), ctx.tz)


def handover_markdown(ctx: ServiceContext, day: date, shift: str | None = None) -> str:
    return to_markdown(handover_report(ctx, day, shift))


def patrol_markdown(ctx: ServiceContext, start: date, end: date) -> str:
    return to_markdown(patrol_report(ctx, start, end))
