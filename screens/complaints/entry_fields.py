"""Fields of the complaint form beyond the plain FormField: a choice field that shows the
chosen entry's name once left (typing ``5`` shows 环境卫生及绿化), and a multi-line
description (TextArea; Tab moves on, Enter is a new line)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.widgets import Static, TextArea

from wuye_tui.errors import ValidationError

from ..widgets.form import FormField


class EntryField(FormField):
    """A FormField whose message line takes room only while there is a message (the
    entry form puts it under the input, across the column: class ``-has-message``)."""

    def show_error(self, message: str) -> None:
        note = self.query_one(".field-error", Static)
        note.remove_class("-chosen")
        note.update(escape(message))
        self.input.add_class("-invalid")
        self.add_class("-has-message")

    def clear_error(self) -> None:
        self.query_one(".field-error", Static).remove_class("-chosen")
        super().clear_error()
        self.remove_class("-has-message")


class ChoiceField(EntryField):
    """A FormField whose check returns a code; once left, the entry's name shows under it."""

    DEFAULT_CSS = """
    ChoiceField > Static.field-error.-chosen { color: $success; }
    """

    def __init__(self, *args: Any, label_of: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.label_of = label_of

    def validate_now(self) -> Any:
        value = super().validate_now()
        note = self.query_one(".field-error", Static)
        if value and self.label_of is not None:
            note.update(escape(self.label_of(value)))
            note.add_class("-chosen")
            self.add_class("-has-message")
        return value


class DescriptionField(EntryField):
    """The description: several lines; its error shows under it."""

    DEFAULT_CSS = """
    DescriptionField { layout: vertical; height: auto; }
    DescriptionField > Label.field-label { width: 1fr; text-align: left; padding: 0; }
    DescriptionField > TextArea { height: 5; width: 1fr; max-width: 64; }
    DescriptionField > Static.field-error { width: 1fr; padding: 0; }
    """

    def __init__(self, label: str, name: str, check: Any = None, required: bool = False) -> None:
        super().__init__(label, name, check, required=required)
        # The FormField's machinery (compose, checks, messages) serves a TextArea as it does an Input.
        self._input = TextArea(id=f"in-{name}", soft_wrap=True, tab_behavior="focus")  # type: ignore[assignment]

    @property
    def raw(self) -> str:
        return self._input.text  # type: ignore[attr-defined]

    def _write(self, value: str) -> None:
        self._input.text = value  # type: ignore[attr-defined]

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._input.text != self._given:
            self._touched = True

    def on_descendant_blur(self, event: Any) -> None:
        if event.widget is not self._input:
            return
        if not self.raw.strip() and not self._touched:
            self.clear_error()
            return
        try:
            self.validate_now()
        except ValidationError:
            pass
