"""Supervisors add, disable and reset staff."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.core import staff
from wuye_tui.services.core.permissions import role_label
from wuye_tui.validators import validate_name, validate_pin

from .base import WuyeScreen
from .faults import LOADING
from .widgets.form import FormField

ROLE_WORDS = {"guard": "guard", "门岗": "guard", "保安": "guard", "front_desk": "front_desk", "客服": "front_desk",
              "前台": "front_desk", "supervisor": "supervisor", "主管": "supervisor", "manager": "manager",
              "经理": "manager"}


def parse_role(text: str) -> str:
    role = ROLE_WORDS.get(text.strip().lower())
    if role is None:
        raise ValidationError("role", _("Role: guard/门岗, front_desk/客服, supervisor/主管, manager/经理"))
    return role


class StaffAdminScreen(WuyeScreen):
    BINDINGS = [
        Binding("f5", "save", N_("Add staff"), id="save"),
        Binding("f6", "toggle_active", N_("Disable/enable"), id="toggle"),
        Binding("f7", "reset_pin", N_("Reset PIN"), id="reset"),
    ]

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="staff-admin"):
            with Vertical(classes="form"):
                yield Static(_("Add staff, or pick a row and reset the PIN"), classes="title")
                yield FormField(_("Name"), "name", lambda v: validate_name(v), required=True)
                yield FormField(_("Role"), "role", parse_role, placeholder=_("门岗 / 客服 / 主管 / 经理"),
                                required=True)
                yield FormField(_("PIN"), "pin", lambda v: validate_pin(v), password=True, required=True,
                                max_length=8)
            yield DataTable(id="staff-table", cursor_type="row")

    def on_mount(self) -> None:
        table = self.query_one("#staff-table", DataTable)
        table.add_columns(_("Name"), _("Role"), _("State"))
        self.reload()

    def reload(self) -> None:
        self.run_db(staff.list_staff, self.ctx, on_done=self._fill, busy=LOADING, single=False)

    def _fill(self, members) -> None:  # type: ignore[no-untyped-def]
        self.members = list(members)
        table = self.query_one("#staff-table", DataTable)
        table.clear()
        for s in self.members:
            table.add_row(s.name, role_label(s.role), _("active") if s.active else _("disabled"), key=s.name)

    def _selected(self) -> str | None:
        table = self.query_one("#staff-table", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    def action_save(self) -> None:
        fields = {f.field_name: f for f in self.query(FormField)}
        try:
            values = {k: f.validate_now() for k, f in fields.items()}
        except WuyeError as exc:
            self.report(exc)
            return

        def saved(_member) -> None:  # type: ignore[no-untyped-def]
            for f in fields.values():  # the form is cleared only once the save is confirmed
                f.set_value("")
            self.notify(_("Added {name}").format(name=values["name"]))
            self.reload()

        self.run_db(staff.add, self.ctx, values["name"], values["role"], values["pin"], on_done=saved)

    def action_toggle_active(self) -> None:
        name = self._selected()
        if not name:
            return
        current = next((s for s in getattr(self, "members", []) if s.name == name), None)
        self.run_db(staff.set_active, self.ctx, name, not (current and current.active),
                    on_done=lambda _r: self.reload())

    def action_reset_pin(self) -> None:
        name = self._selected()
        pin_field = self.query_one("#field-pin", FormField)
        try:
            pin = pin_field.validate_now()
            if not name or pin is None:
                raise ValidationError("pin", _("Type the new PIN in the PIN field, pick the row, then F7"))
        except WuyeError as exc:
            self.report(exc)
            return

        def done(_r) -> None:  # type: ignore[no-untyped-def]
            pin_field.set_value("")
            self.notify(_("PIN reset for {name}").format(name=name))

        self.run_db(staff.reset_pin, self.ctx, name, pin, on_done=done)
