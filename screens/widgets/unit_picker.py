"""The host-unit picker: one field where a unit is typed the way a guard says it.

    yield UnitPicker(_("Host unit"), name="unit", required=True, compact=True)

Typing ``3-2-1202``, ``3栋2单元1202``, ``1202``, an owner's name, phone or pinyin initials
shows a pick list under the field (unit, owner, phone). While the list shows, Up/Down move
in it and Enter takes the highlighted unit (the field then holds its code and the focus
moves on); Esc or typing on closes/changes it. Leaving the field checks it with
``roster.get_unit``: a whole unit is taken, a prefix or an entry several units share is a
message at the field asking to pick (never the first match).

It is a FormField (``name`` gives ids ``field-<name>``, ``in-<name>``, ``err-<name>``), so
``validate_now()`` returns the unit code and forms treat it like any other field. It posts
``UnitPicker.Picked(code)`` when a unit is taken from the list. The database is reached
through ``self.app.ctx`` (the acting staff member's ServiceContext).
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import Input, Static

from wuye_tui.i18n import _
from wuye_tui.services.core.roster import find_units
from wuye_tui.services.gate.visits import resolve_unit

from .form import FormField

PICK_LIMIT = 6


class UnitPicker(FormField):
    DEFAULT_CSS = """
    UnitPicker { layout: grid; grid-size: 3; grid-columns: 14 auto 1fr; grid-rows: auto auto; height: auto; }
    UnitPicker > Static.unit-picks { column-span: 3; height: auto; padding: 0 0 0 15; color: $text-muted; }
    UnitPicker > Static.unit-picks.-shown { color: $text; }
    """

    class Picked(Message):
        def __init__(self, picker: UnitPicker, code: str, hit=None) -> None:  # type: ignore[no-untyped-def]
            super().__init__()
            self.picker = picker
            self.code = code
            self.hit = hit  # the roster.UnitHit taken (its resident's name and phone)

    def __init__(self, label: str, name: str = "unit", required: bool = False, compact: bool = True,
                 placeholder: str = "") -> None:

        super().__init__(label, name, self._check_unit, required=required, max_length=30, compact=compact,
                         placeholder=placeholder or _("3-2-1202, room, owner, phone or pinyin"))
        self.hits: list = []  # type: ignore[type-arg]
        self.pick = 0

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static("", classes="unit-picks", id=f"picks-{self.field_name}")

    def _check_unit(self, text: str) -> str:

        return resolve_unit(self.app.ctx, text, field=self.field_name).code  # type: ignore[attr-defined]

    # ---- the pick list -------------------------------------------------------------

    def _picks(self) -> Static:
        return self.query_one(".unit-picks", Static)

    def _show(self) -> None:
        lines = Text()
        for i, h in enumerate(self.hits):
            mark = "▶ " if i == self.pick else "  "
            if i:
                lines.append("\n")
            lines.append(f"{mark}{h.code}  {h.resident}  {h.phone_masked}".rstrip(), style="reverse" if i == self.pick else "")
        self._picks().update(lines if self.hits else "")
        self._picks().set_class(bool(self.hits), "-shown")

    def close(self) -> None:
        self.hits, self.pick = [], 0
        self._show()

    def on_input_changed(self, event: Input.Changed) -> None:
        super().on_input_changed(event)

        text = event.value.strip()
        ctx = getattr(self.app, "ctx", None)
        if not text or ctx is None or not self._touched:
            self.close()
            return
        try:
            self.hits, self.pick = find_units(ctx, text, limit=PICK_LIMIT), 0
        except Exception as exc:  # the database away while typing: one line, the text stays
            from ..faults import handle_failure

            if not handle_failure(self, exc):
                raise
            self.close()
            return
        if len(self.hits) == 1 and self.hits[0].code == text:
            self.hits = []  # the field holds that unit already
        self._show()

    def on_key(self, event: events.Key) -> None:
        if not self.hits:
            return
        if event.key in ("down", "up"):
            self.pick = (self.pick + (1 if event.key == "down" else -1)) % len(self.hits)
            self._show()
        elif event.key == "enter":
            self.take(self.pick)
        elif event.key == "escape":
            self.close()
        else:
            return
        event.stop()
        event.prevent_default()

    def take(self, index: int) -> None:
        hit = self.hits[index]
        self.set_value(hit.code)
        self.close()
        self.post_message(self.Picked(self, hit.code, hit))
        self.screen.focus_next()

    def set_value(self, value: str) -> None:
        super().set_value(value)
        if self.is_mounted:
            self.close()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        super().on_input_blurred(event)
        self.close()
