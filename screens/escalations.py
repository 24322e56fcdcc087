"""Escalation desk: the open (or all) escalations, each with its timeline; acknowledge with a
supervisor PIN, add handling notes, resolve with the outcome. Supervisors also see every
notification and its state (F7). The lists refresh by themselves when any terminal changes
an escalation."""

from __future__ import annotations

from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.core import escalation, notify

from .base import WuyeScreen
from .dialogs.pin import SupervisorPinDialog
from .notifications import NotificationScreen
from .widgets.form import FormField

CSS = """
#esc-main { height: 1fr; }
#esc-left { width: 1fr; }
#esc-table { height: 1fr; }
#esc-timeline { width: 40%; height: 1fr; border: round $primary; padding: 0 1; overflow-y: auto; }
#esc-form { height: auto; }
#esc-form FormField > Input { max-width: 100%; }
#esc-mode { height: 1; padding: 0 1; color: $text-muted; }
"""


class EscalationScreen(WuyeScreen):
    DEFAULT_CSS = CSS
    BINDINGS = [
        Binding("f3", "ack_selected", N_("Acknowledge"), id="esc-ack"),
        Binding("f2", "add_note", N_("Add note"), id="esc-note"),
        Binding("f4", "resolve", N_("Resolve"), id="esc-resolve"),
        Binding("f6", "toggle_all", N_("Open / all"), id="esc-all"),
        Binding("f7", "notifications", N_("Notifications"), id="esc-notify"),
        Binding("f5", "reload", N_("Refresh"), id="reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False
        self.selected: int | None = None

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="esc-main"):
            with Vertical(id="esc-left"):
                yield Static("", id="esc-mode")
                yield DataTable(id="esc-table", cursor_type="row")
            yield Static("", id="esc-timeline")
        with Vertical(id="esc-form"):
            yield FormField(_("Note / outcome"), "esc_text",
                            placeholder=_("F2 adds a handling note; F4 resolves with this outcome"))

    def on_mount(self) -> None:
        table = self.query_one("#esc-table", DataTable)
        table.add_columns("#", _("Type"), _("Where"), _("Raised"), _("State"), _("Notifications"))
        self.action_reload()

    # ---- list ----------------------------------------------------------------------

    def action_reload(self) -> None:
        table = self.query_one("#esc-table", DataTable)
        keep = self.selected
        table.clear()
        rows = escalation.list_escalations(self.ctx, limit=100, open_only=not self.show_all)
        for e in rows:
            table.add_row(str(e.id), escalation.major_label(e.major_type), Text((e.location or e.title)[:14]),
                          self.ctx.local(e.raised_at).strftime("%m-%d %H:%M"), escalation.state_label(e),
                          Text(notify.status_text(e.notify_status) or "-"), key=str(e.id))
        self.query_one("#esc-mode", Static).update(
            _("All escalations (F6: open only)") if self.show_all else _("Open escalations (F6: all)"))
        if keep is not None and any(e.id == keep for e in rows):
            table.move_cursor(row=table.get_row_index(str(keep)))
        elif not rows:
            self.selected = None
            self.query_one("#esc-timeline", Static).update(_("No escalation"))

    def alarms_changed(self) -> None:
        """Called by the app when any terminal raised, acknowledged, noted or resolved one."""
        if self.is_attached:
            self.action_reload()
            if self.selected is not None:
                self.show_timeline(self.selected)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.action_reload()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.row_key is None or event.row_key.value is None:
            return
        self.selected = int(event.row_key.value)
        self.show_timeline(self.selected)

    def show_timeline(self, esc_id: int) -> None:
        try:
            tl = escalation.timeline(self.ctx, esc_id)
        except WuyeError as exc:
            self.report(exc)
            return
        esc = tl.escalation
        out = Text()
        out.append(f"#{esc.id} {escalation.alert_text(self.ctx, esc)}\n", style="bold")
        out.append(f"{esc.title}\n")
        if esc.detail:
            out.append(f"{esc.detail}\n")
        out.append(_("State: {state}").format(state=escalation.state_label(esc)) + "\n")
        if esc.reply_due_at:
            out.append(_("Reply promised by {t}").format(t=self.ctx.local(esc.reply_due_at).strftime("%m-%d %H:%M")) + "\n")
        out.append(_("Notified: {names}").format(names=esc.notified or "-") + "\n")
        if esc.resolution:
            out.append(_("Outcome: {text}").format(text=esc.resolution) + "\n")
        out.append("\n")
        for ev, who in tl.events:
            out.append(f"{self.ctx.local(ev.at).strftime('%m-%d %H:%M')} ", style="dim")
            out.append(f"{who} {escalation.event_label(ev.kind)}", style="bold")
            out.append(f" {ev.note}\n" if ev.note else "\n")
        self.query_one("#esc-timeline", Static).update(out)

    # ---- acting ----------------------------------------------------------------------

    def _with_supervisor(self, reason: str, then) -> None:  # type: ignore[no-untyped-def]
        """Run ``then(ctx)`` as a supervisor: the one logged in, else one who gives a PIN."""
        if self.ctx.actor.is_supervisor:
            then(self.ctx)
            return

        def done(supervisor) -> None:  # type: ignore[no-untyped-def]
            if supervisor is not None:
                then(self.ctx.as_actor(supervisor))

        self.app.push_screen(SupervisorPinDialog(reason), done)

    def action_ack_selected(self) -> None:
        if self.selected is None:
            return
        esc_id = self.selected

        def ack(ctx) -> None:  # type: ignore[no-untyped-def]
            try:
                escalation.acknowledge(ctx, esc_id)
            except WuyeError as exc:
                self.report(exc)
                return
            self.notify(_("Acknowledged #{id}").format(id=esc_id))
            self._after_change()


        try:
            esc = escalation.timeline(self.ctx, esc_id).escalation
        except WuyeError as exc:
            self.report(exc)
            return
        reason = _("Acknowledge #{id}: {text}").format(id=esc_id, text=escape(escalation.alert_text(self.ctx, esc)))
        self.app.push_screen(SupervisorPinDialog(reason),
                             lambda sup: ack(self.ctx.as_actor(sup)) if sup is not None else None)

    def _text(self) -> str:
        return self.query_one("#field-esc_text", FormField).raw

    def action_add_note(self) -> None:
        if self.selected is None:
            return
        try:
            escalation.add_note(self.ctx, self.selected, self._text())
        except WuyeError as exc:
            self._report_text(exc)
            return
        self.query_one("#field-esc_text", FormField).set_value("")
        self._after_change()

    def action_resolve(self) -> None:
        if self.selected is None:
            return
        esc_id, outcome = self.selected, self._text()

        def resolve(ctx) -> None:  # type: ignore[no-untyped-def]
            try:
                escalation.resolve(ctx, esc_id, outcome)
            except WuyeError as exc:
                self._report_text(exc)
                return
            self.query_one("#field-esc_text", FormField).set_value("")
            self.notify(_("Escalation #{id} resolved").format(id=esc_id))
            self._after_change()

        if not outcome.strip():
            self.query_one("#field-esc_text", FormField).show_error(_("Write the outcome first"))
            return
        self._with_supervisor(_("Resolving an escalation needs a supervisor PIN"), resolve)

    def _report_text(self, exc: WuyeError) -> None:

        if isinstance(exc, ValidationError):
            self.query_one("#field-esc_text", FormField).show_error(exc.message)
        else:
            self.report(exc)

    def _after_change(self) -> None:
        self.action_reload()
        if self.selected is not None:
            self.show_timeline(self.selected)
        poll = getattr(self.app, "poll_alerts", None)
        if poll is not None:
            poll()

    def action_notifications(self) -> None:
        if not self.ctx.actor.is_supervisor:
            self.notify(_("Only supervisors see the notifications"), severity="warning")
            return

        self.app.push_screen(NotificationScreen())
