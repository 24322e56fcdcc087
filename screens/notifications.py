"""Notifications (supervisors): every message in the outbox with its receiver, state, tries
and last error; F5 sends a failed or waiting one again now."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.core import notify

from .base import WuyeScreen


class NotificationScreen(WuyeScreen):
    DEFAULT_CSS = """
    #nt-table { height: 1fr; }
    #nt-summary { height: 1; padding: 0 1; }
    """
    BINDINGS = [
        Binding("f5", "retry", N_("Send again"), id="nt-retry"),
        Binding("f6", "reload", N_("Refresh"), id="nt-reload"),
    ]

    def compose_body(self) -> ComposeResult:
        yield Static(_("Notifications"), classes="title")
        yield Static("", id="nt-summary")
        yield DataTable(id="nt-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#nt-table", DataTable)
        table.add_columns("#", _("Time"), _("Kind"), _("Receiver"), _("State"), _("Tries"), _("Title"), _("Last error"))
        self.action_reload()
        self.set_interval(5.0, self.action_reload)

    def alarms_changed(self) -> None:
        if self.is_attached:
            self.action_reload()

    def action_reload(self) -> None:
        table = self.query_one("#nt-table", DataTable)
        try:
            lines = notify.list_outbox(self.ctx, limit=100)
            counts = notify.counts(self.ctx)
        except WuyeError as exc:
            self.report(exc)
            return
        keep = table.cursor_row
        table.clear()
        for line in lines:
            r = line.row
            table.add_row(str(r.id), self.ctx.local(r.created_at).strftime("%m-%d %H:%M"), line.event_label,
                          line.channel_label, line.state_label, str(r.attempts), Text(r.title[:30]),
                          Text(r.last_error[:40]), key=str(r.id))
        if lines:
            table.move_cursor(row=min(keep, len(lines) - 1))
        self.query_one("#nt-summary", Static).update(_("Pending {p} · delivered {d} · failed {f}").format(
            p=counts.get("pending", 0), d=counts.get("delivered", 0), f=counts.get("failed", 0)))

    def action_retry(self) -> None:
        table = self.query_one("#nt-table", DataTable)
        if not table.row_count:
            return
        row_key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        try:
            row = notify.retry(self.ctx, int(row_key.value))  # type: ignore[arg-type]
        except WuyeError as exc:
            self.notify(str(exc), severity="error")
            return
        notify.kick(self.ctx, ids=[row.id])  # type: ignore[list-item]
        self.notify(_("Notification #{id} will be sent again now").format(id=row.id))
        self.action_reload()
