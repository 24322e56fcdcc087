"""Passes and release slips (临时出入证 / 放行条) at the gate.

Type a contractor pass number and Enter: valid, or why not (unknown, revoked, outside the
permit's dates, outside renovation hours); every check is recorded. Type a release-slip
number and Enter: the items are shown; Enter again (or F5) confirms and uses the slip.
A second use is refused and recorded. F4 records items going out without a slip.
Office staff issue permits (F7), slips (F3) and pre-registrations (F6).

Below, the active renovation permits (valid today, not revoked); Enter on one shows its
pass numbers. Office staff revoke the highlighted permit with F8, giving the reason: its
passes are refused at the gate from then on ("revoked")."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.core.permissions import GATE, OFFICE, allowed
from wuye_tui.services.gate import passes as gate_passes
from wuye_tui.services.gate import slips as gate_slips

from ..base import WuyeScreen
from ..widgets.form import FormField
from .devices import PassDeskPrints
from .issue import PermitDialog, PreregDialog, SlipDialog
from .reason import ReasonDialog


class PassDeskScreen(PassDeskPrints, WuyeScreen):
    CSS_PATH = "gate.tcss"
    BINDINGS = [
        Binding("f5", "use_slip", N_("Use slip"), id="use_slip"),
        Binding("f4", "no_slip", N_("Items without slip"), id="no_slip"),
        Binding("f7", "issue_permit", N_("Issue permit"), id="issue_permit"),
        Binding("f3", "issue_slip", N_("Issue slip"), id="issue_slip"),
        Binding("f6", "prereg", N_("Pre-register"), id="prereg"),
        Binding("f8", "revoke", N_("Revoke permit"), id="revoke"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._slip_shown = ""
        self._permits: list = []  # type: ignore[type-arg]

    def compose_body(self) -> ComposeResult:
        with Vertical(id="gate-body"):
            yield Static(_("Passes and release slips"), classes="title")
            yield FormField(_("Pass No."), "pass", max_length=16, placeholder="P0012-03")
            yield Static("", id="pass-result", classes="gate-result")
            yield FormField(_("Slip No."), "slip", max_length=12, placeholder="000123")
            yield Static("", id="slip-result", classes="gate-result")
            yield FormField(_("Items out"), "items", max_length=200, placeholder=_("items without a slip (F4)"))
            yield Static("", id="gate-msg")
            yield Static(_("Active renovation permits"), classes="subtitle", id="permits-title")
            yield DataTable(id="permits-table", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        t = self.query_one("#permits-table", DataTable)
        t.add_columns(_("No."), _("Unit"), _("Company"), _("Foreman"), _("From date"), _("To date"), _("Passes"))
        self.load_permits()
        self.query_one("#in-pass", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("revoke", "issue_permit", "issue_slip", "prereg"):
            return allowed(self.ctx.actor, OFFICE)
        if action in ("use_slip", "no_slip"):
            return allowed(self.ctx.actor, GATE)
        return True

    # ---- active permits -----------------------------------------------------------

    def load_permits(self) -> None:

        try:
            self._permits = gate_passes.active_permits(self.ctx)
        except WuyeError as exc:
            self.report(exc)
            return
        t = self.query_one("#permits-table", DataTable)
        t.clear()
        for p in self._permits:
            t.add_row(str(p.permit_id), p.unit, p.company, p.foreman, p.start_date.isoformat(),
                      p.end_date.isoformat(), str(p.passes), key=str(p.permit_id))
        self.query_one("#permits-title", Static).update(
            _("Active renovation permits: {n}").format(n=len(self._permits)) if self._permits
            else _("No active renovation permits"))

    def _current_permit(self):  # type: ignore[no-untyped-def]
        t = self.query_one("#permits-table", DataTable)
        if not self._permits or t.cursor_row is None or not 0 <= t.cursor_row < len(self._permits):
            return None
        return self._permits[t.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:

        event.stop()
        p = self._current_permit()
        if p is None:
            return
        try:
            passes = gate_passes.passes_of(self.ctx, p.permit_id)
        except WuyeError as exc:
            self.report(exc)
            return
        numbers = ", ".join(f"{x.number} {x.worker}".strip() for x in passes)
        self._msg(_("Permit No. {id} ({unit}, {company}) passes: {numbers}").format(
            id=p.permit_id, unit=p.unit, company=p.company, numbers=numbers))

    def action_revoke(self) -> None:


        if not allowed(self.ctx.actor, OFFICE):
            return
        p = self._current_permit()
        if p is None:
            self._msg(_("No permit is selected"), "-error")
            return
        subject = _("Permit No. {id}: {unit}, {company}, foreman {foreman}, {start} to {end}, {n} passes.\n"
                    "Its passes will be refused at the gate.").format(
            id=p.permit_id, unit=p.unit, company=p.company, foreman=p.foreman, start=p.start_date.isoformat(),
            end=p.end_date.isoformat(), n=p.passes)

        def act(reason: str) -> str:
            gate_passes.revoke_permit(self.ctx, p.permit_id, reason)
            return _("Permit No. {id} revoked: its passes are refused at the gate").format(id=p.permit_id)

        def done(text: str | None) -> None:
            if text:
                self.load_permits()
                self._msg(text)

        self.app.push_screen(ReasonDialog(_("Revoke a renovation permit"), subject, act), done)

    def _msg(self, text: str, cls: str = "") -> None:
        msg = self.query_one("#gate-msg", Static)
        msg.set_classes(cls)
        msg.update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "in-slip":
            self._slip_shown = ""

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "in-pass":
            self.check_pass(event.value)
        elif event.input.id == "in-slip":
            if self._slip_shown and self._slip_shown == event.value.strip():
                self.action_use_slip()
            else:
                self.show_slip(event.value)
        elif event.input.id == "in-items":
            self.action_no_slip()

    def _box(self, box_id: str, text: str, ok: bool) -> None:
        box = self.query_one(box_id, Static)
        box.set_classes("gate-result " + ("-ok" if ok else "-bad"))
        box.update(text)

    def check_pass(self, number: str) -> None:
        """A pass at the gate: checked and recorded in a worker (``run_db``)."""
        if not number.strip():
            return
        self.run_db(gate_passes.check_pass, self.ctx, number, on_done=self._pass_checked,
                    on_error=lambda exc: self._box("#pass-result", exc.message, False))

    def _pass_checked(self, r) -> None:  # type: ignore[no-untyped-def]
        who = " ".join(x for x in (r.worker, r.company, r.unit) if x)
        self._box("#pass-result", f"{r.number}  {_('ENTRY OK') if r.ok else _('REFUSED')}\n{r.message}\n{who}", r.ok)
        self.query_one("#in-pass", Input).value = ""

    def show_slip(self, number: str) -> None:

        try:
            view = gate_slips.show_slip(self.ctx, number)
        except WuyeError as exc:
            self._slip_shown = ""
            if isinstance(exc, ValidationError) and exc.message != _("Unknown slip number"):
                self._box("#slip-result", str(exc.message), False)
                return
            self.action_use_slip(number)  # unknown: refused and recorded
            return
        items = gate_slips.items_text(view.items)
        if view.problem:  # used, expired or not yet valid: refused and recorded at once
            self.action_use_slip(number)
            return
        self._slip_shown = number.strip()
        self._box("#slip-result", _("{number} {unit}: {items}\nApproved by {who}. Check the items; Enter or F5 "
                                    "lets them out.").format(number=view.number, unit=view.unit, items=items,
                                                            who=view.approved_by or "-"), True)

    def action_use_slip(self, number: str | None = None) -> None:

        number = number or self.query_one("#in-slip", Input).value
        if not number.strip():
            return
        self.run_db(gate_slips.use_slip, self.ctx, number, on_done=self._slip_used,
                    on_error=lambda exc: self._box("#slip-result", exc.message, False))

    def _slip_used(self, view) -> None:  # type: ignore[no-untyped-def]
        self._slip_shown = ""
        if view.problem:
            self._box("#slip-result", _("REFUSED (recorded): {why}").format(why=view.problem), False)
        else:
            self._box("#slip-result", _("Slip {number} used: {items}").format(
                number=view.number, items=gate_slips.items_text(view.items)), True)
            self.query_one("#in-slip", Input).value = ""

    def action_no_slip(self) -> None:

        field = self.query_one("#field-items", FormField)

        def refused(exc: WuyeError) -> None:
            if isinstance(exc, ValidationError):
                field.show_error(exc.message)
                field.input.focus()
            else:
                self.report(exc)

        def done(_result: object) -> None:
            field.set_value("")
            self.query_one("#gate-msg", Static).update(_("Items without a slip refused and recorded"))

        self.run_db(gate_slips.refuse_without_slip, self.ctx, field.raw, on_done=done, on_error=refused)

    def action_issue_permit(self) -> None:

        self.app.push_screen(PermitDialog(), self._issued)

    def action_issue_slip(self) -> None:

        self.app.push_screen(SlipDialog(), self._issued)

    def action_prereg(self) -> None:

        self.app.push_screen(PreregDialog(), self._issued)

    def _issued(self, text: str | None) -> None:
        if text:
            self.load_permits()
            self._msg(text)
