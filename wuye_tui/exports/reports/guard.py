"""Handover and patrol reports from ``services.guard_reports`` (the guard post's area):
``handover_report(ctx, day, shift=None)`` and ``patrol_coverage(ctx, start, end)``.
Their results are laid out generically (key/value table plus one table per list of
records) unless they offer ``sections()`` of their own."""

from __future__ import annotations

from datetime import date
from typing import Any

from ...i18n import _
from ...services.core.context import ServiceContext
from .common import Report, Section, percent, sections_of, to_markdown


def _service() -> Any:
    from ...services.guard import reports as guard_reports

    return guard_reports


def _sections(data: Any, title: str) -> list[Section]:
    own = getattr(data, "sections", None)
    if callable(own):
        return [Section(s.title, tuple(s.header), list(s.rows)) if not isinstance(s, Section) else s
                for s in own()]
    return sections_of(data, title)


def _yes(flag: bool) -> str:
    return _("Yes") if flag else ""


def _ref(collection: str, code: str | None) -> str:
    from ...reference import load_reference

    return load_reference().label(collection, code)


def _item(code: str) -> str:
    from ...reference import load_reference

    ref = load_reference()
    for collection in ("item", "checkpoint", "equipment"):
        if code in ref._index.get(collection, {}):
            return ref.label(collection, code)
    return code


def _handover_sections(data: Any) -> list[Section]:
    """Known layout of services.guard_reports.HandoverReport (generic otherwise)."""
    shifts = getattr(data, "shifts", None)
    if shifts is None:
        return _sections(data, _("Shift handover report"))
    from ..labels import status_label

    def items(h: Any) -> str:
        return "；".join(i.title for i in h.items)

    def equipment(h: Any) -> str:
        return "；".join(f"{name}×{n}" + (f"（{note}）" if note else "") for name, n, note in h.equipment)
    summary = Section(_("Shifts"), (_("Shift"), _("Start"), _("End"), _("Rounds done"), _("Rounds scheduled"),
                                     _("Handovers"), _("No signed handover"), _("Late")), [
        (s.label, s.start, s.end, s.rounds_done, s.rounds_scheduled, len(s.handovers), _yes(s.missing),
         _yes(s.late)) for s in shifts])
    handovers = Section(_("Handovers"), (_("Shift"), _("Post"), _("Outgoing"), _("Incoming"), _("Opened at"),
                                         _("Signed at"), _("Status"), _("Late"), _("Open items"), _("Equipment"),
                                         _("Notes")), [
        (s.label, _ref("post", h.post), h.outgoing, h.incoming, h.opened_at, h.signed_at,
         status_label("handover", getattr(h, "status", "")), _yes(h.late), items(h), equipment(h), h.notes)
        for s in shifts for h in s.handovers])
    anomalies = Section(_("Patrol anomalies"), (_("Shift"), _("Time"), _("Route"), _("Checkpoint"), _("Item"),
                                                _("Note")), [
        (s.label, a.at, _ref("route", a.route), _ref("checkpoint", a.checkpoint), _item(a.item), a.note)
        for s in shifts for a in s.anomalies])
    missed = Section(_("Missed rounds"), (_("Shift"), _("Route"), _("Due at"), _("Reason"), _("Note")), [
        (s.label, _ref("route", m.route), m.slot_at, _ref("missed_round_reason", m.reason) if m.reason else "",
         m.note) for s in shifts for m in s.missed])
    left = Section(_("Left without handover"), (_("Shift"), _("Staff member"), _("Logged in"), _("Logged out")), [
        (s.label, lw.staff, lw.logged_in, lw.logged_out) for s in shifts for lw in s.left_without_handover])
    return [summary, handovers, anomalies, missed, left]


def _patrol_sections(data: Any) -> list[Section]:
    rows = getattr(data, "rows", None)
    if rows is None:
        return _sections(data, _("Patrol coverage report"))
    table = Section(_("Coverage by day and route"), (_("Day"), _("Route"), _("Scheduled"), _("Done"), _("Missed"),
                                                     _("Too fast"), _("Anomalies"), _("Coverage")), [
        (r.day, r.label, r.scheduled, r.done, r.missed, r.too_fast, r.anomalies,
         percent(r.done, r.scheduled)) for r in rows])
    sched = sum(r.scheduled for r in rows)
    done = sum(r.done for r in rows)
    total = Section(_("Total"), (_("Scheduled"), _("Done"), _("Missed"), _("Coverage")), [
        (sched, done, sum(r.missed for r in rows), percent(done, sched))])
    return [total, table]


def handover_report(ctx: ServiceContext, day: date, shift: str | None = None) -> Report:
    data = _service().handover_report(ctx, day, shift)
    title = _("Shift handover report")
    sub = day.isoformat()
    if shift:
        from ...services.guard.reports import resolve_shift

        sub += " " + _ref("shift", resolve_shift(shift))
    return Report(title, sub, _handover_sections(data), ctx.tz)


def patrol_report(ctx: ServiceContext, start: date, end: date) -> Report:
    data = _service().patrol_coverage(ctx, start, end)
    title = _("Patrol coverage report")
    sub = _("{start} to {end}").format(start=start.isoformat(), end=end.isoformat())
    return Report(title, sub, _patrol_sections(data), ctx.tz)


def handover_markdown(ctx: ServiceContext, day: date, shift: str | None = None) -> str:
    return to_markdown(handover_report(ctx, day, shift))


def patrol_markdown(ctx: ServiceContext, start: date, end: date) -> str:
    return to_markdown(patrol_report(ctx, start, end))
