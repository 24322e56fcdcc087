"""A labelled input that validates when it is left and shows the message at the field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.geometry import Size
from textual.reactive import Reactive
from textual.widgets import Input, Label, Static

from wuye_tui.errors import ValidationError
from wuye_tui.i18n import _


class FormInput(Input):
    """The Input of every form field. Textual's Input sets its virtual size (the text's
    width) on every key, and that reactive asks for a layout of the whole screen: on a
    desk form of some sixty widgets that layout was most of a key's 45-50 ms. The field's
    own size never depends on its text (fixed width and height), and its horizontal
    scrolling reads the virtual size directly, so a repaint of the field is enough."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False, repaint=True)


class FormField(Horizontal):
    """Label + Input + error line. ``check`` returns the normalised value or raises
    ValidationError; ``value`` gives the last good value (or raises).

    ``compact``: a one-line borderless input with its message beside it (the gate forms at
    80x24); ``required`` fields are then marked ``*`` in their label. ``display`` turns the
    checked value into the text shown once the field is left (a choice's label for the
    digit typed)."""

    DEFAULT_CSS = """
    FormField { height: auto; margin: 0 0 0 0; }
    FormField > Label.field-label { width: 14; padding: 1 1 0 0; text-align: right; }
    FormField > Input { width: 1fr; max-width: 50; }
    FormField > Static.field-error { width: 1fr; color: $error; padding: 1 0 0 1; }
    FormField.-compact > Label.field-label { padding: 0 1 0 0; }
    FormField.-compact > Static.field-error { padding: 0 0 0 1; height: auto; }
    """

    def __init__(self, label: str, name: str, check: Callable[[str], Any] | None = None,
                 placeholder: str = "", password: bool = False, value: str = "",
                 required: bool = False, max_length: int = 0, compact: bool = False,
                 display: Callable[[Any], str] | None = None) -> None:
        super().__init__(id=f"field-{name}", classes="-compact" if compact else "")
        if compact and required:
            label = f"*{label}"
        self.shown_as = display
        self.label = label
        self.max_length = max_length
        self.field_name = name
        self.check = check
        self.required = required
        self._input = FormInput(value=value, placeholder=placeholder, password=password, id=f"in-{name}",
                            compact=compact)  # no max_length: an overlong value is refused, never cut
        self._given = value  # what the form put there
        self._touched = False  # the user has typed something other than that

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self._input
        yield Static("", classes="field-error", id=f"err-{self.field_name}")

    @property
    def input(self) -> Input:
        return self._input

    @property
    def raw(self) -> str:
        return self._input.value

    def _write(self, value: str) -> None:
        self._input.value = value

    def set_value(self, value: str) -> None:
        self._write(value)
        self._given = value
        self._touched = False
        self.clear_error()

    def show_error(self, message: str) -> None:
        self.query_one(".field-error", Static).update(message)
        self._input.add_class("-invalid")

    def clear_error(self) -> None:
        self.query_one(".field-error", Static).update("")
        self._input.remove_class("-invalid")

    def validate_now(self) -> Any:
        """Return the normalised value, or show the message and raise ValidationError."""

        text = self.raw
        try:
            if not text.strip():
                if self.required:
                    raise ValidationError(self.field_name, _("This field is required"))
                self.clear_error()
                return None
            if self.max_length and len(text.strip()) > self.max_length:
                raise ValidationError(self.field_name, _("At most {n} characters: this is {m}").format(
                    n=self.max_length, m=len(text.strip())))
            value = self.check(text) if self.check else text.strip()
        except ValidationError as exc:
            self.show_error(exc.message)
            raise
        self.clear_error()
        return value

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.value != self._given:
            self._touched = True

    def on_input_blurred(self, event: Input.Blurred) -> None:
        """Check the field as it is left, unless it is empty and the user has not started
        on it (saving checks it all the same)."""
        event.stop()
        if not self.raw.strip() and not self._touched:
            self.clear_error()
            return
        try:
            value = self.validate_now()
        except ValidationError:
            return
        if self.shown_as is not None and value is not None:
            shown = self.shown_as(value)
            if shown != self.raw:
                with self._input.prevent(Input.Changed):
                    self._input.value = shown


def show_at_field(node, exc: Exception) -> bool:  # type: ignore[no-untyped-def]
    """Show a ValidationError at the FormField it names, below ``node`` (a screen or a
    dialog), and focus it. False when the error names no field there: the caller shows it
    elsewhere."""

    if not isinstance(exc, ValidationError):
        return False
    try:
        field = node.query_one(f"#field-{exc.field}", FormField)
    except NoMatches:
        return False
    field.show_error(exc.message)
    field.input.focus()
    return True
