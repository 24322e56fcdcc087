"""Refuse entry (拒绝入内): reason (no ID, host refused, peddler, canvasser, watch list,
other) and a note; whatever the check-in form already holds is kept with it."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.gate import visits as gate_visits
from wuye_tui.services.gate.common import choice_hint, parse_refusal, refusal_options

from ..widgets.form import FormField, show_at_field


class RefuseDialog(ModalScreen[Any]):
    CSS_PATH = "gate.tcss"
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
        Binding("f2", "save", N_("Record refusal"), id="save", priority=True),
    ]
    DEFAULT_CSS = """
    RefuseDialog { align: center middle; }
    RefuseDialog > Vertical { width: 90; height: auto; border: thick $error; background: $surface; padding: 1 2; }
    RefuseDialog #refuse-error { color: $error; height: auto; }
    """

    def __init__(self, prefill: dict[str, str] | None = None) -> None:
        super().__init__()
        self.prefill = prefill or {}

    def compose(self) -> ComposeResult:

        with Vertical():
            yield Label(_("Refuse entry"), classes="title")
            who = " ".join(x for x in (self.prefill.get("name", ""), self.prefill.get("unit", "")) if x)
            yield Label(who or _("(no details typed)"))
            yield FormField(_("Reason"), "reason", lambda v: parse_refusal(v), required=True, max_length=20)
            yield Static(choice_hint(refusal_options()), classes="gate-legend")
            yield FormField(_("Note"), "note", max_length=200)
            yield Static(_("Enter or F2 records the refusal; Esc cancels."), classes="gate-legend")
            yield Static("", id="refuse-error")

    def on_mount(self) -> None:
        self.query_one("#in-reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "in-reason" and not self.query_one("#in-note", Input).value:
            self.query_one("#in-note", Input).focus()
            return
        self.action_save()

    def action_save(self) -> None:

        reason_field = self.query_one("#field-reason", FormField)
        try:
            reason_field.validate_now()
        except ValidationError:
            reason_field.input.focus()
            return
        p = self.prefill
        try:
            row = gate_visits.refuse(self.app.ctx, reason_field.raw, name=p.get("name", ""),  # type: ignore[attr-defined]
                                     id_number=p.get("id_number", ""), phone=p.get("phone", ""),
                                     unit=p.get("unit", ""), plate=p.get("plate", ""),
                                     note=self.query_one("#in-note", Input).value)
        except WuyeError as exc:
            if not show_at_field(self, exc):  # a field of the check-in form: say it here
                self.query_one("#refuse-error", Static).update(exc.message)
            return
        self.dismiss(row)

    def action_cancel(self) -> None:
        self.dismiss(None)
