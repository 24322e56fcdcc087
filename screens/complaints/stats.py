"""Monthly complaint statistics (客户月投诉统计表) for supervisors: type a month, Enter."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import _
from wuye_tui.services.complaints import stats as complaint_stats
from wuye_tui.services.complaints.common import ref_label
from wuye_tui.services.complaints.stats import percent
from wuye_tui.textsafe import escape_markup as esc
from wuye_tui.validators import parse_month

from ..base import WuyeScreen
from ..widgets.form import FormField


def render_stats(st) -> str:  # type: ignore[no-untyped-def]


    def block(title: str, collection: str, counts: dict[str, int]) -> list[str]:
        items = [esc(f"{ref_label(collection, k)} {v}") for k, v in counts.items() if v]
        return [f"[b]{esc(title)}[/b]  " + ("，".join(items) if items else "-")]

    lines = [f"[b]{esc(_('Monthly complaint statistics {month}').format(month=st.label))}[/b]",
             _("Total {n}: general {g}, major {m}").format(n=st.total, g=st.general, m=st.major), ""]
    lines += block(_("By category"), "category", st.by_category)
    lines += block(_("By cause"), "cause", st.by_cause)
    lines += block(_("By channel"), "channel", st.by_channel)
    lines += block(_("By department"), "department", st.by_department)

    defs = st.definitions

    def rate(line: str, key: str) -> list[str]:
        return [line, f"[dim]  {escape(defs.get(key, ''))}[/dim]"]

    lines += [""]
    lines += rate(_("On-time reply rate: {r} ({a}/{b})").format(r=percent(st.on_time_rate), a=st.on_time_replies,
                                                               b=st.replies_due), "on_time_rate")
    lines += rate(_("Satisfaction rate: {r} ({a}/{b})").format(r=percent(st.satisfaction_rate), a=st.satisfied,
                                                              b=st.confirmations), "satisfaction_rate")
    lines += rate(_("Return-visit handling rate: {r} ({a}/{b}), target 100%").format(
        r=percent(st.return_visit_handling_rate), a=st.return_visits_handled, b=st.return_visits_feedback)
        + "  " + _("unreachable {n}").format(n=st.return_visits_unreachable), "return_visit_handling_rate")
    lines += rate(_("Valid-complaint rate: {r} ({a}/{b} households), target under 1%").format(
        r=percent(st.valid_complaint_rate), a=st.valid_complaints, b=st.households)
        + "  " + _("not yet judged {n}").format(n=st.validity_undecided), "valid_complaint_rate")
    return "\n".join(lines)


class MonthlyStatsScreen(WuyeScreen):
    CSS_PATH = str(Path(__file__).with_name("complaints.tcss"))

    def compose_body(self) -> ComposeResult:

        now = self.ctx.local(self.ctx.now())
        yield FormField(_("Month"), "month", lambda v: parse_month(v), value=now.strftime("%Y-%m"),
                        placeholder="YYYY-MM")
        with VerticalScroll(id="st-body"):
            yield Static("", id="st-text")

    def on_mount(self) -> None:
        self.show()
        self.query_one("#in-month", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.show()

    def show(self) -> None:

        field = self.query_one("#field-month", FormField)
        try:
            year, month = field.validate_now()
            st = complaint_stats.monthly(self.ctx, year, month)
        except WuyeError as exc:
            self.report(exc)
            return
        self.stats = st
        self.query_one("#st-text", Static).update(Content.from_markup(render_stats(st)))
