"""Fields of the complaint form beyond the plain FormField: a choice field that shows the
chosen entry's name once left (typing ``5`` shows 环境卫生及绿化), and a multi-line
description (TextArea; Tab moves on, Enter is a new line)."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.widgets import Label, Static, TextArea

from wuye_tui.errors import ValidationError
from wuye_tui.i18n import _

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
        self._area = TextArea(id=f"in-{name}", soft_wrap=True, tab_behavior="focus")

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="field-label")
        yield self._area
        yield Static("", classes="field-error", id=f"err-{self.field_name}")

    @property
    def input(self) -> TextArea:  # type: ignore[override]
        return self._area

    @property
    def raw(self) -> str:
        return self._area.text

    def set_value(self, value: str) -> None:
        self._area.text = value
        self._given = value
        self._touched = False
        self.clear_error()

    def clear_error(self) -> None:
        self.query_one(".field-error", Static).update("")
        self._area.remove_class("-invalid")
        self.remove_class("-has-message")

    def validate_now(self) -> Any:

        text = self._area.text
        try:
            if not text.strip():
                if self.required:
                    raise ValidationError(self.field_name, _("This field is required"))
                self.clear_error()
                return None
            value = self.check(text) if self.check else text.strip()
        except ValidationError as exc:
            self.show_error(exc.message)
            raise
        self.clear_error()
        return value

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._area.text != self._given:
            self._touched = True

    def on_descendant_blur(self, event: Any) -> None:
        if event.widget is not self._area:
            return
        if not self.raw.strip() and not self._touched:
            self.clear_error()
            return
        try:
            self.validate_now()
        except ValidationError:
            pass
