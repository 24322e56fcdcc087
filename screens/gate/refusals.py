"""Refused entries (拒绝入内) on the gate desk: the latest first, with reason, note, who,
host unit and the guard. F7 on the check-in desk opens it; Esc goes back."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import _
from wuye_tui.reference import load_reference
from wuye_tui.services.gate import visits as gate_visits

from ..base import WuyeScreen


class RefusalsScreen(WuyeScreen):
    CSS_PATH = "gate.tcss"

    def compose_body(self) -> ComposeResult:
        with Vertical(id="gate-body"):
            yield Static(_("Refused entries"), classes="title", id="refusals-title")
            yield DataTable(id="refusals-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="gate-msg")

    def on_mount(self) -> None:

        ref = load_reference()
        t = self.query_one("#refusals-table", DataTable)
        t.add_columns(_("Time"), _("Reason"), _("Name"), _("Plate"), _("Host unit"), _("Note"), _("Guard"))
        try:
            rows = gate_visits.recent_refusals(self.ctx)
        except WuyeError as exc:
            self.query_one("#gate-msg", Static).update(Text(exc.message))
            return
        for r in rows:
            t.add_row(f"{self.ctx.local(r.at):%m-%d %H:%M}", ref.label("refusal_reason", r.reason), Text(r.name),
                      Text(r.plate), Text(r.unit), Text(r.note), Text(r.guard), key=str(r.refusal_id))
        self.query_one("#refusals-title", Static).update(_("Refused entries: the latest {n}").format(n=len(rows)))
        t.focus()
