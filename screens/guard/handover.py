"""Shift handover (交接班): everything open is listed; the outgoing guard records the
equipment handed over and notes (saved as they are typed); the incoming guard
acknowledges each item (Enter) and signs with their own name and PIN (F2)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Select, Static, TextArea

from wuye_tui.errors import Conflict, ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.reference import load_reference
from wuye_tui.services import handover, open_items, patrol

from ..base import WuyeScreen
from ..widgets.form import FormField
from .dutylog import CSS, _options

NOTES_SAVE_DELAY = 0.6


class HandoverScreen(WuyeScreen):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("f2", "sign", N_("Sign as incoming guard"), id="handover-sign"),
        Binding("f3", "correct", N_("Add correction"), id="handover-correct"),
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

    def compose_body(self) -> ComposeResult:
        yield Static(_("Shift handover"), classes="title", id="ho-title")
        with Horizontal():
            with Vertical():
                yield DataTable(id="ho-items", cursor_type="row")
                with Horizontal(id="ho-sign", classes="guard-row"):
                    yield FormField(_("Incoming"), "incoming", placeholder=_("Name of the incoming guard"))
                    yield FormField(_("PIN"), "pin", password=True, max_length=8)
            with Vertical(classes="guard-side"):
                yield Static(_("Equipment handed over"), classes="cp-title")
                with Vertical(id="ho-equipment"):
                    for eq in load_reference().equipment:
                        with Horizontal(classes="eq-row"):
                            yield Label(eq.label)
                            yield Input(id=f"eq-{eq.code}", restrict=r"[0-9]*", max_length=3)
                            yield Input(id=f"eqn-{eq.code}", classes="eq-note", placeholder=_("note"))
                yield Static("", id="ho-eq-error", classes="guard-error")
                yield Static(_("Notes"), classes="cp-title")
                yield TextArea(id="ho-notes")
                yield Select(_options("missed_round_reason"), prompt=_("Reason for a missed round (F7)"),
                             id="sel-reason")
                yield FormField(_("Correction"), "correction")
        yield Static("", id="ho-error", classes="guard-error")

    def on_mount(self) -> None:
        table = self.query_one("#ho-items", DataTable)
        table.add_columns(_("OK"), _("Kind"), _("Item"), _("Since"))
        try:
            if self.handover_id is None:
                own = handover.own_draft(self.ctx)
                pending = [] if own else handover.pending_to_sign(self.ctx)
                if own is None and pending:
                    self.handover_id = pending[0].id
                else:
                    self.handover_id = handover.open_handover(self.ctx).id  # type: ignore[assignment]
            self.load()
        except WuyeError as exc:
            self.query_one("#ho-error", Static).update(str(exc))

    # ---- showing ------------------------------------------------------------------

    def load(self) -> None:
        assert self.handover_id is not None
        self.view = view = handover.get_view(self.ctx, self.handover_id)
        h = view.handover
        ref = load_reference()
        status = _("signed by {name} at {t}").format(
            name=view.incoming, t=self.ctx.local(h.signed_at).strftime("%m-%d %H:%M")) if view.locked else _("draft")
        self.query_one("#ho-title", Static).update(
            _("Handover #{id}  {shift} {date} {start}-{end}  {post}  outgoing: {out}  ({status})").format(
                id=h.id, shift=ref.label("shift", h.shift), date=h.duty_date.isoformat(),
                start=self.ctx.local(view.window.start).strftime("%H:%M"),
                end=self.ctx.local(view.window.end).strftime("%H:%M"), post=ref.label("post", h.post),
                out=view.outgoing, status=status))
        table = self.query_one("#ho-items", DataTable)
        row = table.cursor_row
        table.clear()
        for it in view.items:
            mark = "[b $success]OK[/]" if it.acknowledged else "[ ]"
            title = f"[b $error]{it.title}[/]" if it.overdue else it.title
            since = self.ctx.local(it.since).strftime("%m-%d %H:%M") if it.since else ""
            table.add_row(mark, _(open_items.KIND_LABELS.get(it.kind, it.kind)), title, since, key=str(it.id))
        if table.row_count:
            table.move_cursor(row=min(row, table.row_count - 1))
        self._loading = True
        editable = not view.locked and (h.outgoing_id == self.ctx.actor.id or self.ctx.actor.is_supervisor)
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
        left = view.unacknowledged
        msg = _("{n} items, {left} still to acknowledge (Enter)").format(n=len(view.items), left=left)
        self.query_one("#ho-error", Static).update("" if view.locked else msg)

    def _refresh_later(self) -> None:
        self.call_after_refresh(self.load)

    # ---- the outgoing guard's draft, saved on every change ----------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        wid = event.input.id or ""
        if self._loading or self.view is None or not wid.startswith(("eq-", "eqn-")):
            return
        code = wid.split("-", 1)[1]
        count = self.query_one(f"#eq-{code}", Input).value
        note = self.query_one(f"#eqn-{code}", Input).value
        error = self.query_one("#ho-eq-error", Static)
        try:
            handover.set_equipment(self.ctx, self.view.handover.id, code, count, note)  # type: ignore[arg-type]
        except ValidationError as exc:
            error.update(f"{load_reference().label('equipment', code)}: {exc.message}")
            return
        except WuyeError as exc:
            error.update(str(exc))
            return
        error.update("")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._loading or self.view is None or self.view.locked:
            return
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = self.set_timer(NOTES_SAVE_DELAY, self.save_notes)

    def save_notes(self) -> None:
        self._notes_timer = None
        if self.view is None or self.view.locked:
            return
        try:
            handover.set_notes(self.ctx, self.view.handover.id, self.query_one("#ho-notes", TextArea).text)  # type: ignore[arg-type]
        except WuyeError as exc:
            self.query_one("#ho-error", Static).update(str(exc))

    def on_unmount(self) -> None:
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self.save_notes()

    # ---- the incoming guard --------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.view is None or self.view.locked or event.row_key.value is None:
            return
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

    def action_sign(self) -> None:
        if self.view is None:
            return
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self.save_notes()
        name = self.query_one("#field-incoming", FormField)
        pin = self.query_one("#field-pin", FormField)
        try:
            handover.sign(self.ctx, self.view.handover.id, name.raw, pin.raw)  # type: ignore[arg-type]
        except ValidationError as exc:
            pin.set_value("")
            if exc.field in ("incoming", "pin"):
                self.report(exc)
            else:
                self.query_one("#ho-error", Static).update(exc.message)
            return
        except WuyeError as exc:
            pin.set_value("")
            self.load()
            self.query_one("#ho-error", Static).update(str(exc))
            return
        pin.set_value("")
        self.notify(_("Handover signed and locked"))
        self.load()

    def action_correct(self) -> None:
        if self.view is None:
            return
        field = self.query_one("#field-correction", FormField)
        try:
            handover.add_correction(self.ctx, self.view.handover.id, field.raw)  # type: ignore[arg-type]
        except WuyeError as exc:
            self.report(exc)
            return
        field.set_value("")
        self.notify(_("Correction added"))

    def action_refresh_items(self) -> None:
        if self.view is None or self.view.locked:
            return
        try:
            handover.refresh_items(self.ctx, self.view.handover.id)  # type: ignore[arg-type]
        except WuyeError as exc:
            self.report(exc)
            return
        self.load()

    def action_own(self) -> None:
        try:
            self.handover_id = handover.open_handover(self.ctx).id
        except WuyeError as exc:
            self.query_one("#ho-error", Static).update(str(exc))
            return
        self.load()

    def action_give_reason(self) -> None:
        import json
        from datetime import datetime

        if self.view is None:
            return
        table = self.query_one("#ho-items", DataTable)
        if not table.row_count:
            return
        item_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        item = next((i for i in self.view.items if i.id == item_id), None)
        if item is None or item.kind != "patrol_missed":
            self.notify(_("Select a missed round in the list first"), severity="warning")
            return
        reason = self.query_one("#sel-reason", Select).value
        detail = json.loads(item.detail or "{}")
        try:
            patrol.explain_missed(self.ctx, detail.get("route"), datetime.fromisoformat(detail["slot_at"]),
                                  "" if reason is Select.NULL else reason)
            handover.refresh_items(self.ctx, self.view.handover.id)  # type: ignore[arg-type]
        except (ValidationError, Conflict, WuyeError) as exc:
            self.query_one("#ho-error", Static).update(getattr(exc, "message", str(exc)))
            return
        self.load()
