"""A small form of FormFields for a detail-screen step whose errors belong at a field
(the letter's file path, validity and its reason, a supervisor's reason). Enter moves to
the next field and submits from the last one; Escape cancels.

``submit`` gets the normalised values by field name and returns the dialog's result; a
ValidationError naming one of the fields is shown at that field (the dialog stays open),
any other domain error on the dialog's own error line."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_

from ..faults import DialogSave
from ..widgets.form import FormField, show_at_field


@dataclass
class Field:
    name: str
    label: str
    value: str = ""
    check: Callable[[str], Any] | None = None
    required: bool = False
    max_length: int = 0
    hint: str = ""  # a muted line below the field (choices, what the field means)


class FieldDialog(DialogSave, ModalScreen[Any]):
    MESSAGE_ID = "#fd-error"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]
    DEFAULT_CSS = """
    FieldDialog { align: center middle; }
    FieldDialog > Vertical { width: 96; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    FieldDialog.-supervisor > Vertical { border: thick $warning; }
    FieldDialog .fd-lines { height: auto; padding: 0 1; }
    FieldDialog .fd-hint { color: $text-muted; height: auto; padding: 0 1; }
    FieldDialog #fd-error { color: $error; height: auto; }
    FieldDialog FormField { layout: vertical; }
    FieldDialog FormField > Label.field-label { width: auto; padding: 1 0 0 1; text-align: left; }
    FieldDialog FormField > Input { width: 1fr; max-width: 100%; }
    FieldDialog FormField > Static.field-error { width: 1fr; height: auto; padding: 0 1; }
    """

    def __init__(self, title: str, fields: list[Field], submit: Callable[[dict[str, Any]], Any],
                 lines: str = "", supervisor: bool = False) -> None:
        super().__init__(classes="-supervisor" if supervisor else "")
        self.title_text = title
        self.fields = fields
        self.submit = submit
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            if self.lines:
                yield Static(self.lines, classes="fd-lines")
            for f in self.fields:
                yield FormField(f.label, f.name, f.check, value=f.value, required=f.required,
                                max_length=f.max_length)
                if f.hint:
                    yield Static(f.hint, classes="fd-hint")
            yield Static("", id="fd-error")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        idx = inputs.index(event.input)
        if idx + 1 < len(inputs):
            inputs[idx + 1].focus()
            return
        self.action_save()

    def action_save(self) -> None:
        values: dict[str, Any] = {}
        for f in self.fields:
            widget = self.field(f.name)
            try:
                values[f.name] = widget.validate_now()
            except ValidationError:
                widget.input.focus()
                return
        self.query_one("#fd-error", Static).update("")
        self.run_db(self.submit, values, on_done=self.dismiss, on_error=self._refused)  # committed, then closed

    def _refused(self, exc: WuyeError) -> None:
        if not show_at_field(self, exc):
            self.query_one("#fd-error", Static).update(exc.message)
