"""One complaint: its record, the whole timeline, and only the steps legal now (the
footer shows nothing else). Each step opens a small dialog; the service validates."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import N_, _

from ..base import WuyeScreen
from .step_dialog import StepDialog

ACTIONS = {  # action name -> step name of complaint_workflow.next_steps
    "dispatch": "dispatch", "start": "start", "reply": "reply", "defer": "defer", "confirm": "confirm",
    "contact_failed": "contact_failed", "archive": "archive", "archive_unconfirmed": "archive_unconfirmed",
    "note": "note", "correct": "correct",
}


class ComplaintDetailScreen(WuyeScreen):
    CSS_PATH = str(Path(__file__).with_name("complaints.tcss"))
    BINDINGS = [
        Binding("d", "dispatch", N_("Dispatch"), id="dispatch"),
        Binding("s", "start", N_("Start work"), id="start"),
        Binding("r", "reply", N_("Reply"), id="reply"),
        Binding("x", "defer", N_("Cannot solve now"), id="defer"),
        Binding("c", "confirm", N_("Customer confirms"), id="confirm"),
        Binding("f", "contact_failed", N_("Not reached"), id="contact-failed"),
        Binding("a", "archive", N_("Archive"), id="archive"),
        Binding("u", "archive_unconfirmed", N_("Archive unconfirmed"), id="archive-unconfirmed"),
        Binding("n", "note", N_("Note"), id="note"),
        Binding("e", "correct", N_("Correct"), id="correct"),
    ]

    def __init__(self, complaint_id: int) -> None:
        super().__init__()
        self.complaint_id = complaint_id
        self.steps: list[str] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="cp-head")
        with VerticalScroll(id="cp-timeline"):
            yield Static("", id="cp-events")

    def on_mount(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ACTIONS:
            return ACTIONS[action] in self.steps
        return True

    def reload(self) -> None:
        from wuye_tui.services import complaints
        from wuye_tui.services.complaint_common import event_label, ref_label, status_label

        try:
            d = complaints.detail(self.ctx, self.complaint_id)
        except WuyeError as exc:
            self.report(exc)
            return
        c = d.complaint
        self.steps = d.next_steps
        fmt = "%Y-%m-%d %H:%M"
        due = self.ctx.local(c.due_at).strftime(fmt)
        if d.overdue:
            due = f"[b $error]{due} {_('OVERDUE')}[/]"
        head = [
            f"[b]#{c.id}[/b]  {status_label(c.status)}  {ref_label('category', c.category)}"
            + (f"  [b $warning]{_('MAJOR')} {ref_label('major_type', c.major_type)}[/]" if c.is_major else ""),
            _("Unit: {unit}  Caller: {caller}  Phone: {phone}").format(unit=d.unit_code or "-", caller=c.caller,
                                                                      phone=c.phone or "-"),
            _("Channel: {ch}  Cause: {cause}  Department: {dept}").format(
                ch=ref_label("channel", c.channel), cause=ref_label("cause", c.cause),
                dept=ref_label("department", c.department)),
            _("Received: {at}  Reply due: {due}").format(at=self.ctx.local(c.received_at).strftime(fmt), due=due),
            _("Location: {loc}").format(loc=c.location or "-"),
            c.description,
        ]
        if c.escalation_id:
            head.append(_("Escalation #{id}").format(id=c.escalation_id))
        self.query_one("#cp-head", Static).update("\n".join(head))
        lines = []
        for ev, who in d.events:
            extra = []
            if ev.department and ev.kind == "dispatched":
                extra.append(ref_label("department", ev.department))
            if ev.satisfaction:
                extra.append(ref_label("satisfaction", ev.satisfaction))
            if ev.next_reply_at:
                extra.append(_("next reply {t}").format(t=self.ctx.local(ev.next_reply_at).strftime(fmt)))
            if ev.corrects_event_id:
                extra.append(_("corrects event #{id}").format(id=ev.corrects_event_id))
            tail = f"（{'，'.join(extra)}）" if extra else ""
            note = f"：{ev.note}" if ev.note else ""
            lines.append(f"[dim]#{ev.id}[/dim] {self.ctx.local(ev.at).strftime(fmt)}  {who}  "
                         f"[b]{event_label(ev.kind)}[/b]{tail}{note}")
        self.query_one("#cp-events", Static).update("\n".join(lines))
        self.refresh_bindings()

    # ---- steps ------------------------------------------------------------------------

    def _ask(self, title: str, fields: list[tuple[str, str, str]], run, hint: str = "") -> None:  # type: ignore[no-untyped-def]
        def done(values) -> None:  # type: ignore[no-untyped-def]
            if values is not None:
                self.notify(_("Saved"))
            self.reload()

        self.app.push_screen(StepDialog(title, fields, hint, submit=run), done)

    def action_dispatch(self) -> None:
        from wuye_tui.services import complaint_workflow as wf

        from .entry import choice_text

        self._ask(_("Dispatch to a department"), [("department", _("Department (empty: default)"), ""),
                                                  ("note", _("Note"), "")],
                  lambda v: wf.dispatch(self.ctx, self.complaint_id, v["department"], v["note"]),
                  choice_text("department"))

    def action_start(self) -> None:
        from wuye_tui.services import complaint_workflow as wf

        self._ask(_("Work started"), [("note", _("Note"), "")],
                  lambda v: wf.start(self.ctx, self.complaint_id, v["note"]))

    def action_reply(self) -> None:
        from wuye_tui.services import complaint_workflow as wf

        self._ask(_("Reply to the customer"), [("reply", _("What was done and the result"), "")],
                  lambda v: wf.reply(self.ctx, self.complaint_id, v["reply"]))

    def action_defer(self) -> None:
        from wuye_tui.services import complaint_workflow as wf

        self._ask(_("Cannot be solved now"), [("explanation", _("Explanation given to the customer"), ""),
                                              ("next_reply", _("Next reply (YYYY-MM-DD HH:MM)"), "")],
                  lambda v: wf.defer(self.ctx, self.complaint_id, v["explanation"], v["next_reply"]))

    def action_confirm(self) -> None:
        from wuye_tui.reference import load_reference
        from wuye_tui.services import complaint_workflow as wf

        hint = "  ".join(f"[b]{i}[/b] {s.label}" for i, s in enumerate(load_reference().satisfactions, 1))
        self._ask(_("Customer's confirmation"), [("satisfaction", _("Satisfaction"), ""), ("note", _("Note"), "")],
                  lambda v: wf.confirm(self.ctx, self.complaint_id, v["satisfaction"], v["note"]), hint)

    def action_contact_failed(self) -> None:
        from wuye_tui.services import complaint_workflow as wf

        self._ask(_("Customer could not be reached"), [("note", _("Note"), "")],
                  lambda v: wf.contact_failed(self.ctx, self.complaint_id, v["note"]))

    def action_archive(self) -> None:
        from wuye_tui.services import complaint_workflow as wf

        self._ask(_("Archive"), [("note", _("Note"), "")],
                  lambda v: wf.archive(self.ctx, self.complaint_id, v["note"]))

    def action_archive_unconfirmed(self) -> None:
        from wuye_tui.services import complaint_workflow as wf

        self._ask(_("Archive without confirmation"), [("reason", _("Reason (recorded)"), "")],
                  lambda v: wf.archive_unconfirmed(self.ctx, self.complaint_id, v["reason"]))

    def action_note(self) -> None:
        from wuye_tui.services import complaint_workflow as wf

        self._ask(_("Note"), [("note", _("Note"), "")], lambda v: wf.add_note(self.ctx, self.complaint_id, v["note"]))

    def action_correct(self) -> None:
        from wuye_tui.services import complaint_workflow as wf
        from wuye_tui.validators import validate_int

        self._ask(_("Correction"), [("event", _("Event number being corrected"), ""), ("note", _("Correction"), "")],
                  lambda v: wf.correct(self.ctx, self.complaint_id,
                                       validate_int(v["event"], "event", 1), v["note"]))
