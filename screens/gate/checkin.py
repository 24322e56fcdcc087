"""Visitor check-in (访客登记), built for few keystrokes.

The look-up field is focused first:
- 6 digits of a valid pre-registration code fill the form at once; Enter saves.
- Anything else (name, pinyin initials, phone or ID number prefix) lists past visitors,
  latest first; Up/Down pick, Enter fills the form from that visitor's latest visit and a
  second Enter (or F2) saves.
Every field validates when left; F2 saves only when all are valid. ID numbers are shown
masked once entered. F4 records a refusal; F8 opens the on-site board.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.gate import prereg as gate_prereg
from wuye_tui.services.gate import visits as gate_visits
from wuye_tui.services.gate.common import (
    WatchListHit,
    approval_options,
    choice_hint,
    id_type_options,
    parse_approval,
    parse_headcount,
    parse_id_type,
    parse_purpose,
    parse_stay_hours,
    purpose_options,
)
from wuye_tui.services.gate.visits import resolve_unit
from wuye_tui.validators import validate_name, validate_phone, validate_plate

from ..base import WuyeScreen
from ..dialogs.pin import SupervisorPinDialog
from ..widgets.form import FormField
from ..widgets.id_field import IdNumberField
from ..widgets.unit_picker import UnitPicker
from .ask import KeyChoiceDialog
from .devices import CheckInDevices
from .message import GateMessage
from .onsite import OnSiteScreen
from .refusals import RefusalsScreen
from .refuse import RefuseDialog

FIELDS = ("name", "id_type", "id_number", "phone", "headcount", "unit", "approval", "purpose", "plate", "stay")


class CheckInScreen(GateMessage, CheckInDevices, WuyeScreen):
    CSS_PATH = "gate.tcss"
    BINDINGS = [
        Binding("f2", "save", N_("Save check-in"), id="save", priority=True),
        Binding("f3", "clear", N_("Clear"), id="clear"),
        Binding("f4", "refuse", N_("Refuse entry"), id="refuse"),
        Binding("f8", "onsite", N_("On site now"), id="onsite"),
        Binding("f7", "refusals", N_("Refusals"), id="refusals"),
        Binding("down", "pick(1)", N_("Next match"), id="next", show=False),
        Binding("up", "pick(-1)", N_("Previous match"), id="prev", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._hits: list[Any] = []
        self._pick = 0
        self._filled = False  # the form holds a returning or pre-registered visitor
        self._prereg = ""
        self._replace: int | None = None  # the earlier open visit to check out on saving
        self._allow_dup = None  # the supervisor who allowed a second open visit

    # ---- layout -------------------------------------------------------------------

    def compose_body(self) -> ComposeResult:

        opts = {"id_type": id_type_options(), "approval": approval_options(), "purpose": purpose_options()}

        def label_of(name: str):  # type: ignore[no-untyped-def]
            labels = dict(opts[name])
            return lambda code: labels.get(code, code)

        self._legends = {name: f"{title}: {choice_hint(o)}" for name, title, o in (
            ("id_type", _("ID type"), opts["id_type"]), ("approval", _("Approval"), opts["approval"]),
            ("purpose", _("Purpose"), opts["purpose"]))}
        with Vertical(id="gate-body"):
            yield Static(_("Visitor check-in"), classes="title")
            # one column of one-line fields that scrolls: at 80x24 the message line and
            # the legend below it stay in view
            with VerticalScroll(id="gate-form"):
                yield FormField(_("Look up"), "lookup", compact=True, max_length=60,
                                placeholder=_("code, name, pinyin, phone or ID"))
                yield Static("", id="matches")
                yield FormField(_("Name"), "name", lambda v: validate_name(v), required=True, max_length=30,
                                compact=True)
                yield FormField(_("ID type"), "id_type", self._check_id_type, value=id_type_options()[0][1],
                                compact=True, required=True, display=label_of("id_type"))
                yield IdNumberField(_("ID number"), self._id_type_for_check, self._today, compact=True)
                yield FormField(_("Phone"), "phone", lambda v: validate_phone(v), max_length=20, compact=True)
                yield FormField(_("Headcount"), "headcount", self._check_headcount, value="1", max_length=2,
                                compact=True, required=True)
                yield UnitPicker(_("Host unit"), "unit", required=True, compact=True)
                yield FormField(_("Approval"), "approval", self._check_approval, compact=True, required=True,
                                display=label_of("approval"), placeholder=_("digit, see below"))
                yield FormField(_("Purpose"), "purpose", self._check_purpose, value=purpose_options()[0][1],
                                compact=True, required=True, display=label_of("purpose"))
                yield FormField(_("Plate"), "plate", lambda v: validate_plate(v), max_length=12, compact=True)
                yield FormField(_("Stay (hours)"), "stay", self._check_stay, max_length=4, compact=True,
                                placeholder=_("default by purpose"))
            yield Static("", id="gate-msg")
            yield Static(self._keys_legend(), classes="gate-legend", id="gate-legend")

    def _keys_legend(self) -> str:
        return _("* required  Tab/Enter next field  F2 save  F3 clear  F4 refuse  F8 on site")

    def on_descendant_focus(self, event) -> None:  # type: ignore[no-untyped-def]
        """The legend under the form explains the field being typed in (its choices)."""
        name = (getattr(event.widget, "id", "") or "").removeprefix("in-")
        try:
            legend = self.query_one("#gate-legend", Static)
        except Exception:
            return
        legend.update(Text(self._legends.get(name, self._keys_legend())))

    def on_mount(self) -> None:
        self.field("lookup").input.focus()

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    # ---- field checks ---------------------------------------------------------------

    def _check_id_type(self, v: str) -> str:

        return parse_id_type(v)

    def _check_approval(self, v: str) -> str:

        code = parse_approval(v)
        if code == "prereg" and not self._prereg:
            raise ValidationError("approval", _("Pre-registration needs the code: type it in the look-up"))
        return code

    def _check_purpose(self, v: str) -> str:

        return parse_purpose(v)

    def _check_headcount(self, v: str) -> int:

        return parse_headcount(v)

    def _check_stay(self, v: str) -> float | None:

        return parse_stay_hours(v)

    def _check_unit(self, v: str) -> str:

        return resolve_unit(self.ctx, v).code

    def _id_type_for_check(self) -> str:

        try:
            return parse_id_type(self.field("id_type").raw or "1")
        except ValidationError:
            return "resident_id"

    def _today(self):  # type: ignore[no-untyped-def]
        return self.ctx.local(self.ctx.now()).date()

    def _id_field(self) -> IdNumberField:
        return self.query_one("#field-id_number", IdNumberField)

    # ---- events ----------------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("in-name", "in-id_number", "in-unit"):
            self._replace, self._allow_dup = None, None  # another person: ask again
        if event.input.id == "in-lookup":
            self._lookup(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._scanned(event):
            return
        if event.input.id == "in-lookup":
            if self._filled:
                self.action_save()
            elif self._hits:
                self._fill_from_hit()
            elif event.value.strip():
                self.message(_("No past visitor matches: fill in the form"), "-warn")
                self.field("name").input.focus()
            return
        if self._filled and event.input.id == "in-approval":
            self.action_save()
            return
        self.focus_next()

    def _scanned(self, event: Input.Submitted) -> bool:
        """A pre-registration read by a keyboard-wedge scanner into any field (its text,
        then Enter): the field gets back what it held, the code fills the form, or the
        message says at once why the code cannot be used (unknown, used, expired)."""

        name = (event.input.id or "").removeprefix("in-")
        if name == "lookup" and self._filled:
            return False  # the look-up's own code: Enter saves
        scan = gate_prereg.scanned_code(event.value, digits_too=name not in ("plate", "lookup"))
        if scan is None:
            return False
        before, code = scan
        field = self.field(name)
        with event.input.prevent(Input.Changed):
            event.input.value = before
        try:
            form = gate_prereg.form_from_prereg(self.ctx, code)
        except WuyeError as exc:
            text = _("Code {code}: {why}").format(code=code, why=exc.message)
            self.query_one("#matches", Static).update(Text(text))
            self.message(text, "-error")
            field.input.focus()
            return True
        self._fill(form)
        self._prereg, self._filled = code, True
        with self.field("lookup").input.prevent(Input.Changed):
            self.field("lookup").set_value(code)
        text = _("Pre-registered: {name} for {unit}. Enter saves.").format(name=form["name"], unit=form["unit"])
        self.query_one("#matches", Static).update(Text(text))
        self.message(text)
        self.field("lookup").input.focus()
        return True

    def _lookup(self, text: str) -> None:

        if self._filled or self._prereg:
            self.message("")  # a new visitor: the last one's message is stale
        self._filled, self._prereg, self._hits, self._pick = False, "", [], 0
        key = text.strip()
        matches = self.query_one("#matches", Static)
        if not key:
            matches.update("")
            return
        if key.isdigit() and len(key) == 6:
            try:
                form = gate_prereg.form_from_prereg(self.ctx, key)
            except ValidationError as exc:
                matches.update(Text(exc.message))
                self.message(_("Code {code}: {why}").format(code=key, why=exc.message), "-error")
            else:
                self._fill(form)
                self._prereg = key
                self._filled = True
                matches.update(_("Pre-registered: {name} for {unit}. Enter saves.").format(
                    name=form["name"], unit=form["unit"]))
                return
        try:
            self._hits = gate_visits.find_visitors(self.ctx, key)
        except WuyeError as exc:
            matches.update(exc.message)
            return
        self._show_hits()

    def _show_hits(self) -> None:
        lines = []
        for i, h in enumerate(self._hits):
            mark = ">" if i == self._pick else " "
            seen = self.ctx.local(h.last_seen_at)
            lines.append(f"{mark} {h.name}  {h.id_masked}  {h.phone_masked}  {seen:%m-%d %H:%M}  x{h.visits}")
        if not lines and not self.field("lookup").raw.strip().isdigit():
            lines = [_("No past visitor matches")]
        self.query_one("#matches", Static).update("\n".join(lines))

    def action_pick(self, step: int) -> None:
        if self.focused is self.field("lookup").input and self._hits and not self._filled:
            self._pick = (self._pick + step) % len(self._hits)
            self._show_hits()
        else:
            self.focus_next() if step > 0 else self.focus_previous()

    def _fill_from_hit(self) -> None:

        hit = self._hits[self._pick]
        if hit.last_visit_id is None:
            return
        try:
            form = gate_visits.form_from_visit(self.ctx, hit.last_visit_id)
        except WuyeError as exc:
            self.report(exc)
            return
        self._fill(form)
        self._filled = True
        self.query_one("#matches", Static).update(Text(
            _("Returning visitor {name}: type how the host agreed (approval), then Enter or F2 saves.").format(
                name=hit.name)))
        self.field("approval").input.focus()

    def _fill(self, form: dict[str, str]) -> None:

        labels = {"id_type": dict(id_type_options()), "approval": dict(approval_options()),
                  "purpose": dict(purpose_options())}
        for name in FIELDS:
            value = form.get(name, "")
            if name in labels:
                value = labels[name].get(value, value)
            self.field(name).set_value(value)

    # ---- actions ----------------------------------------------------------------------

    def collect(self) -> dict[str, Any] | None:
        """Validate every field (each shows its own message); None if any is bad."""
        raw: dict[str, Any] = {}
        first_bad = None
        for name in FIELDS:
            f = self.field(name)
            try:
                f.validate_now()
            except ValidationError:
                first_bad = first_bad or f
            raw[name] = self._id_field().full() if name == "id_number" else f.raw
        if first_bad is not None:
            first_bad.input.focus()
            self.message(_("Not saved: correct the fields marked in red"), "-error")
            return None
        raw["prereg_code"] = self._prereg
        return raw

    def action_save(self, override=None) -> None:  # type: ignore[no-untyped-def]
        """Validate here, write in a worker (``run_db``): the screen stays live while the
        database is slow, and the form is cleared only once the visit is committed."""
        raw = self.collect()
        if raw is None:
            return
        self.run_db(gate_visits.check_in, self.ctx, raw, override=override, replace=self._replace,
                    allow_duplicate=self._allow_dup, on_done=self._checked_in,
                    on_error=lambda exc: self._check_in_refused(exc, override))

    def _checked_in(self, visit) -> None:  # type: ignore[no-untyped-def]
        self.action_clear()
        self.message(_("Checked in: {name} (No. {id}) at {time}").format(
            name=visit.name, id=visit.id, time=f"{self.ctx.local(visit.checked_in_at):%H:%M}"))
        self.visit_saved(visit)  # devices: F12 prints its slip; auto-print

    def _check_in_refused(self, exc, override) -> None:  # type: ignore[no-untyped-def]
        if isinstance(exc, gate_visits.AlreadyOnSite):
            self.message(exc.message, "-warn")
            self._ask_duplicate(exc, override)
        elif isinstance(exc, WatchListHit):
            self.message(exc.message, "-warn")
            self._ask_override(exc.message)
        else:
            self.report(exc)
            self.message(exc.message, "-error")

    def _ask_duplicate(self, exc, override) -> None:  # type: ignore[no-untyped-def]
        """The same person is still on site: check that visit out, or a supervisor allows it."""

        earlier = exc.visit_id

        def pinned(supervisor) -> None:  # type: ignore[no-untyped-def]
            if supervisor is not None:
                self._allow_dup = supervisor
                self.action_save(override=override)

        def done(answer) -> None:  # type: ignore[no-untyped-def]
            if answer == "replace":
                self._replace = earlier
                self.action_save(override=override)
            elif answer == "allow":
                self.app.push_screen(SupervisorPinDialog(_("A second visit while the first is open needs a "
                                                           "supervisor PIN")), pinned)

        self.app.push_screen(KeyChoiceDialog(
            _("Already on site: {name}").format(name=exc.name), [exc.message],
            [("c", _("Check the earlier visit out, then check in"), "replace"),
             ("s", _("Supervisor allows a second visit"), "allow")]), done)

    def _ask_override(self, reason: str) -> None:

        def done(supervisor) -> None:  # type: ignore[no-untyped-def]
            if supervisor is not None:
                self.action_save(override=supervisor)

        self.app.push_screen(SupervisorPinDialog(reason), done)

    def action_clear(self) -> None:

        self._hits, self._pick, self._filled, self._prereg = [], 0, False, ""
        self._replace, self._allow_dup = None, None
        defaults = {"id_type": id_type_options()[0][1],  # approval: asked every visit, never preset
                    "purpose": purpose_options()[0][1], "headcount": "1"}
        for name in ("lookup", *FIELDS):
            self.field(name).set_value(defaults.get(name, ""))
        self.query_one("#matches", Static).update("")
        self.message("")  # no stale message about the previous visitor
        self.field("lookup").input.focus()

    def action_refuse(self) -> None:

        prefill = {n: self.field(n).raw for n in ("name", "phone", "unit", "plate")}
        prefill["id_number"] = self._id_field().full()

        def done(row) -> None:  # type: ignore[no-untyped-def]
            if row is not None:
                self.action_clear()
                self.message(_("Refusal recorded (No. {id})").format(id=row.id), "-warn")

        self.app.push_screen(RefuseDialog(prefill), done)

    def action_refusals(self) -> None:

        self.app.push_screen(RefusalsScreen())

    def action_onsite(self) -> None:

        self.app.push_screen(OnSiteScreen())
