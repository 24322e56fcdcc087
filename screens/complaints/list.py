"""Complaints and requests: filtered, searched and paged from the database (keyset);
overdue ones highlighted. F2 logs a new one; Enter opens the detail and timeline."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.complaints.common import STATUSES, choices, ref_label, status_label, unconfirmed_days
from wuye_tui.services.complaints.intake import Filters

from ..base import WuyeScreen
from .detail import ComplaintDetailScreen
from .entry import ComplaintEntryScreen

PAGE = 20


def theme_colour(app, name: str, fallback: str) -> str:  # type: ignore[no-untyped-def]
    theme = getattr(app, "current_theme", None)
    return getattr(theme, name, None) or fallback


class ComplaintListScreen(WuyeScreen):
    CSS_PATH = str(Path(__file__).with_name("complaints.tcss"))
    BINDINGS = [
        Binding("f2", "new", N_("New"), id="new"),
        Binding("f3", "cycle_status", N_("Status"), id="status"),
        Binding("f4", "toggle_overdue", N_("Overdue"), id="overdue"),
        Binding("f6", "toggle_major", N_("Major"), id="major"),
        Binding("f7", "cycle_category", N_("Category"), id="category"),
        Binding("f8", "cycle_department", N_("Department"), id="department"),
        Binding("f5", "reload", N_("Refresh"), id="reload"),
        # priority: the table would otherwise take PageUp/PageDown to scroll its few rows
        Binding("pagedown", "next_page", N_("Next page"), id="next-page", priority=True),
        Binding("pageup", "prev_page", N_("Previous page"), id="prev-page", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()

        self.filters = Filters()
        self.pages: list[int | None] = [None]  # before_id of each page shown so far
        self.rows: list = []

    def compose_body(self) -> ComposeResult:
        yield Static(_("Complaints and requests"), classes="title")
        yield Input(placeholder=_("Search: unit number, name, phone or pinyin initials"), id="cp-search")
        yield Static("", id="cp-filters")
        yield DataTable(id="cp-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        table = self.query_one("#cp-table", DataTable)
        table.add_columns("#", _("Received"), _("Unit"), _("Caller"), _("Category"), _("Status"),
                          _("Department"), _("Due"), _("Flags"))
        self.action_reload()
        table.focus()

    # ---- filters ----------------------------------------------------------------------

    def _cycle(self, attr: str, options: list[str]) -> None:
        current = getattr(self.filters, attr)
        idx = options.index(current) if current in options else 0
        setattr(self.filters, attr, options[(idx + 1) % len(options)])
        self.action_reload()

    def action_cycle_status(self) -> None:

        self._cycle("status", ["", "open", *STATUSES])

    def action_cycle_category(self) -> None:

        self._cycle("category", [""] + [c.code for c in choices("category")])

    def action_cycle_department(self) -> None:

        self._cycle("department", [""] + [c.code for c in choices("department")])

    def action_toggle_overdue(self) -> None:
        self.filters.overdue = not self.filters.overdue
        self.action_reload()

    def action_toggle_major(self) -> None:
        self.filters.major = not self.filters.major
        self.action_reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "cp-search":
            self.filters.text = event.value
            self.action_reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#cp-table", DataTable).focus()

    def _filter_line(self) -> str:

        f = self.filters
        all_ = _("all")
        status = (_("open") if f.status == "open" else status_label(f.status)) if f.status else all_
        parts = [
            _("Status: {v}").format(v=status),
            _("Category: {v}").format(v=ref_label("category", f.category) if f.category else all_),
            _("Department: {v}").format(v=ref_label("department", f.department) if f.department else all_),
        ]
        if f.overdue:
            parts.append(_("overdue only"))
        if f.major:
            parts.append(_("major only"))
        parts.append(_("page {n}").format(n=len(self.pages)))
        return "  ".join(parts)

    # ---- loading ----------------------------------------------------------------------

    def action_reload(self) -> None:
        self.pages = [None]
        self._load()

    def action_next_page(self) -> None:
        paged = [r for r in self.rows if not r.pinned]  # open majors pinned on top are not part of the pages
        if len(paged) == PAGE:
            self.pages.append(paged[-1].id)
            self._load()
        else:
            self.notify(_("This is the last page"))

    def action_prev_page(self) -> None:
        if len(self.pages) > 1:
            self.pages.pop()
            self._load()
        else:
            self.notify(_("This is the first page"))

    def _load(self) -> None:

        now = self.ctx.now()
        try:
            self.rows = complaints.list_complaints(self.ctx, self.filters, before_id=self.pages[-1], limit=PAGE)
        except WuyeError as exc:
            self.report(exc)
            return
        table = self.query_one("#cp-table", DataTable)
        table.clear()
        red = theme_colour(self.app, "error", "red")
        warn = theme_colour(self.app, "warning", "yellow")
        for row in self.rows:
            c = row.complaint
            flags = []
            if row.overdue:
                flags.append(_("OVERDUE"))
            if c.is_major:
                flags.append(_("MAJOR"))
            waiting = unconfirmed_days(c, now)
            if waiting:
                flags.append(_("unconfirmed {n} days").format(n=waiting))
            style = f"bold {red}" if row.overdue else (warn if c.is_major or waiting else "")
            cells = [str(c.id), self.ctx.local(c.received_at).strftime("%m-%d %H:%M"), row.unit_code or "-",
                     c.caller, ref_label("category", c.category), status_label(c.status),
                     ref_label("department", c.department), self.ctx.local(c.due_at).strftime("%m-%d %H:%M"),
                     " ".join(flags)]
            table.add_row(*[Text(v, style=style) for v in cells], key=str(c.id))
        self.query_one("#cp-filters", Static).update(self._filter_line())

    # ---- opening ----------------------------------------------------------------------

    def action_new(self) -> None:

        self.app.push_screen(ComplaintEntryScreen())

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is None:
            return

        self.app.push_screen(ComplaintDetailScreen(int(event.row_key.value)))

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.is_mounted:
            self._load()
