"""Office dialogs: issue a renovation permit (with numbered passes) and a release slip.
Each returns a one-line summary, or None when cancelled."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.gate import passes as gate_passes
from wuye_tui.services.gate import prereg as gate_prereg
from wuye_tui.services.gate import slips as gate_slips

from ..widgets.form import FormField, show_at_field
from ..widgets.unit_picker import UnitPicker
from .devices import after_permit_issued, after_slip_issued, show_prereg_qr


class _IssueDialog(ModalScreen[str | None]):
    CSS_PATH = "gate.tcss"
    BINDINGS = [
        Binding("escape", "cancel", N_("Cancel"), id="cancel"),
        Binding("f2", "save", N_("Issue"), id="save", priority=True),
    ]
    DEFAULT_CSS = """
    _IssueDialog { align: center middle; }
    _IssueDialog > Vertical { width: 100; max-width: 100%; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    _IssueDialog .issue-error { color: $error; height: auto; }
    """
    TITLE_ID = ""
    FIELDS: tuple[tuple[str, str], ...] = ()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(_(self.TITLE_ID), classes="title")
            for name, label in self.FIELDS:
                if name == "unit":
                    yield UnitPicker(_(label), name, required=True, compact=True)
                else:
                    yield FormField(_(label), name, max_length=200, compact=True)
            yield Static(_("F2 issues; Esc cancels."), classes="gate-legend")
            yield Static("", classes="issue-error", id="issue-error")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#in-{name}", Input).value for name, _label in self.FIELDS}

    def issue(self, v: dict[str, str]) -> str:
        raise NotImplementedError

    def action_save(self) -> None:
        try:
            text = self.issue(self.values())
        except WuyeError as exc:
            if not show_at_field(self, exc):
                self.query_one("#issue-error", Static).update(exc.message)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PermitDialog(_IssueDialog):
    TITLE_ID = N_("Issue a renovation permit")
    FIELDS = (("unit", N_("Unit")), ("company", N_("Company")), ("foreman", N_("Foreman")), ("phone", N_("Phone")),
              ("start", N_("From date")), ("end", N_("To date")), ("workers", N_("Workers")))

    def issue(self, v: dict[str, str]) -> str:

        _permit, numbers = gate_passes.issue_permit(self.app.ctx, v["unit"], v["company"], v["foreman"],  # type: ignore[attr-defined]
                                                    v["phone"], v["start"], v["end"], v["workers"])

        after_permit_issued(self, numbers)  # auto_print_pass
        return _("Permit issued; passes: {numbers}").format(numbers=", ".join(numbers))


class SlipDialog(_IssueDialog):
    TITLE_ID = N_("Issue a release slip")
    FIELDS = (("unit", N_("Unit")), ("items", N_("Items")), ("reason", N_("Reason")), ("valid_on", N_("Valid on")),
              ("approved_by", N_("Approved by")))

    def issue(self, v: dict[str, str]) -> str:

        slip = gate_slips.issue_slip(self.app.ctx, v["unit"], v["items"], v["reason"], v["valid_on"] or None,  # type: ignore[attr-defined]
                                     v["approved_by"])

        after_slip_issued(self, gate_slips.slip_number(slip.id))  # type: ignore[arg-type]  # auto_print_release
        return _("Release slip No. {number} issued").format(number=gate_slips.slip_number(slip.id))  # type: ignore[arg-type]


class PreregDialog(_IssueDialog):
    TITLE_ID = N_("Pre-register a visitor")
    FIELDS = (("unit", N_("Unit")), ("name", N_("Name")), ("phone", N_("Phone")), ("valid_hours", N_("Valid hours")))

    def issue(self, v: dict[str, str]) -> str:

        pre = gate_prereg.create_prereg(self.app.ctx, v["unit"], v["name"], v["phone"], v["valid_hours"] or None)  # type: ignore[attr-defined]

        self.app.call_later(show_prereg_qr, self.app, pre.code, pre.name)  # the QR, once this dialog is closed
        return _("Pre-registration code for {name}: {code}").format(name=pre.name, code=pre.code)
