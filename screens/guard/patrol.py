"""Patrol (巡逻): pick a route, then walk it checkpoint by checkpoint. At each one type
the tag code (optional, confirms presence) and mark every item OK or an anomaly with a
note; an anomaly opens a duty-log incident. The last checkpoint ends the round."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, DataTable, Input, Label, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.models.guard import PatrolRound
from wuye_tui.reference import load_reference
from wuye_tui.services.guard import patrol
from wuye_tui.services.guard.patrol import ItemResult
from wuye_tui.services.guard.shifts import handover_shift

from ..base import WuyeScreen
from ..widgets.form import FormField
from .confirm import ConfirmDialog
from .dutylog import CSS
from .missed_dialog import MissedRoundDialog

STATUS = {"done": N_("walked"), "in_progress": N_("in progress"), "missed": N_("missed"),
          "due": N_("due now"), "upcoming": N_("upcoming")}


class PatrolScreen(WuyeScreen):
    CSS_PATH = CSS
    BINDINGS = [
        Binding("f2", "go", N_("Start round / record checkpoint"), id="patrol-go"),
        Binding("f8", "abandon", N_("Abandon round"), id="patrol-abandon"),
        Binding("f5", "reload", N_("Refresh"), id="patrol-reload"),
        Binding("f7", "missed_reasons", N_("Reason for missed round"), id="patrol-missed-reason"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.round: PatrolRound | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("Patrol"), classes="title", id="patrol-title")
        with Horizontal():
            with Vertical(id="route-box"):
                yield DataTable(id="route-table", cursor_type="row", classes="guard-table")
                yield Static("", id="patrol-missed", classes="guard-warn")
            yield VerticalScroll(id="cp-panel", classes="panel")
        yield Static("", id="patrol-error", classes="guard-error")

    async def on_mount(self) -> None:
        table = self.query_one("#route-table", DataTable)
        table.add_columns(_("Route"), _("Every"), _("This shift"))
        await self.action_reload()

    async def action_reload(self) -> None:
        try:
            self.round = patrol.current_round(self.ctx)
            self._fill_routes()
        except WuyeError as exc:
            self.report(exc)
            return
        await self._show_checkpoint()

    def _summary(self, slots: list) -> str:  # type: ignore[type-arg]
        """This shift's rounds of one route in a few cells: walked of scheduled so far, then
        the times missed and the next one due."""
        if not slots:
            return "-"
        so_far = [s for s in slots if s.status != "upcoming"]
        text = _("walked {done}/{total}").format(done=sum(s.status == "done" for s in so_far), total=len(so_far))
        fast = [f"{self.ctx.local(s.at):%H:%M}" for s in slots if s.status == "done" and s.too_fast]
        if fast:  # walked, but faster than the route allows: not a round that counts as checked
            text += _(", ") + _("too fast {times}").format(times=" ".join(fast[-3:]))
        due = [f"{self.ctx.local(s.at):%H:%M}" for s in slots if s.status in ("due", "in_progress")]
        if due:
            text += _(", ") + _("due {time}").format(time=due[0])
        missed = [f"{self.ctx.local(s.at):%H:%M}" for s in slots if s.status == "missed"]
        if missed:
            text += _(", ") + _("missed {times}").format(times=" ".join(missed[-3:]))
        return text

    def _fill_routes(self) -> None:
        ref = load_reference()
        table = self.query_one("#route-table", DataTable)
        row = table.cursor_row
        table.clear()
        win = handover_shift(self.ctx)
        slots = patrol.schedule(self.ctx, win.start, win.end)
        for r in ref.routes:
            mine = [s for s in slots if s.route == r.code]
            summary = self._summary(mine)
            table.add_row(r.label, _("{n} min").format(n=r.interval_minutes), summary, key=r.code)
        if table.row_count:
            table.move_cursor(row=min(max(row, 0), table.row_count - 1))
        missed = [s for s in slots if s.status == "missed"]
        open_ = sum(1 for s in missed if not s.reason)
        line = self.query_one("#patrol-missed", Static)
        line.update(_("Missed this shift: {n}, {open} without a reason (F7)").format(n=len(missed), open=open_)
                    if open_ else "")
        line.display = bool(open_)

    async def _show_checkpoint(self) -> None:
        panel = self.query_one("#cp-panel", VerticalScroll)
        await panel.remove_children()
        self.query_one("#patrol-error", Static).update("")
        if self.round is None:
            await panel.mount(Static(_("Choose a route and press F2 to start a round."), classes="guard-msg"))
            self.query_one("#route-table").focus()
            return
        ref = load_reference()
        route = ref.route(self.round.route)
        cp = patrol.next_checkpoint(self.round)
        if cp is None:
            return
        n = self.round.checkpoints_done + 1
        widgets = [
            Static(_("{route}: checkpoint {n} of {total}").format(route=route.label, n=n,
                                                                   total=len(route.checkpoints)), classes="cp-title"),
            Static(f"{cp.label}  ({_('tag')} {cp.tag})", classes="cp-title", id="cp-name"),
            FormField(_("Tag code"), "tag", placeholder=_("Code on the tag (optional)")),
        ]
        for item in cp.items:
            widgets.append(Horizontal(Label(ref.label("item", item)), Checkbox(_("Anomaly"), id=f"bad-{item}"),
                                      Input(placeholder=_("What is wrong"), id=f"note-{item}"), classes="cp-item"))
        widgets.append(Static(_("F2 records this checkpoint. F8 abandons the round with the reason below."),
                              classes="guard-msg"))
        widgets.append(FormField(_("Abandon reason"), "abandon"))
        await panel.mount(*widgets)
        self.call_after_refresh(lambda: self.query_one("#in-tag").focus())

    async def action_go(self) -> None:
        if self.round is None:
            table = self.query_one("#route-table", DataTable)
            if not table.row_count:
                return
            code = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.run_db(patrol.start_round, self.ctx, code, on_done=self._started, on_error=self.report)
            return
        await self.record()

    async def _started(self, rnd) -> None:  # type: ignore[no-untyped-def]
        self.round = rnd
        self.notify(_("Round started"))
        await self._show_checkpoint()

    async def record(self) -> None:
        assert self.round is not None
        cp = patrol.next_checkpoint(self.round)
        if cp is None:
            return
        results = [ItemResult(i, not self.query_one(f"#bad-{i}", Checkbox).value,
                              self.query_one(f"#note-{i}", Input).value) for i in cp.items]
        for i in cp.items:
            self.query_one(f"#note-{i}", Input).remove_class("-invalid")
        self.run_db(patrol.record_checkpoint, self.ctx, self.round.id, cp.code, results,
                    tag=self.query_one("#field-tag", FormField).raw, on_done=self._recorded,
                    on_error=self._record_refused)

    def _record_refused(self, exc: WuyeError) -> None:
        if isinstance(exc, ValidationError):
            self.query_one("#patrol-error", Static).update(exc.message)
            if exc.field.startswith("note_"):
                note = self.query_one(f"#note-{exc.field[5:]}", Input)
                note.add_class("-invalid")
                note.focus()
                return
        self.report(exc)

    async def _recorded(self, rnd) -> None:  # type: ignore[no-untyped-def]
        if rnd.status == "done":
            self.round = None
            minutes = (rnd.ended_at - rnd.started_at) / timedelta(minutes=1)  # type: ignore[operator]
            msg = _("Round finished in {m:.0f} min, {n} anomalies").format(m=minutes, n=rnd.anomalies)
            if rnd.too_fast:
                msg += " " + _("(flagged: too fast)")
            self.notify(msg, severity="warning" if rnd.too_fast or rnd.anomalies else "information")
            self._fill_routes()
        else:
            self.round = rnd
            if rnd.anomalies:
                self.notify(_("Anomaly recorded in the duty log"), severity="warning")
        await self._show_checkpoint()

    def action_missed_reasons(self) -> None:
        """Reasons for the missed rounds of the current shift (as on the handover, F7)."""

        win = handover_shift(self.ctx)
        ref = load_reference()
        heading = _("Reasons for missed rounds: {shift} {start}-{end}").format(
            shift=ref.label("shift", win.code), start=self.ctx.local(win.start).strftime("%H:%M"),
            end=self.ctx.local(win.end).strftime("%H:%M"))

        def done(saved: int | None) -> None:
            if saved:  # the routes' summary only: a checkpoint being filled in stays as typed
                try:
                    self._fill_routes()
                except WuyeError as exc:
                    self.report(exc)

        self.app.push_screen(MissedRoundDialog(win.start, win.end, heading), done)

    async def action_abandon(self) -> None:
        """F8: after a confirmation naming the route, how far it got and the reason (the
        reason first: nothing is asked for an abandon that would be refused)."""
        if self.round is None:
            return
        rnd, reason = self.round, self.query_one("#field-abandon", FormField).raw

        def write() -> None:
            self.run_db(patrol.abandon_round, self.ctx, rnd.id, reason, on_done=self._abandoned,
                        on_error=lambda exc: self.report(
                            ValidationError("abandon", exc.message) if isinstance(exc, ValidationError) else exc))

        if not reason.strip():
            write()  # the service's own message at the field
            return
        route = load_reference().route(rnd.route)
        text = _("{route}: {n} of {total} checkpoints recorded. Reason: {reason}").format(
            route=route.label, n=rnd.checkpoints_done, total=len(route.checkpoints), reason=reason.strip())
        self.app.push_screen(ConfirmDialog(_("Abandon this round?"), text), lambda ok: write() if ok else None)

    async def _abandoned(self, _rnd: object) -> None:
        self.round = None
        self.notify(_("Round abandoned"))
        await self.action_reload()
