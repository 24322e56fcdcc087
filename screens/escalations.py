"""Escalations: the recent ones, each with its timeline; acknowledge with a supervisor PIN."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Static

from wuye_tui.i18n import N_, _
from wuye_tui.services import escalation

from .base import WuyeScreen
from .faults import LOADING


class EscalationScreen(WuyeScreen):
    BINDINGS = [
        Binding("f9", "app.acknowledge_alert", N_("Acknowledge"), id="ack"),
        Binding("f5", "reload", N_("Refresh"), id="reload"),
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal():
            yield DataTable(id="esc-table", cursor_type="row")
            yield Static("", id="esc-timeline", classes="panel")

    def on_mount(self) -> None:
        table = self.query_one("#esc-table", DataTable)
        table.add_columns("#", _("Type"), _("Title"), _("Raised"), _("Acknowledged"))
        self.action_reload()

    def action_reload(self) -> None:
        self.run_db(escalation.list_escalations, self.ctx, limit=50, on_done=self._fill, busy=LOADING,
                    single=False)

    def _fill(self, rows) -> None:  # type: ignore[no-untyped-def]
        table = self.query_one("#esc-table", DataTable)
        table.clear()
        for e in rows:
            ack = self.ctx.local(e.acknowledged_at).strftime("%m-%d %H:%M") if e.acknowledged_at else _("waiting")
            table.add_row(str(e.id), escalation.major_label(e.major_type), e.title[:30],
                          self.ctx.local(e.raised_at).strftime("%m-%d %H:%M"), ack, key=str(e.id))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is None or event.row_key.value is None:
            return
        self.run_db(escalation.timeline, self.ctx, int(event.row_key.value), on_done=self._show_timeline,
                    busy=LOADING, single=False)

    def _show_timeline(self, tl) -> None:  # type: ignore[no-untyped-def]
        esc = tl.escalation
        lines = [f"#{esc.id} {escalation.major_label(esc.major_type)}", esc.title, esc.detail, ""]
        if esc.reply_due_at:
            lines.append(_("Reply promised by {t}").format(t=self.ctx.local(esc.reply_due_at).strftime("%m-%d %H:%M")))
        lines.append(_("Notified: {names}").format(names=esc.notified or "-"))
        for ev, who in tl.events:
            lines.append(f"{self.ctx.local(ev.at).strftime('%m-%d %H:%M')} {who} {_(ev.kind)} {ev.note}")
        self.query_one("#esc-timeline", Static).update("\n".join(lines))
