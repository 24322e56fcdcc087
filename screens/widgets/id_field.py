"""An ID-number field that shows the number masked once it is left valid
(110105********002X) while the full number stays in memory for saving."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual.widgets import Input

from wuye_tui.errors import ValidationError
from wuye_tui.validators import mask_id_number, validate_id_number

from .form import FormField


class IdNumberField(FormField):
    """``id_type()`` gives the ID type to check against (or raises ValidationError naming
    this field); ``today()`` the site's date for the birth-date check."""

    def __init__(self, label: str, id_type: Callable[[], str], today: Callable[[], date],
                 name: str = "id_number", required: bool = False, compact: bool = False) -> None:
        super().__init__(label, name, self._check, required=required, max_length=30, compact=compact)
        self._id_type = id_type
        self._today = today
        self._full = ""

    def full(self, shown: str | None = None) -> str:
        """The number as typed, or the full number behind its masked form."""
        shown = self.raw if shown is None else shown
        return self._full if self._full and shown == mask_id_number(self._full) else shown

    def _check(self, text: str) -> str:
        return validate_id_number(self.full(text), self._id_type(), field=self.field_name, today=self._today())

    def set_value(self, value: str) -> None:
        """Fill with a full number (shown masked), or clear with ""."""
        self._full = value
        super().set_value(mask_id_number(value) if value else "")

    def on_input_blurred(self, event: Input.Blurred) -> None:
        event.stop()
        try:
            full = self.validate_now()
        except ValidationError:
            return
        if full:
            self._full = full
            with self.input.prevent(Input.Changed):
                self.input.value = mask_id_number(full)

    def on_input_changed(self, event: Input.Changed) -> None:
        if self._full and event.value != mask_id_number(self._full):
            self._full = ""  # edited: the masked form no longer stands for the full number
