"""Log a complaint or request fast with the keyboard: the unit picker (unit number, name,
phone or pinyin initials; Down to choose, Enter takes the first hit and fills caller and
phone), then digits or codes for channel, category, cause (the chosen name shows beside
the field), a description of several lines (Tab moves on); F2 saves. Required fields are
marked *; saving checks every field at once and shows each error at its field."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Input, Static, TextArea

from wuye_tui.errors import ValidationError
from wuye_tui.i18n import N_, _
from wuye_tui.reference import load_reference
from wuye_tui.services.complaints import common as cc
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.complaints.intake import check_promised_reply, resolve_major
from wuye_tui.textsafe import escape_markup as esc
from wuye_tui.validators import clean_text, validate_name, validate_phone

from ..base import WuyeScreen
from ..widgets.form import FormField
from ..widgets.unit_picker import UnitPicker
from .entry_fields import ChoiceField, DescriptionField, EntryField

CHOICE_FIELDS = ("channel", "category", "cause", "department", "major_type")
LEFT = ("unit", "caller", "phone", "channel", "category", "cause")
RIGHT = ("department", "major_type", "promised_reply", "location", "description")


def _labels() -> dict[str, str]:
    return {
        "unit": _("Unit"), "caller": _("Caller"), "phone": _("Phone"), "channel": _("Channel"),
        "category": _("Category"), "cause": _("Cause"), "department": _("Department"),
        "major_type": _("Major type"), "promised_reply": _("Reply by"), "location": _("Location"),
        "description": _("Description"),
    }


def _checker(name: str, screen: "ComplaintEntryScreen"):  # type: ignore[no-untyped-def]

    if name in ("channel", "category", "cause", "department"):
        return lambda v: cc.resolve_choice(name, v, name)
    if name == "major_type":

        return resolve_major
    return {
        "caller": lambda v: validate_name(v, field="caller"),
        "phone": lambda v: validate_phone(v, field="phone"),
        "promised_reply": lambda v: check_promised_reply(screen.ctx, v),
        "location": lambda v: clean_text(v, field="location", max_len=200),
        "description": lambda v: clean_text(v, field="description", max_len=2000, required=True, multiline=True),
    }.get(name)


def _label_of(name: str):  # type: ignore[no-untyped-def]

    collection = "major_type" if name == "major_type" else name
    return lambda code: load_reference().label(collection, code)


def choice_text(name: str):  # type: ignore[no-untyped-def]  (a Content)

    if name == "major_type":
        items = list(load_reference().major_types)
    else:
        items = cc.choices(name)

    return Content.from_markup("  ".join(f"[b]{i}[/b] {esc(item.label)}" for i, item in enumerate(items, 1)))


class ComplaintEntryScreen(WuyeScreen):
    CSS_PATH = str(Path(__file__).with_name("complaints.tcss"))
    BINDINGS = [
        Binding("f2", "save", N_("Save"), id="save"),
        Binding("ctrl+s", "save", N_("Save"), id="save-ctrl", show=False),
        Binding("f4", "clear", N_("Clear"), id="clear"),
    ]

    def compose_body(self) -> ComposeResult:
        labels = _labels()
        required = {"unit": False, "caller": True, "channel": True, "category": True, "cause": True,
                    "description": True}
        yield Static(Content.from_markup(esc(_("New complaint or request")) + "  [dim]" + esc(_("* required")) + "[/dim]"),
                     classes="title")
        with Horizontal(id="cp-form"):
            for column in (LEFT, RIGHT):
                with Vertical():
                    for name in column:
                        need = required.get(name, False)
                        label = labels[name] + (" *" if need else "")
                        if name == "description":
                            yield DescriptionField(label, name, _checker(name, self), required=need)
                        elif name in CHOICE_FIELDS:
                            yield ChoiceField(label, name, _checker(name, self), required=need,
                                              placeholder=self._placeholder(name), label_of=_label_of(name))
                        elif name == "unit":  # the gate's picker: arrows + Enter, never a guess
                            yield UnitPicker(label, "unit", required=need, compact=False,
                                             placeholder=self._placeholder(name))
                        else:
                            yield EntryField(label, name, _checker(name, self), required=need,
                                             placeholder=self._placeholder(name))
        with Vertical(id="cp-help"):
            yield Static("", id="cp-choices")

    def _placeholder(self, name: str) -> str:
        return {
            "unit": _("unit number, name, phone or pinyin"),
            "channel": _("number or code"), "category": _("number or code"), "cause": _("number or code"),
            "department": _("empty: the category's department"), "major_type": _("empty: general"),
            "promised_reply": "YYYY-MM-DD HH:MM",
        }.get(name, "")

    def on_mount(self) -> None:
        self.field("unit").input.focus()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    # ---- the unit picker -----------------------------------------------------------

    def on_unit_picker_picked(self, event: UnitPicker.Picked) -> None:
        """A unit taken from the list brings its resident as the caller (when empty)."""
        event.stop()
        hit = event.hit
        if hit is not None and hit.resident and not self.field("caller").raw.strip():
            self.field("caller").set_value(hit.resident)
        if hit is not None and hit.phone and not self.field("phone").raw.strip():
            self.field("phone").set_value(hit.phone)
        if self.field("caller").raw.strip():  # the caller is known: on to how the call came in
            self.field("channel").input.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next("Input, TextArea")

    def on_descendant_focus(self, event) -> None:  # type: ignore[no-untyped-def]

        widget = event.widget
        name = widget.id[3:] if isinstance(widget, (Input, TextArea)) and widget.id and widget.id.startswith("in-") \
            else ""
        help_line = _("Enter: new line   Tab: next field   F2: save   Esc: back") if name == "description" \
            else _("Enter: next field   F2: save   Esc: back")
        self.query_one("#cp-choices", Static).update(choice_text(name) if name in CHOICE_FIELDS else help_line)

    # ---- saving ---------------------------------------------------------------------

    def values(self) -> dict[str, str]:
        return {name: self.field(name).raw for name in LEFT + RIGHT}

    def check_all(self) -> list[str]:
        """Check every field now; each error shows at its field. The names that failed."""

        bad = []
        for name in LEFT + RIGHT:
            if name == "unit":  # the unit picker checks its own field (and the service does)
                continue
            try:
                self.field(name).validate_now()
            except ValidationError:
                bad.append(name)
        return bad

    def action_save(self) -> None:

        for name in LEFT + RIGHT:
            self.field(name).clear_error()
        bad = self.check_all()
        if bad:
            self.field(bad[0]).input.focus()
            self.notify(_("{n} fields need attention").format(n=len(bad)), title=_("Not saved"),
                        severity="error", timeout=6)
            return
        # written in a worker (run_db): the form stays as typed until the commit
        self.run_db(complaints.add_complaint, self.ctx, **self.values(), on_done=self._saved, on_error=self.report)

    def _saved(self, c) -> None:  # type: ignore[no-untyped-def]
        self.saved_id = c.id
        self.notify(_("Complaint #{id} saved").format(id=c.id), title=_("Saved"))
        self.action_clear()
        parent = self.app.screen_stack[-2] if len(self.app.screen_stack) > 1 else None
        reload = getattr(parent, "action_reload", None)
        if reload:
            reload()

    def action_clear(self) -> None:
        for name in LEFT + RIGHT:
            self.field(name).set_value("")
        self.field("unit").input.focus()
