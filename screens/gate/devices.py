"""The gate's devices on the desks. Each desk class takes one of these as its base (in
place of WuyeScreen), so the desks' own form logic stays in their modules:

- ``CheckInDevices``: F12 prints the last check-in's visitor slip (and it prints by itself
  with the auto_print_visitor setting); the ID-card reader's bridge is listened to while
  the desk is open ("card read" fills name, ID type and number, checked as typed ones);
  a wedge reader typing an ID number into the look-up puts it in the ID field.
- ``VehicleCameras``: plate events from the cameras fill the plate at once (a resident's
  car then goes in or out with Enter; a strange one fills in the form, F2, PIN if
  watch-listed); F7 starts a visitor check-in for the car.
- ``OnSiteScans``: a slip's QR ``WUYE:VISIT:<no>`` scanned into the find box checks that
  visitor out.
- ``PassDeskPrints``: F12 prints the contractor pass typed in the pass field, else the
  release slip typed in the slip field.

Printing runs in a worker thread: the record is saved first; a printer that is off, out of
paper or hanging shows its message when the timeout ends, and the desk stays usable.
"""

from __future__ import annotations

import time
from typing import Any

from rich.markup import escape
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, Static

from wuye_tui.devices import DeviceError
from wuye_tui.devices.idcard import CardReaderServer
from wuye_tui.devices.qr import parse_scan, prereg_payload, terminal_lines
from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import N_, _
from wuye_tui.services.core.settings import load
from wuye_tui.services.devices import cameras as device_lpr
from wuye_tui.services.devices import slips as device_print
from wuye_tui.services.gate import vehicles as gate_vehicles
from wuye_tui.services.gate import visits as gate_visits
from wuye_tui.services.gate.common import id_type_options
from wuye_tui.validators import mask_id_number, validate_id_number

from ..base import WuyeScreen
from ..desks import DESKS


def _say(screen: Screen, text: str, cls: str = "") -> None:
    """The desk's message line (its ``message`` or ``_msg``), the text never read as markup."""
    say = getattr(screen, "message", None) or getattr(screen, "_msg", None)
    if say is None:
        return
    try:
        say(escape(text), cls)
    except Exception:  # noqa: BLE001  (the desk is closing)
        pass


def print_in_background(screen: Screen, kind: str, ref: object) -> None:
    """Print a slip without blocking the desk; the result is shown on the desk."""
    ctx = screen.app.ctx  # type: ignore[attr-defined]

    def job() -> None:

        try:
            doc = device_print.print_slip(ctx, kind, ref)
        except WuyeError as exc:
            screen.app.call_from_thread(_printed, screen, _("Not printed: {reason}").format(reason=str(exc)), "-error")
        except Exception as exc:  # noqa: BLE001  (never a silent failure: say what broke)
            screen.app.call_from_thread(_printed, screen, _("Not printed: {reason}").format(
                reason=f"{type(exc).__name__}: {exc}"[:120]), "-error")
        else:
            screen.app.call_from_thread(_printed, screen, _("Printed: {title}").format(title=doc.title), "")

    _say(screen, _("Printing ..."))
    screen.run_worker(job, thread=True, group="print", exit_on_error=False)


def _printed(screen: Screen, text: str, cls: str) -> None:
    _say(screen, text, cls)
    screen.app.notify(text, severity="error" if cls else "information")


def auto_print(screen: Screen, kind: str, ref: object) -> None:

    try:
        if device_print.auto_print(screen.app.ctx, kind):  # type: ignore[attr-defined]
            print_in_background(screen, kind, ref)
    except WuyeError:
        pass


# --------------------------------------------------------------------------- check-in


class CheckInDevices(WuyeScreen):
    BINDINGS = [Binding("f12", "print_slip", N_("Print slip"), id="print_slip")]

    _last_visit: int | None = None
    _reader: Any = None

    async def on_mount(self) -> None:

        address = load(self.ctx).card_reader
        if not address:
            return
        try:
            self._reader = CardReaderServer(address, self.card_read, self._card_refused,
                                            lambda: self.ctx.local(self.ctx.now()).date())
            await self._reader.start()
        except DeviceError as exc:
            self._reader = None
            self.app.notify(_("Card reader: {reason}").format(reason=str(exc)), severity="error")

    async def on_unmount(self) -> None:
        if self._reader is not None:
            await self._reader.stop()
            self._reader = None

    def visit_saved(self, visit: Any) -> None:
        """Called by the check-in desk after each check-in is saved."""
        self._last_visit = visit.id
        auto_print(self, "visitor", visit.id)

    def action_print_slip(self) -> None:
        if self._last_visit is None:
            _say(self, _("Nothing to print yet: check a visitor in first"), "-warn")
            return
        print_in_background(self, "visitor", self._last_visit)

    # ---- the card reader ------------------------------------------------------------

    def card_read(self, card: Any) -> None:

        fill = self.field  # type: ignore[attr-defined]
        fill("name").set_value(card.name)
        fill("id_type").set_value(dict(id_type_options()).get(card.id_type, card.id_type))
        self.query_one("#field-id_number").set_value(card.id_number)  # type: ignore[attr-defined]
        text = _("Card read: {name} {number}").format(name=card.name, number=mask_id_number(card.id_number))
        cls = ""
        if card.expired(self.ctx.local(self.ctx.now()).date()):
            text += " " + _("(the card has expired)")
            cls = "-warn"
        _say(self, text, cls)
        self.app.notify(text, severity="warning" if cls else "information")  # seen on small terminals too
        self.app.bell() if cls else None
        try:
            fill("unit").input.focus() if not fill("unit").raw else None
        except Exception:  # noqa: BLE001
            pass

    def _card_refused(self, message: str) -> None:
        _say(self, message, "-error")
        self.app.notify(message, severity="error")
        self.app.bell()

    def on_input_changed(self, event: Input.Changed) -> None:
        """A scanned pre-registration QR (WUYE:PRE:<code>) in the look-up becomes its code,
        which the desk's look-up then fills the form from."""
        if event.input.id != "in-lookup":
            return

        scan = parse_scan(event.value)
        if scan is not None and scan.kind == "prereg":
            event.input.value = scan.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Keyboard-wedge reader: an ID number typed into the look-up (no past visitor has
        it) goes to the ID number field."""
        if event.input.id != "in-lookup" or getattr(self, "_filled", False):
            return
        text = event.value.strip()
        if len(text) != 18 or not text[:17].isdigit():
            return

        try:
            number = validate_id_number(text, "resident_id", today=self.ctx.local(self.ctx.now()).date())
        except ValidationError:
            return
        self.query_one("#field-id_number").set_value(number)  # type: ignore[attr-defined]
        self.field("lookup").set_value("")  # type: ignore[attr-defined]
        self.field("name").input.focus()  # type: ignore[attr-defined]
        _say(self, _("ID number read: {number}; type the name").format(number=mask_id_number(number)))


# --------------------------------------------------------------------------- vehicles


class VehicleCameras(WuyeScreen):
    BINDINGS = [Binding("f7", "visitor_for_car", N_("Visitor check-in for this car"), id="visitor_for_car")]
    POLL_SECONDS = 0.5
    HOLD_UNREADABLE_SECONDS = 30.0  # an unreadable plate stays on screen this long unless typed

    _event: Any = None
    _hold_until = 0.0

    def on_mount(self) -> None:
        self.set_interval(self.POLL_SECONDS, self.poll_camera)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "in-plate" and event.value.strip():
            self._hold_until = 0.0  # the guard is typing the plate: the notice has done its job

    def _idle(self) -> bool:

        if self.app.screen is not self or time.monotonic() < self._hold_until:
            return False
        try:
            return not any(self.field(n).raw.strip() for n in ("plate", "driver", "phone", "unit"))  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001
            return False

    def poll_camera(self) -> None:

        if not self._idle():
            return
        try:
            event = device_lpr.take_next(self.ctx)
        except WuyeError:
            return
        if event is not None:
            self.show_event(event)

    def show_event(self, event: Any) -> None:

        self._event = event
        box = self.query_one("#plate-info", Static)
        where = _("{camera} ({direction})").format(camera=event.camera,
                                                   direction=_("in") if event.direction == "in" else _("out"))
        waiting = device_lpr.pending_count(self.ctx)
        more = ("  " + _("{n} more waiting").format(n=waiting)) if waiting else ""
        plate_field = self.field("plate")  # type: ignore[attr-defined]
        if not event.readable:

            self._hold_until = time.monotonic() + self.HOLD_UNREADABLE_SECONDS
            plate_field.set_value("")
            plate_field.input.focus()
            box.update(escape(_("{where}: plate unreadable ({raw}): type it").format(
                where=where, raw=event.raw_plate or "-") + more))
            self.app.bell()
            return
        plate_field.set_value(event.plate)
        plate_field.input.focus()
        try:
            info = gate_vehicles.plate_info(self.ctx, event.plate)
        except WuyeError as exc:
            box.update(escape(str(exc)))
            return
        if info.watch:
            text = _("{where}: {plate} is on the watch list: {hits}").format(
                where=where, plate=event.plate, hits="; ".join(info.watch))
            self.app.bell()
        elif info.inside_id is not None:
            text = _("{where}: {plate} is inside: Enter lets it out").format(where=where, plate=event.plate)
        elif info.resident:
            text = _("{where}: resident vehicle {plate} ({unit}): Enter lets it in").format(
                where=where, plate=event.plate, unit=info.unit_code)
        else:
            text = _("{where}: strange vehicle {plate}: Enter to register it, F7 for a visitor check-in").format(
                where=where, plate=event.plate)
        box.update(escape(text + more))

    def action_visitor_for_car(self) -> None:


        CheckInScreen = next(d for d in DESKS if d.key == "1").load()  # the desks' one list (no import circle)

        plate = self.field("plate").raw.strip()  # type: ignore[attr-defined]
        self._hold_until = time.monotonic() + 2.0  # no new event until the check-in is on top
        screen = CheckInScreen()
        self.app.push_screen(screen)
        if plate:
            screen.call_after_refresh(lambda: screen.field("plate").set_value(plate))
            self.field("plate").set_value("")  # type: ignore[attr-defined]
            self.query_one("#plate-info", Static).update("")


# --------------------------------------------------------------------------- on site


class OnSiteScans(WuyeScreen):
    def on_input_submitted(self, event: Input.Submitted) -> None:

        scan = parse_scan(event.value)
        if event.input.id != "onsite-find" or scan is None:
            return
        event.input.value = ""
        if scan.kind != "visit":
            _say(self, _("This is a pre-registration code: scan it at the check-in desk"), "-warn")
            return
        try:
            gate_visits.check_out(self.ctx, int(scan.value))
        except WuyeError as exc:
            _say(self, str(exc), "-error")
            self.app.bell()
        else:
            _say(self, _("Checked out visit No. {id}").format(id=scan.value))
        refresh = getattr(self, "action_refresh", None)
        if refresh is not None:
            refresh()


# --------------------------------------------------------------------------- passes and slips


class PassDeskPrints(WuyeScreen):
    BINDINGS = [Binding("f12", "print_slip", N_("Print slip"), id="print_slip")]

    def action_print_slip(self) -> None:
        pass_no = self.query_one("#in-pass", Input).value.strip()
        slip_no = self.query_one("#in-slip", Input).value.strip()
        if pass_no:
            print_in_background(self, "pass", pass_no)
        elif slip_no:
            print_in_background(self, "release", slip_no)
        else:
            _say(self, _("Type a pass or slip number to print it"), "-warn")


def after_permit_issued(screen: Screen, numbers: list[str]) -> None:
    """Auto-print each new contractor pass (auto_print_pass)."""
    for n in numbers:
        auto_print(screen, "pass", n)


def after_slip_issued(screen: Screen, number: str) -> None:
    auto_print(screen, "release", number)


# --------------------------------------------------------------------------- QR on screen


class QrDialog(ModalScreen[None]):
    """A QR code drawn on the screen (light modules as blocks), to photograph or scan."""

    BINDINGS = [Binding("escape", "close", N_("Close"), id="close"), Binding("enter", "close", show=False)]
    DEFAULT_CSS = """
    QrDialog { align: center middle; }
    QrDialog > Vertical { width: auto; height: auto; border: thick $primary; background: $surface; padding: 0 2; }
    QrDialog #qr-art { width: auto; color: #ffffff; background: #000000; }
    """

    def __init__(self, title: str, payload: str, caption: str = "") -> None:
        super().__init__()
        self._title, self._payload, self._caption = title, payload, caption

    def compose(self) -> ComposeResult:

        with Vertical():
            yield Label(self._title, classes="title")
            yield Static("\n".join(terminal_lines(self._payload)), id="qr-art", markup=False)
            yield Static(self._caption or self._payload, markup=False)
            yield Static(_("Enter or Esc closes."), classes="gate-legend")

    def action_close(self) -> None:
        self.dismiss(None)


def show_prereg_qr(app: Any, code: str, name: str) -> None:

    app.push_screen(QrDialog(_("Pre-registration code for {name}: {code}").format(name=name, code=code),
                             prereg_payload(code),
                             _("The host sends this code to the visitor; the gate scans it.")))
