"""Key register (钥匙): keys held by the office; lend (to whom, why, authorised by),
return; overdue keys in red."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Select, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.guard import keys

from ..base import WuyeScreen
from ..widgets.form import FormField
from .confirm import ConfirmDialog
from .dutylog import CSS, _options
from .handover_items import fit

PAGE = 50


class KeyScreen(WuyeScreen):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("f2", "lend", N_("Lend"), id="keys-lend"),
        Binding("f3", "give_back", N_("Return"), id="keys-return"),
        Binding("f4", "add_key", N_("New key"), id="keys-add"),
        Binding("f5", "reload", N_("Refresh"), id="keys-reload"),
        Binding("f6", "toggle_out", N_("Keys out only"), id="keys-out-only"),
        Binding("pagedown", "more", N_("More"), id="keys-more", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.out_only = False
        self.last_id: int | None = None
        self._key_width, self._lent_width, self._due_format = 20, 10, "%m-%d %H:%M"

    def compose_body(self) -> ComposeResult:
        yield Static(_("Keys"), classes="title")
        with Horizontal():
            yield DataTable(id="key-table", cursor_type="row", classes="guard-table")
            with Vertical(classes="guard-side", id="key-side"):
                yield FormField(_("Key code"), "code", placeholder="K0102")
                yield FormField(_("Lent to"), "lent_to", placeholder=_("Name, company"))
                yield Select(_options("key_purpose"), prompt=_("Purpose"), id="sel-purpose")
                yield FormField(_("Authorised by"), "authorised_by", placeholder=_("Staff or resident"))
                yield FormField(_("Approver PIN"), "approver_pin", password=True, max_length=8)
                yield FormField(_("Phone"), "phone")
                yield FormField(_("Note"), "note")
                yield Static(_("New key: code, then what it opens"), classes="guard-msg")
                yield FormField(_("Opens"), "label", placeholder=_("Room, e.g. 配电房"))
                yield FormField(_("Unit"), "unit", placeholder="3栋2单元1202")
        yield FormField(_("Search"), "search", placeholder=_("Code, room or unit"))

    def on_mount(self) -> None:
        self._columns()
        self.action_reload()
        self.query_one("#in-code").focus()

    def _columns(self) -> None:
        """Code, status, borrower and due time always visible (80 columns too); the key's
        name (it says the unit) takes what is left."""
        table = self.query_one("#key-table", DataTable)
        narrow = self.size.width and self.size.width < 100
        self.set_class(bool(narrow), "-narrow")
        side = 32 if narrow else 44
        self._lent_width, self._due_format = (8, "%d %H:%M") if narrow else (10, "%m-%d %H:%M")
        due_width = 8 if narrow else 11
        fixed = 7 + 8 + self._lent_width + due_width + 2 * table.cell_padding * 5 + 2
        self._key_width = max(4, (self.size.width or 120) - side - fixed)
        table.clear(columns=True)
        table.add_column(_("Code"), width=7)
        table.add_column(_("Key"), width=self._key_width)
        table.add_column(_("Status"), width=8)
        table.add_column(_("Lent to"), width=self._lent_width)
        table.add_column(_("Due back"), width=due_width)

    def on_resize(self, event) -> None:  # type: ignore[no-untyped-def]
        if self.is_mounted and self.query("#key-table"):
            self._columns()
            self.action_reload()

    def _status(self, row: keys.KeyRow) -> str:
        if row.loan is None:
            return _("in the office")
        return Text(_("overdue"), style="bold red") if row.overdue else _("lent out")  # type: ignore[return-value]

    def _add(self, rows: list[keys.KeyRow]) -> None:
        table = self.query_one("#key-table", DataTable)
        for r in rows:
            loan = r.loan
            table.add_row(r.key.code, fit(r.key.label, self._key_width), self._status(r),
                          fit(loan.lent_to, self._lent_width) if loan else "",
                          self.ctx.local(loan.due_at).strftime(self._due_format) if loan else "", key=r.key.code)
            self.last_id = r.key.id

    def action_reload(self) -> None:
        self.query_one("#key-table", DataTable).clear()
        self.last_id = None
        text = self.query_one("#field-search", FormField).raw
        try:
            self._add(keys.list_keys(self.ctx, text, out_only=self.out_only, limit=PAGE))
        except WuyeError as exc:
            self.report(exc)

    def action_more(self) -> None:
        if self.last_id is None:
            return
        text = self.query_one("#field-search", FormField).raw
        self._add(keys.list_keys(self.ctx, text, out_only=self.out_only, after_id=self.last_id, limit=PAGE))

    def action_toggle_out(self) -> None:
        self.out_only = not self.out_only
        self.action_reload()

    def on_input_submitted(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.input.id == "in-search":
            self.action_reload()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value:
            self.query_one("#field-code", FormField).set_value(str(event.row_key.value))

    def _value(self, name: str) -> str:
        return self.query_one(f"#field-{name}", FormField).raw

    def _code(self) -> str:
        """The key the guard named: typed, or chosen with Enter in the list (which fills the
        field). The row under the cursor alone is never acted on."""
        return self._value("code").strip()

    def _clear(self, *names: str) -> None:
        for n in names:
            self.query_one(f"#field-{n}", FormField).set_value("")

    def action_lend(self) -> None:
        """The loan is written in a worker (``run_db``); the form clears once it is committed."""
        purpose = self.query_one("#sel-purpose", Select).value

        def refused(exc: WuyeError) -> None:
            if isinstance(exc, ValidationError):
                self._clear("approver_pin")
                if exc.field == "purpose":
                    self.notify(exc.message, title=_("Not saved"), severity="error")
                    return
            self.report(exc)

        def lent(loan) -> None:  # type: ignore[no-untyped-def]
            due = self.ctx.local(loan.due_at).strftime("%m-%d %H:%M")
            self.notify(_("Key lent; due back by {due}").format(due=due))
            self._clear("code", "lent_to", "authorised_by", "approver_pin", "phone", "note")
            self.action_reload()

        self.run_db(keys.lend_key, self.ctx, self._code(), self._value("lent_to"),
                    "" if purpose is Select.NULL else purpose, self._value("authorised_by"),
                    self._value("phone"), self._value("note"), self._value("approver_pin"),
                    on_done=lent, on_error=refused)

    def action_give_back(self) -> None:
        """F3: after a confirmation naming the key and who has it."""

        code = self._code()
        try:
            if not code:
                raise ValidationError("code", _("Type the key code or choose the key with Enter"))
            row = keys.key_row(self.ctx, code)
            if row.loan is None:
                raise ValidationError("code", _("Key {code} is not out").format(code=row.key.code))
        except WuyeError as exc:
            self.report(exc)
            return
        loan = row.loan
        text = _("Key {code} ({label}), lent to {to} at {at}").format(
            code=row.key.code, label=row.key.label, to=loan.lent_to,
            at=self.ctx.local(loan.lent_at).strftime("%m-%d %H:%M"))
        if row.overdue:
            text += "\n" + _("overdue")

        def done(ok: bool | None) -> None:
            if not ok:
                return
            self.run_db(keys.return_key, self.ctx, row.key.code, self._value("note"), on_done=returned,
                        on_error=self.report)

        def returned(_loan: object) -> None:
            self.notify(_("Key {code} returned").format(code=row.key.code))
            self._clear("code", "note")
            self.action_reload()

        self.app.push_screen(ConfirmDialog(_("Take this key back?"), text), done)

    def action_add_key(self) -> None:

        def added(key) -> None:  # type: ignore[no-untyped-def]
            self.notify(_("Key {code} registered").format(code=key.code))
            self._clear("label", "unit")
            self.action_reload()

        self.run_db(keys.add_key, self.ctx, self._value("code"), self._value("label"), self._value("unit"),
                    on_done=added, on_error=self.report)
