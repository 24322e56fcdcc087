"""The watch list (黑名单), kept by supervisors.

The table lists the active entries, newest first, ID numbers masked; it pages from the
database as the cursor reaches the end. Below it, an entry is added: a name, an ID type and
number, a plate (at least one of name, ID number and plate) and the reason. Every field is
checked when it is left, with the message at the field; F2 saves only when all are good.
F8 takes the highlighted entry off the list, asking for the reason (the row is kept and
the change audited). Check-ins and vehicle entries are checked against the active list.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.core.permissions import SUPERVISORS, allowed
from wuye_tui.services.gate import visits as gate_visits
from wuye_tui.services.gate import watch as gate_watch
from wuye_tui.services.gate.common import choice_hint, id_type_options, parse_id_type
from wuye_tui.services.gate.watch import watch_period
from wuye_tui.validators import validate_name, validate_plate

from ..base import WuyeScreen
from ..widgets.form import FormField
from ..widgets.id_field import IdNumberField
from .reason import ReasonDialog, check_reason

FIELDS = ("name", "id_type", "id_number", "plate", "reason", "valid_until")
PAGE = 50
REASON_SHOWN = 36


def _short(text: str, n: int = REASON_SHOWN) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


class WatchListScreen(WuyeScreen):
    CSS_PATH = "gate.tcss"
    BINDINGS = [
        Binding("f2", "save", N_("Add to watch list"), id="save", priority=True),
        Binding("f3", "clear", N_("Clear"), id="clear"),
        Binding("f8", "deactivate", N_("Take off the list"), id="deactivate"),
        Binding("f7", "refresh", N_("Refresh"), id="refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: list = []  # type: ignore[type-arg]
        self._more = False

    # ---- layout -------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:

        with Vertical(id="gate-body"):
            yield Static(_("Watch list"), classes="title", id="watch-title")
            yield DataTable(id="watch-table", cursor_type="row", zebra_stripes=True)
            yield Static("", id="watch-hits")
            yield Static(_("Add an entry: a name, an ID number or a plate (at least one), and the reason"),
                         classes="subtitle")
            with Horizontal(id="gate-cols"):
                with Vertical(classes="gate-col"):
                    yield FormField(_("Name"), "name", lambda v: validate_name(v), max_length=30)
                    yield FormField(_("ID type"), "id_type", self._check_id_type, value=id_type_options()[0][1],
                                    max_length=40)
                    yield IdNumberField(_("ID number"), self._id_type_for_check, lambda: self.ctx.local(self.ctx.now()).date())
                with Vertical(classes="gate-col"):
                    yield FormField(_("Plate"), "plate", lambda v: validate_plate(v), max_length=12)
                    yield FormField(_("Reason"), "reason", check_reason, required=True, max_length=200)
                    yield FormField(_("Valid until"), "valid_until", self._check_until, max_length=10,
                                    placeholder=_("YYYY-MM-DD, empty: no end"))
                    yield Static(_("ID type: {h}").format(h=choice_hint(id_type_options())),
                                 classes="gate-legend", id="watch-legend")
            yield Static("", id="gate-msg")

    def on_mount(self) -> None:
        t = self.query_one("#watch-table", DataTable)
        t.add_columns(_("No."), _("Name"), _("ID number"), _("Plate"), _("Reason"), _("Added on"), _("Added by"))
        self.action_refresh()
        if t.row_count:
            t.focus()
        else:
            self.field("name").input.focus()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "deactivate"):
            return allowed(self.ctx.actor, SUPERVISORS)
        return True

    # ---- field checks ---------------------------------------------------------------

    def _check_id_type(self, v: str) -> str:

        return parse_id_type(v)

    def _check_until(self, v: str) -> str:

        watch_period(self.ctx, "", v)
        return v.strip()

    def _show_hits(self) -> None:
        """Supervisors see the latest watch-list hits, whatever the guard did with them."""


        box = self.query_one("#watch-hits", Static)
        if not allowed(self.ctx.actor, SUPERVISORS):
            box.update("")
            return
        try:
            rows = gate_visits.recent_watch_hits(self.ctx, limit=5)
        except WuyeError:
            return
        lines = [_("Latest hits at the gate:")] if rows else []
        for r in rows:
            lines.append(f"{self.ctx.local(r.at):%m-%d %H:%M} {r.guard}: {r.who} — {'; '.join(r.hits)}")
        box.update(Text("\n".join(lines)))

    def _id_type_for_check(self) -> str:

        try:
            return parse_id_type(self.field("id_type").raw)
        except ValidationError:
            raise ValidationError("id_number", _("Choose the ID type first")) from None

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "in-reason":
            self.action_save()
            return
        self.focus_next()

    # ---- the list ----------------------------------------------------------------------

    def action_refresh(self) -> None:
        self._show_hits()
        self._rows, self._more = [], False
        self.query_one("#watch-table", DataTable).clear()
        self._load_page()

    def _load_page(self) -> None:

        before = self._rows[-1].entry_id if self._rows else None
        try:
            page = gate_watch.watch_page(self.ctx, before_id=before, limit=PAGE)
        except WuyeError as exc:
            self.report(exc)
            return
        self._more = len(page) == PAGE
        self._rows.extend(page)
        t = self.query_one("#watch-table", DataTable)
        for r in page:
            t.add_row(str(r.entry_id), r.name, r.id_masked, r.plate, _short(r.reason),
                      f"{self.ctx.local(r.added_at):%Y-%m-%d}", r.added_by, key=str(r.entry_id))
        n = len(self._rows)
        title = (_("Watch list: {n} active entries").format(n=n) if not self._more
                 else _("Watch list: the latest {n} active entries (more below)").format(n=n))
        self.query_one("#watch-title", Static).update(title if n else _("Watch list: no active entries"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "watch-table" and self._more and event.cursor_row >= len(self._rows) - 1:
            self._load_page()

    def _current(self):  # type: ignore[no-untyped-def]
        t = self.query_one("#watch-table", DataTable)
        if not self._rows or t.cursor_row is None or not 0 <= t.cursor_row < len(self._rows):
            return None
        return self._rows[t.cursor_row]

    # ---- add -------------------------------------------------------------------------

    def action_save(self) -> None:

        values: dict[str, object] = {}
        first_bad: FormField | None = None
        for name in FIELDS:
            f = self.field(name)
            try:
                values[name] = f.validate_now()
            except ValidationError:
                first_bad = first_bad or f
        if first_bad is None and values["id_number"] and not values["id_type"]:
            first_bad = self.field("id_type")
            first_bad.show_error(_("This field is required"))
        if first_bad is None and not (values["name"] or values["id_number"] or values["plate"]):
            first_bad = self.field("name")
            first_bad.show_error(_("Give a name, an ID number or a plate"))
        if first_bad is not None:
            first_bad.input.focus()
            self.message(_("Not saved: correct the fields marked in red"), "-error")
            return
        try:
            entry = gate_watch.add_watch_entry(
                self.ctx, str(values["reason"]), name=str(values["name"] or ""),
                id_type=str(values["id_type"] or "resident_id"), id_number=str(values["id_number"] or ""),
                plate=str(values["plate"] or ""), valid_until=str(values["valid_until"] or ""))
        except WuyeError as exc:
            self.report(exc)
            self.message(exc.message, "-error")
            return
        self.action_clear()
        self.action_refresh()
        self.message(_("Added to the watch list as No. {id}").format(id=entry.id))

    def action_clear(self) -> None:

        for name in FIELDS:
            f = self.field(name)
            value = id_type_options()[0][1] if name == "id_type" else ""
            f.set_value(value)
        self.message("")
        self.field("name").input.focus()

    # ---- deactivate ------------------------------------------------------------------

    def action_deactivate(self) -> None:


        row = self._current()
        if row is None:
            self.message(_("No entry is selected"), "-error")
            return
        who = " ".join(x for x in (row.name, row.id_masked, row.plate) if x)
        subject = _("No. {id}: {who}\nOn the list because: {reason}").format(id=row.entry_id, who=who,
                                                                               reason=row.reason)

        def act(reason: str) -> str:
            gate_watch.deactivate_watch(self.ctx, row.entry_id, reason)
            return _("No. {id} taken off the watch list").format(id=row.entry_id)

        def done(text: str | None) -> None:
            if text:
                self.action_refresh()
                self.message(text)

        self.app.push_screen(ReasonDialog(_("Take an entry off the watch list"), subject, act), done)

    def message(self, text: str, cls: str = "") -> None:
        msg = self.query_one("#gate-msg", Static)
        msg.set_classes(cls)
        msg.update(text)
