"""Shift handover (交接班): everything open is listed; the outgoing guard chooses the post
handed over, records the equipment and notes (saved as they are typed); the incoming
guard opens the same handover from his own login (the receive view), acknowledges each
item (Enter; F4 the next unacknowledged one; F8 the whole group of the highlighted item)
and signs with his PIN (F2). The highlighted item is shown in full below the list; F7
gives reasons for missed rounds. Opening the desk creates a draft only for the guard on
duty for the ending shift (``handover.desk``); F6 opens one's own handover on purpose."""

from __future__ import annotations

from datetime import datetime

from rich.style import Style
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static, TextArea

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.models.guard import HandoverItem
from wuye_tui.reference import load_reference
from wuye_tui.services.guard import handover

from ..base import WuyeScreen
from ..widgets.form import FormField
from . import handover_items as hi
from .handover_draft import EQUIPMENT_NOTE_MAX, DraftEdits, NotesArea
from .dutylog import CSS
from .missed_dialog import MissedRoundDialog

POLL_SECONDS = 3.0  # the other terminal's changes (acknowledgements, a changed note) shown this soon


class HandoverScreen(DraftEdits, WuyeScreen):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("f2", "sign", N_("Sign as incoming guard"), id="handover-sign"),
        Binding("f3", "correct", N_("Add correction"), id="handover-correct"),
        Binding("f4", "next_open", N_("Next unacknowledged"), id="handover-next"),
        Binding("f8", "ack_group", N_("Acknowledge this group"), id="handover-ack-group"),
        Binding("f5", "refresh_items", N_("Refresh items"), id="handover-refresh"),
        Binding("f7", "give_reason", N_("Reason for missed round"), id="handover-reason"),
        Binding("f6", "own", N_("My own handover"), id="handover-own"),
    ]

    def __init__(self, handover_id: int | None = None) -> None:
        super().__init__()
        self.handover_id = handover_id
        self.view: handover.HandoverView | None = None
        self._notes_timer = None
        self._loading = False
        self._styles = (Style(bold=True), Style(bold=True))  # theme colours once mounted
        self._message = ""  # the last refusal, kept in front of the status line until the next act
        self._editable = False  # the outgoing guard's (or a supervisor's) draft: equipment and notes saved
        self._fingerprint = ""  # what this screen last showed (handover.fingerprint)

    def compose_body(self) -> ComposeResult:
        yield Static(_("Shift handover"), classes="title", id="ho-title")
        with Horizontal():
            with Vertical(id="ho-left"):
                # the post sits above the table: the Select's list then opens over the table
                # alone (a wide character across another widget's edge would be cut)
                with Horizontal(id="ho-post-row"):  # the Select is mounted with the draft's post
                    yield Label(_("Post handed over"), classes="ho-post-label")
                    yield Static("", id="err-post", classes="guard-error")
                yield hi.ItemsTable(id="ho-items", cursor_type="row")
                yield Static("", id="ho-detail")
                with Horizontal(id="ho-sign", classes="guard-row"):
                    yield FormField(_("Incoming"), "incoming", placeholder=_("Name of the incoming guard"))
                    yield FormField(_("PIN"), "pin", password=True, max_length=8)
            with Vertical(classes="guard-side", id="ho-side"):
                yield Static(_("Equipment handed over"), classes="cp-title")
                with Vertical(id="ho-equipment"):
                    for eq in load_reference().equipment:
                        with Horizontal(classes="eq-row"):
                            yield Label(eq.label)
                            yield Input(id=f"eq-{eq.code}", restrict=r"[0-9]*", max_length=3)
                            yield Input(id=f"eqn-{eq.code}", classes="eq-note", placeholder=_("note"),
                                        max_length=EQUIPMENT_NOTE_MAX)
                yield Static("", id="ho-eq-error", classes="guard-error")
                yield Static(_("Notes"), classes="cp-title")
                yield NotesArea(id="ho-notes")
                yield FormField(_("Correction"), "correction")
        yield Static("", id="ho-error", classes="guard-error")

    def poll_changes(self) -> None:
        """Show what the other guard did on his terminal (not while notes are being typed)."""
        if self.view is None or self.view.locked or self._notes_timer is not None or self.app.screen is not self:
            return
        try:
            now = handover.fingerprint(self.ctx, self.view.handover.id)  # type: ignore[arg-type]
        except WuyeError:
            return
        if now != self._fingerprint:
            self.load(fields=False)

    def on_mount(self) -> None:
        if not getattr(self, "_polling", False):
            self._polling = True
            self.set_interval(POLL_SECONDS, self.poll_changes)
        self._styles = hi.styles(self.app)
        fresh = False
        try:
            if self.handover_id is None:
                had_own = handover.own_draft(self.ctx) is not None
                desk = handover.desk(self.ctx)
                if desk.handover_id is None:
                    self.show_nothing(desk.message)
                    return
                fresh = desk.mode == "own" and not had_own
                self.handover_id = desk.handover_id
            self.load()
            # a handover just opened: the outgoing guard confirms the post first; else the items
            self.call_after_refresh(self.focus_post if fresh else self.query_one("#ho-items").focus)
        except WuyeError as exc:
            self.query_one("#ho-error", Static).update(str(exc))

    # ---- showing ------------------------------------------------------------------

    def show_nothing(self, message: str) -> None:
        """No handover for this guard now (none is created by looking)."""
        self.query_one("#ho-error", Static).update(message)
        self.query_one("#ho-detail", Static).update("")
        for w in self.query(Input):
            w.disabled = True
        self.query_one("#ho-notes", TextArea).read_only = True

    @property
    def receiving(self) -> bool:
        """The acting guard is the one taking over (not the outgoing guard)."""
        return (self.view is not None and not self.view.locked
                and self.view.handover.outgoing_id != self.ctx.actor.id and self.ctx.actor.role == "guard")

    def load(self, fields: bool = True) -> None:
        """Show the handover; ``fields=False`` (the poll) leaves the equipment, notes and
        post fields alone, so nothing the outgoing guard is typing is overwritten."""
        assert self.handover_id is not None
        self.view = view = handover.get_view(self.ctx, self.handover_id)
        self._fingerprint = handover.fingerprint(self.ctx, self.handover_id)
        h = view.handover
        ref = load_reference()
        status = _("signed by {name} at {t}").format(
            name=view.incoming, t=self.ctx.local(h.signed_at).strftime("%m-%d %H:%M")) if view.locked else _("draft")
        title = _("Handover #{id}  {shift} {date} {start}-{end}  {post}  outgoing: {out}  ({status})").format(
            id=h.id, shift=ref.label("shift", h.shift), date=h.duty_date.isoformat(),
            start=self.ctx.local(view.window.start).strftime("%H:%M"),
            end=self.ctx.local(view.window.end).strftime("%H:%M"), post=ref.label("post", h.post),
            out=view.outgoing, status=status)
        if self.receiving:
            title = _("Receiving: {title}").format(title=title)
        self.query_one("#ho-title", Static).update(title)
        name = self.query_one("#field-incoming", FormField)
        if self.receiving:  # he signs as himself, on his own login
            if name.raw != self.ctx.actor.name:
                name.set_value(self.ctx.actor.name)
            name.input.disabled = True
        elif not view.locked:
            name.input.disabled = True  # the outgoing guard's screen: the incoming guard signs on his own
        self.fill_items()
        editable = not view.locked and (h.outgoing_id == self.ctx.actor.id or self.ctx.actor.is_supervisor)
        if not fields and editable:
            self.show_status()
            return
        self._loading = True
        self._editable = editable
        self.show_post(h.post, editable)
        for eq in view.equipment:
            for wid, value in ((f"#eq-{eq.code}", str(eq.count)), (f"#eqn-{eq.code}", eq.note)):
                try:
                    w = self.query_one(wid, Input)
                except Exception:  # noqa: BLE001 - equipment removed from data/ since
                    continue
                if w.value != value:
                    w.value = value
                w.disabled = not editable
        notes = self.query_one("#ho-notes", TextArea)
        if notes.text != h.notes:
            notes.load_text(h.notes)
        notes.read_only = not editable
        self._loading = False
        self.show_status()

    def show_status(self) -> None:
        view = self.view
        if view is None:
            return
        if view.locked:
            self.query_one("#ho-error", Static).update(self._message)
            return
        left = view.unacknowledged
        parts = [self._message] if self._message else []
        parts.append(_("{n} items, {left} still to acknowledge (Enter)").format(n=len(view.items), left=left))
        if view.reset:
            parts.append(_("{n} changed after acknowledgement: look again").format(n=len(view.reset)))
        item = self.highlighted()
        if self.receiving and item is not None:
            group = [i for i in view.items if i.kind == item.kind and not i.acknowledged]
            if group:
                parts.append(_("F8 acknowledges {kind}: {n}").format(kind=hi.kind_label(item.kind), n=len(group)))
        elif not self.receiving:
            who = view.expected_incoming or _("the incoming guard")
            parts.append(_("{name} acknowledges and signs on his own login").format(name=who))
        self.query_one("#ho-error", Static).update(_("; ").join(parts))

    def fill_items(self) -> None:
        """(Re)build the items table to the table's current width; the cursor stays put."""
        if self.view is None:
            return
        table = self.query_one("#ho-items", DataTable)
        row = table.cursor_row
        w = hi.widths(table, self.view.items)
        hi.set_columns(table, w)
        overdue, done = self._styles
        for it in self.view.items:
            table.add_row(*hi.row(self.ctx, it, w, overdue, done), key=str(it.id))
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        self.show_detail()

    def on_items_table_resized(self, event: hi.ItemsTable.Resized) -> None:
        self.fill_items()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < 100, "-narrow")

    def highlighted(self) -> HandoverItem | None:
        table = self.query_one("#ho-items", DataTable)
        if self.view is None or not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((i for i in self.view.items if str(i.id) == key), None)

    def show_detail(self) -> None:
        locked = self.view is None or self.view.locked
        self.query_one("#ho-detail", Static).update(
            hi.detail(self.ctx, self.highlighted(), self._styles[0], locked))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "ho-items":
            self.show_detail()
            self.show_status()

    # ---- the post handed over (kept in the draft) ---------------------------------------

    # ---- the incoming guard --------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.view is None or self.view.locked or event.row_key.value is None:
            return
        if not self.receiving:
            self.say(_("Only the incoming guard acknowledges, on his own login"))
            return
        self._message = ""
        item_id = int(event.row_key.value)
        item = next((i for i in self.view.items if i.id == item_id), None)
        if item is None:
            return
        try:
            handover.acknowledge_item(self.ctx, self.view.handover.id, item_id, not item.acknowledged)  # type: ignore[arg-type]
        except WuyeError as exc:
            self.report(exc)
            return
        self.load()

    def say(self, message: str) -> None:
        self._message = message
        self.show_status() if self.view is not None else self.query_one("#ho-error", Static).update(message)

    def action_sign(self) -> None:
        if self.view is None:
            return
        if not self.view.locked and self.view.handover.outgoing_id == self.ctx.actor.id:
            self.say(_("The outgoing guard cannot sign their own handover"))
            return
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self.save_notes()
        name = self.query_one("#field-incoming", FormField)
        pin = self.query_one("#field-pin", FormField)
        self.run_db(handover.sign, self.ctx, self.view.handover.id, name.raw, pin.raw,  # in a worker
                    on_done=lambda _h: self._signed(pin), on_error=lambda exc: self._sign_refused(exc, pin))

    def _signed(self, pin: FormField) -> None:
        pin.set_value("")
        self._message = ""
        self.notify(_("Handover signed and locked"))
        self.load()

    def _sign_refused(self, exc: WuyeError, pin: FormField) -> None:
        pin.set_value("")
        if isinstance(exc, ValidationError) and exc.field in ("incoming", "pin"):
            self.report(exc)
            return
        self._message = exc.message if isinstance(exc, ValidationError) else str(exc)
        self.load()  # the items gathered at signing: the new ones are shown
        if isinstance(exc, ValidationError):
            self.action_next_open()

    def action_correct(self) -> None:
        if self.view is None:
            return
        field = self.query_one("#field-correction", FormField)
        self.run_db(handover.add_correction, self.ctx, self.view.handover.id, field.raw, on_error=self.report,
                    on_done=lambda _c: (field.set_value(""), self.notify(_("Correction added"))))

    def action_refresh_items(self) -> None:
        if self.view is None or self.view.locked:
            return
        try:
            handover.refresh_items(self.ctx, self.view.handover.id)  # type: ignore[arg-type]
        except WuyeError as exc:
            self.report(exc)
            return
        self.load()

    def action_next_open(self) -> None:
        """Move to the next item not yet acknowledged (after the cursor, then from the top)."""
        if self.view is None:
            return
        table = self.query_one("#ho-items", DataTable)
        open_rows = [n for n, key in enumerate(table.rows) if not next(
            (i.acknowledged for i in self.view.items if str(i.id) == key.value), True)]
        if not open_rows:
            return
        after = [n for n in open_rows if n > table.cursor_row]
        table.move_cursor(row=(after or open_rows)[0])
        table.focus()

    def action_ack_group(self) -> None:
        """Acknowledge every unacknowledged item of the highlighted item's kind."""
        item = self.highlighted()
        if self.view is None or self.view.locked or item is None:
            return
        try:
            n = handover.acknowledge_group(self.ctx, self.view.handover.id, item.kind)  # type: ignore[arg-type]
        except WuyeError as exc:
            self.report(exc)
            return
        self.load()
        self.notify(_("{n} items acknowledged: {kind}").format(n=n, kind=hi.kind_label(item.kind)))
        self.action_next_open()

    def action_own(self) -> None:
        try:
            self.handover_id = handover.open_handover(self.ctx).id
        except WuyeError as exc:
            self.query_one("#ho-error", Static).update(str(exc))
            return
        self.load()

    def action_give_reason(self) -> None:
        """Reasons for the missed rounds of this handover's shift; the highlighted missed
        round (if any) is preselected. The same dialog as on the patrol screen."""

        if self.view is None:
            return
        win, ref = self.view.window, load_reference()
        item = self.highlighted()
        focus = None
        if item is not None and item.kind == "patrol_missed":
            d = hi.item_details(item)
            try:
                focus = (str(d["route"]), datetime.fromisoformat(str(d["slot_at"])))
            except (KeyError, ValueError):
                focus = None
        heading = _("Reasons for missed rounds: {shift} {start}-{end}").format(
            shift=ref.label("shift", win.code), start=self.ctx.local(win.start).strftime("%H:%M"),
            end=self.ctx.local(win.end).strftime("%H:%M"))

        def done(saved: int | None) -> None:
            if not saved or self.view is None or self.view.locked:
                return
            try:
                handover.refresh_items(self.ctx, self.view.handover.id)  # type: ignore[arg-type]
            except WuyeError as exc:
                self.query_one("#ho-error", Static).update(str(exc))
                return
            self.load()

        self.app.push_screen(MissedRoundDialog(win.start, win.end, heading, focus), done)
