"""One complaint: its record, the whole timeline, and only the steps legal now (the
footer shows nothing else). Each step opens a small dialog; the service validates.

Beside the workflow steps of complaint_workflow.next_steps the screen offers the written
reply letter (once there is a reply or an explanation to put in it) and, to front-desk
staff, archiving without confirmation once the configured number of failed contact
attempts is reached: a supervisor then gives their name and PIN and the archive is
recorded as theirs, with their reason."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from screens.dialogs.pin import SupervisorPinDialog
from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.exports import letters
from wuye_tui.i18n import N_, _
from wuye_tui.reference import load_reference
from wuye_tui.services.complaints import collective as coll
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.complaints import workflow as wf
from wuye_tui.services.complaints.common import event_label, ref_label, status_label
from wuye_tui.services.complaints.workflow import failed_contacts_needed, unconfirmed_archive_due
from wuye_tui.services.core.permissions import OFFICE, SUPERVISORS, allowed
from wuye_tui.textsafe import escape_markup as esc
from wuye_tui.validators import clean_text, validate_int

from ..base import WuyeScreen
from .entry import choice_text
from .field_dialog import Field, FieldDialog
from .letter import LetterDialog
from .step_dialog import StepDialog

ACTIONS = {  # action name -> step name of complaint_workflow.next_steps
    "dispatch": "dispatch", "start": "start", "reply": "reply", "defer": "defer", "confirm": "confirm",
    "contact_failed": "contact_failed", "archive": "archive", "archive_unconfirmed": "archive_unconfirmed",
    "note": "note", "correct": "correct", "letter": "letter", "validity": "validity",
    "print_letter": "letter",
}
LETTER_EVENTS = ("replied", "deferred")  # what complaint_letters.reply_letter needs


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
        Binding("l", "letter", N_("Reply letter"), id="letter"),
        Binding("p", "print_letter", N_("Print letter"), id="print-letter"),
        Binding("v", "validity", N_("Valid/invalid"), id="validity"),
        Binding("g", "link", N_("Link to collective"), id="collective-link"),
        Binding("o", "unlink", N_("Out of collective"), id="collective-unlink"),
    ]

    def __init__(self, complaint_id: int) -> None:
        super().__init__()
        self.complaint_id = complaint_id
        self.steps: list[str] = []
        self.complaint = None  # the record as last loaded
        self.pin_archive = False  # archive without confirmation needs a supervisor's PIN
        self.collective = False  # its escalation is a collective complaint

    def compose_body(self) -> ComposeResult:
        yield Static("", id="cp-head")
        yield Static("", id="cp-info")
        with VerticalScroll(id="cp-timeline"):
            yield Static("", id="cp-events")

    def on_mount(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "archive":  # offered until archived: when it cannot be done yet, it says why
            c = self.complaint
            return c is not None and c.status != "archived"
        if action in ("link", "unlink"):
            return self._collective_action() == action
        if action in ACTIONS:
            return ACTIONS[action] in self.steps
        return True

    def _collective_action(self) -> str:
        """"link" for a supervisor on a complaint outside any escalation, "unlink" on one in a
        collective complaint, "" otherwise."""

        c = self.complaint
        if c is None or c.major_type or c.status == "archived" or not allowed(self.ctx.actor, SUPERVISORS):
            return ""
        if c.escalation_id is None:
            return "link"
        return "unlink" if self.collective else ""

    def _offered(self, c, steps: list[str], event_kinds: list[str]) -> list[str]:  # type: ignore[no-untyped-def]
        """The service's legal steps, plus the letter and, for the front desk, the archive a
        supervisor approves with their PIN."""

        offered = list(steps)
        self.pin_archive = False
        if ("archive_unconfirmed" not in offered and allowed(self.ctx.actor, OFFICE)
                and unconfirmed_archive_due(c)):
            offered.append("archive_unconfirmed")
            self.pin_archive = True
        if any(kind in LETTER_EVENTS for kind in event_kinds):
            offered.append("letter")
        return offered

    def reload(self) -> None:

        try:
            d = complaints.detail(self.ctx, self.complaint_id)
        except WuyeError as exc:
            self.report(exc)
            return
        c = d.complaint
        self.complaint = c
        self.collective = d.escalation is not None and d.escalation.major_type == "collective_complaint"
        self.steps = self._offered(c, d.next_steps, [ev.kind for ev, _who in d.events])
        fmt = "%Y-%m-%d %H:%M"
        due = self.ctx.local(c.due_at).strftime(fmt)
        if d.overdue:
            due = f"[b $error]{due} {esc(_('OVERDUE'))}[/]"
        if c.validity_decided_at is None:
            validity = _("Validity not yet judged")
        else:
            validity = _("Valid complaint") if c.valid else _("Not a valid complaint")
        # Markup: every value is escaped (user text is never markup); the templates are ours.
        head = [
            f"[b]#{c.id}[/b]  {esc(status_label(c.status))}  {esc(ref_label('category', c.category))}"
            + (f"  [b $warning]{esc(_('MAJOR'))} {esc(ref_label('major_type', c.major_type))}[/]"
               if c.is_major else "")
            + f"  {esc(validity)}",
            esc(_("Unit: {unit}  Caller: {caller}  Phone: {phone}").format(unit=d.unit_code or "-", caller=c.caller,
                                                                          phone=c.phone or "-")),
            esc(_("Channel: {ch}  Cause: {cause}  Department: {dept}").format(
                ch=ref_label("channel", c.channel), cause=ref_label("cause", c.cause),
                dept=ref_label("department", c.department))),
            _("Received: {at}  Reply due: {due}").format(at=self.ctx.local(c.received_at).strftime(fmt), due=due),
            esc(_("Location: {loc}").format(loc=c.location or "-")),
            esc(c.description),
        ]
        if c.status == "replied" and c.contact_failures:

            head.append(esc(_("Customer not reached {n} times ({m} allow archiving without confirmation)").format(
                n=c.contact_failures, m=failed_contacts_needed())))
        if d.escalation is not None:
            state = esc(d.escalation_state(self.ctx))
            head.append(f"[b $warning]{state}[/]" if d.escalation.acknowledged_at is None else state)
        elif c.escalation_id:
            head.append(esc(_("Escalation #{id}").format(id=c.escalation_id)))
        self.query_one("#cp-head", Static).update(Content.from_markup("\n".join(head)))
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
            tail = esc(f"（{'，'.join(extra)}）") if extra else ""
            note = esc(f"：{ev.note}") if ev.note else ""
            lines.append(f"[dim]#{ev.id}[/dim] {self.ctx.local(ev.at).strftime(fmt)}  {esc(who)}  "
                         f"[b]{esc(event_label(ev.kind))}[/b]{tail}{note}")
        self.query_one("#cp-events", Static).update(Content.from_markup("\n".join(lines)))
        self.refresh_bindings()

    # ---- steps ------------------------------------------------------------------------

    def _ask(self, title: str, fields: list[tuple[str, str, str]], run, hint: str = "") -> None:  # type: ignore[no-untyped-def]
        def done(values) -> None:  # type: ignore[no-untyped-def]
            if values is not None:
                self.notify(_("Saved"))
            self.reload()

        self.app.push_screen(StepDialog(title, fields, hint, submit=run), done)

    def action_dispatch(self) -> None:


        self._ask(_("Dispatch to a department"), [("department", _("Department (empty: default)"), ""),
                                                  ("note", _("Note"), "")],
                  lambda v: wf.dispatch(self.ctx, self.complaint_id, v["department"], v["note"]),
                  choice_text("department"))

    def action_start(self) -> None:

        self._ask(_("Work started"), [("note", _("Note"), "")],
                  lambda v: wf.start(self.ctx, self.complaint_id, v["note"]))

    def action_reply(self) -> None:

        self._ask(_("Reply to the customer"), [("reply", _("What was done and the result"), "")],
                  lambda v: wf.reply(self.ctx, self.complaint_id, v["reply"]))

    def action_defer(self) -> None:

        self._ask(_("Cannot be solved now"), [("explanation", _("Explanation given to the customer"), ""),
                                              ("next_reply", _("Next reply (YYYY-MM-DD HH:MM)"), "")],
                  lambda v: wf.defer(self.ctx, self.complaint_id, v["explanation"], v["next_reply"]))

    def action_confirm(self) -> None:

        hint = Content.from_markup("  ".join(f"[b]{i}[/b] {esc(s.label)}"
                                             for i, s in enumerate(load_reference().satisfactions, 1))
                                   + "\n" + esc(_("Neutral closes the complaint unless the customer wants more "
                                                  "done: then type 1 below.")))
        self._ask(_("Customer's confirmation"), [("satisfaction", _("Satisfaction"), ""),
                                                 ("reopen", _("Wants more done? (1 yes, empty no)"), ""),
                                                 ("note", _("Note"), "")],
                  lambda v: wf.confirm(self.ctx, self.complaint_id, v["satisfaction"], v["note"],
                                       reopen=_yes(v["reopen"])), hint)

    def action_contact_failed(self) -> None:

        self._ask(_("Customer could not be reached"), [("note", _("Note"), "")],
                  lambda v: wf.contact_failed(self.ctx, self.complaint_id, v["note"]))

    def action_archive(self) -> None:

        if "archive" not in self.steps and self.complaint is not None:
            why = wf.why_not_archivable(self.complaint)
            if why:
                self.notify(why, title=_("Cannot archive yet"), severity="warning", timeout=8)
                return
        self._ask(_("Archive"), [("note", _("Note"), "")],
                  lambda v: wf.archive(self.ctx, self.complaint_id, v["note"]))

    def action_archive_unconfirmed(self) -> None:
        """A supervisor archives it themselves; a front-desk operator needs one's name and
        PIN, and the archive (with the reason) is then recorded as that supervisor's."""

        if not self.pin_archive:
            self._archive_unconfirmed(self.ctx)
            return

        def approved(actor) -> None:  # type: ignore[no-untyped-def]
            if actor is not None:
                self._archive_unconfirmed(self.ctx.as_actor(actor))

        self.app.push_screen(SupervisorPinDialog(
            _("Archiving complaint #{id} without the customer's confirmation needs a supervisor").format(
                id=self.complaint_id)), approved)

    def _archive_unconfirmed(self, ctx) -> None:  # type: ignore[no-untyped-def]

        c = self.complaint
        lines = _("Supervisor: {name}").format(name=ctx.actor.name)
        if c is not None:
            lines += "  " + _("Customer not reached {n} times").format(n=c.contact_failures)
        self._ask_fields(FieldDialog(
            _("Archive without confirmation"), [Field("reason", _("Reason"), check=_reason, required=True,
                                                      hint=_("Recorded with the archive."))],
            lambda v: wf.archive_unconfirmed(ctx, self.complaint_id, v["reason"]), lines=lines, supervisor=True))

    def action_validity(self) -> None:

        valid = self.complaint is None or self.complaint.valid
        now = _("Now: counted as a valid complaint") if valid else _("Now: not a valid complaint")
        self._ask_fields(FieldDialog(
            _("Valid or invalid complaint"),
            [Field("valid", _("Valid?"), "2" if valid else "1", _validity, required=True, max_length=10,
                   hint=_("1 valid (counts in the valid-complaint rate)  2 invalid")),
             Field("reason", _("Reason"), check=_reason, required=True)],
            lambda v: wf.set_validity(self.ctx, self.complaint_id, v["valid"], v["reason"]), lines=now,
            supervisor=True))

    def action_link(self) -> None:

        try:
            running = coll.open_collectives(self.ctx, limit=9)
        except WuyeError as exc:
            self.report(exc)
            return
        if not running:
            self.notify(_("No collective complaint is open"), severity="warning")
            return
        hint = Content.from_markup("\n".join(f"[b]#{e.id}[/b] {esc(e.title)}" for e, _n in running))
        first = str(running[0][0].id) if len(running) == 1 else ""
        self._ask(_("Link to a collective complaint"),
                  [("escalation", _("Collective complaint number"), first), ("reason", _("Reason"), "")],
                  lambda v: coll.link(self.ctx, self.complaint_id, validate_int(v["escalation"], "escalation", 1),
                                      v["reason"]), hint)

    def action_unlink(self) -> None:

        self._ask(_("Take out of the collective complaint"), [("reason", _("Why it is not the same problem"), "")],
                  lambda v: coll.unlink(self.ctx, self.complaint_id, v["reason"]),
                  _("The rule will not link it again; a supervisor can link it back by hand."))

    def action_letter(self) -> None:

        def written(path) -> None:  # type: ignore[no-untyped-def]
            if path is None:
                return
            message = _("Reply letter written to {path}").format(path=path)
            info = self.query_one("#cp-info", Static)
            info.update(message)
            info.display = True
            self.notify(message, timeout=8)

        self.app.push_screen(LetterDialog(self.ctx, self.complaint_id), written)

    def action_print_letter(self) -> None:
        """Print the reply letter on the configured printer (in a thread: lp may take a while)."""

        ctx, cid = self.ctx, self.complaint_id
        self.notify(_("Printing the reply letter..."), timeout=4)

        def work() -> None:
            try:
                job = letters.print_letter(ctx, cid)
            except WuyeError as exc:
                self.app.call_from_thread(self.report, exc)
                return
            message = _("Sent {file} to {printer}: {job}").format(file=job.file, printer=job.printer, job=job.job)
            self.app.call_from_thread(self._printed, message)

        self.run_worker(work, thread=True, group="print-letter", exit_on_error=False)

    def _printed(self, message: str) -> None:
        info = self.query_one("#cp-info", Static)
        info.update(message)
        info.display = True
        self.notify(message, timeout=8)
        self.reload()

    def _ask_fields(self, dialog: FieldDialog) -> None:
        def done(result) -> None:  # type: ignore[no-untyped-def]
            if result is not None:
                self.notify(_("Saved"))
            self.reload()

        self.app.push_screen(dialog, done)

    def action_note(self) -> None:

        self._ask(_("Note"), [("note", _("Note"), "")], lambda v: wf.add_note(self.ctx, self.complaint_id, v["note"]))

    def action_correct(self) -> None:

        self._ask(_("Correction"), [("event", _("Event number being corrected"), ""), ("note", _("Correction"), "")],
                  lambda v: wf.correct(self.ctx, self.complaint_id,
                                       validate_int(v["event"], "event", 1), v["note"]))


def _reason(text: str) -> str:

    return clean_text(text, field="reason", max_len=2000, required=True, multiline=True)


def _yes(text: str) -> bool:
    value = text.strip().lower()
    if value in ("", "2", "n", "no", "否"):
        return False
    if value in ("1", "y", "yes", "是"):
        return True
    raise ValidationError("reopen", _("Type 1 (yes) or leave it empty"))


def _validity(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "y", "yes", "valid", "有效", "是"):
        return True
    if value in ("2", "n", "no", "invalid", "无效", "否"):
        return False
    raise ValidationError("valid", _("Type 1 (valid) or 2 (invalid)"))
