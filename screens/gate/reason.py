"""Ask for a reason, then run the action with it (deactivate a watch-list entry, revoke a
permit). The reason is checked when the field is left and again on confirm; the action's
own errors are shown in the dialog. Returns the action's message, or None when cancelled.
The action runs in a worker (``run_db``): "保存中…" shows in the dialog while the database
is slow, Esc cancels the write and keeps the dialog; a storage error is one line here."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.validators import clean_text

from ..faults import DialogSave
from ..widgets.form import FormField, show_at_field

REASON_MAX = 200


def check_reason(value: str) -> str:
    return clean_text(value, field="reason", max_len=REASON_MAX, required=True)


class ReasonDialog(DialogSave, ModalScreen[str | None]):
    MESSAGE_ID = "#reason-error"
    CSS_PATH = "gate.tcss"
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
        Binding("f2", "confirm", N_("Confirm"), id="confirm", priority=True),
    ]
    DEFAULT_CSS = """
    ReasonDialog { align: center middle; }
    ReasonDialog > Vertical { width: 90; height: auto; border: thick $warning; background: $surface; padding: 1 2; }
    ReasonDialog #reason-subject { height: auto; padding: 0 1 1 1; }
    ReasonDialog #reason-error { color: $error; height: auto; padding: 0 1; }
    ReasonDialog FormField > Input { max-width: 60; }
    """

    def __init__(self, title: str, subject: str, act: Callable[[str], str], label: str = "") -> None:
        super().__init__()
        self.label = label  # the field's label ("" = Reason)
        self.title_text = title
        self.subject = subject
        self.act = act

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title", id="reason-title")
            yield Static(self.subject, id="reason-subject")
            yield FormField(self.label or _("Reason"), "reason", check_reason, required=True, max_length=REASON_MAX)
            yield Static(_("Enter or F2 confirms; Esc cancels."), classes="gate-legend")
            yield Static("", id="reason-error")

    def on_mount(self) -> None:
        self.query_one("#in-reason", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        field = self.query_one("#field-reason", FormField)
        try:
            reason = field.validate_now()
        except ValidationError:
            field.input.focus()
            return
        self.run_db(self.act, reason, on_done=self.dismiss, on_error=self._refused)

    def _refused(self, exc: WuyeError) -> None:
        if not show_at_field(self, exc):
            self.query_one("#reason-error", Static).update(exc.message)
