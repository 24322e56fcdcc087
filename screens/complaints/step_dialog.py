"""A small form for one workflow step: labelled inputs, Enter moves on and submits,
Escape cancels. Returns a dict of raw values (the service validates) or None."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_

from ..faults import DialogSave
from ..widgets.unit_picker import UnitPicker


class StepDialog(DialogSave, ModalScreen[dict[str, str] | None]):
    MESSAGE_ID = "#step-error"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"), id="cancel")]
    DEFAULT_CSS = """
    StepDialog { align: center middle; }
    StepDialog > Vertical { width: 76; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    StepDialog .step-hint { color: $text-muted; height: auto; }
    StepDialog #step-error { color: $error; height: auto; }
    """

    def __init__(self, title: str, fields: list[tuple[str, str, str]], hint: str = "",
                 submit: Callable[[dict[str, str]], object] | None = None) -> None:
        """fields: (name, label, initial value). ``submit`` runs the step; a domain error
        is shown in the dialog, which stays open."""
        super().__init__()
        self.submit = submit
        self.title_text = title
        self.fields = fields
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="title")
            if self.hint:
                yield Static(self.hint, classes="step-hint")
            for name, label, value in self.fields:
                if name == "unit":  # the gate's unit picker, as everywhere a unit is asked for
                    picker = UnitPicker(label, "unit", compact=True)
                    picker.input.value = value
                    yield picker
                    continue
                yield Label(label)
                yield Input(value=value, id=f"step-{name}")
            yield Static("", id="step-error")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        idx = inputs.index(event.input)
        if idx + 1 < len(inputs):
            inputs[idx + 1].focus()
            return
        values = {name: self._value(name) for name, _l, _v in self.fields}
        if self.submit is None:
            self.dismiss(values)
            return
        # the step is written in a worker (run_db); the dialog closes once it is committed
        self.run_db(self.submit, values, on_done=lambda _r: self.dismiss(values), on_error=self._refused)

    def _value(self, name: str) -> str:
        if name == "unit":
            return self.query_one("#field-unit", UnitPicker).raw
        return self.query_one(f"#step-{name}", Input).value

    def _refused(self, exc: WuyeError) -> None:
        self.show_error(exc.message if isinstance(exc, ValidationError) else str(exc))
        if isinstance(exc, ValidationError) and exc.field == "unit" and self.query("#field-unit"):
            picker = self.query_one("#field-unit", UnitPicker)
            picker.show_error(exc.message)
            picker.input.focus()
        elif isinstance(exc, ValidationError) and self.query(f"#step-{exc.field}"):
            self.query_one(f"#step-{exc.field}", Input).focus()

    def show_error(self, message: str) -> None:
        self.query_one("#step-error", Static).update(message)
