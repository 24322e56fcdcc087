"""Vehicles (车辆): type a plate and press Enter. A resident's registered vehicle goes in
(or out, if inside) with that one key; a strange vehicle fills in driver, phone, host unit
and purpose (trucks and vans: inspection note and the driver's typed name) and F2 saves.
F6 lets the vehicle with the typed plate out; F8 opens the on-site board."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Input, Static

from wuye_tui.errors import ValidationError
from wuye_tui.i18n import N_, _
from wuye_tui.services.gate import vehicles as gate_vehicles
from wuye_tui.services.gate.common import (
    WatchListHit,
    choice_hint,
    parse_purpose,
    parse_vehicle_kind,
    purpose_options,
    vehicle_kind_options,
)
from wuye_tui.services.gate.visits import resolve_unit
from wuye_tui.validators import validate_name, validate_phone, validate_plate

from ..base import WuyeScreen
from ..dialogs.pin import SupervisorPinDialog
from ..widgets.form import FormField
from ..widgets.unit_picker import UnitPicker
from .devices import VehicleCameras
from .message import GateMessage
from .onsite import OnSiteScreen
from .reason import ReasonDialog

STRANGE = ("driver", "phone", "unit", "purpose", "kind", "inspection", "confirm")


class VehicleScreen(GateMessage, VehicleCameras, WuyeScreen):
    CSS_PATH = "gate.tcss"
    BINDINGS = [
        Binding("f2", "save", N_("Register vehicle in"), id="save", priority=True),
        Binding("f6", "out", N_("Vehicle out"), id="vehicle_out"),
        Binding("f3", "clear", N_("Clear"), id="clear"),
        Binding("f8", "onsite", N_("On site now"), id="onsite"),
    ]

    def compose_body(self) -> ComposeResult:

        self._legends = {"purpose": _("Purpose: {h}").format(h=choice_hint(purpose_options())),
                         "kind": _("Kind: {h}").format(h=choice_hint(vehicle_kind_options()))}
        with Vertical(id="gate-body"):
            yield Static(_("Vehicles"), classes="title")
            with VerticalScroll(id="gate-form"):
                yield FormField(_("Plate"), "plate", lambda v: validate_plate(v), required=True, max_length=12,
                                compact=True)
                yield Static("", id="plate-info", classes="gate-result")
                yield FormField(_("Driver"), "driver", lambda v: validate_name(v, field="driver"), max_length=30,
                                compact=True)
                yield FormField(_("Phone"), "phone", lambda v: validate_phone(v), max_length=20, compact=True)
                yield UnitPicker(_("Host unit"), "unit", compact=True)
                yield FormField(_("Purpose"), "purpose", lambda v: parse_purpose(v), max_length=20,
                                value=purpose_options()[0][1], compact=True, display=self._label("purpose"))
                yield FormField(_("Kind"), "kind", lambda v: parse_vehicle_kind(v), max_length=20,
                                value=vehicle_kind_options()[0][1], compact=True, display=self._label("kind"))
                yield FormField(_("Inspection"), "inspection", max_length=200, compact=True)
                yield FormField(_("Driver confirms"), "confirm", max_length=30, compact=True,
                                placeholder=_("the driver types their name"))
            yield Static("", id="gate-msg")
            yield Static(self._keys_legend(), classes="gate-legend", id="gate-legend")

    def _label(self, name: str):  # type: ignore[no-untyped-def]

        labels = dict(purpose_options() if name == "purpose" else vehicle_kind_options())
        return lambda code: labels.get(code, code)

    def _keys_legend(self) -> str:
        return _("* required  Enter on the plate: in or out  F2 register  F6 out  F3 clear  F8 on site")

    def on_descendant_focus(self, event) -> None:  # type: ignore[no-untyped-def]

        name = (getattr(event.widget, "id", "") or "").removeprefix("in-")
        try:
            self.query_one("#gate-legend", Static).update(Text(self._legends.get(name, self._keys_legend())))
        except Exception:
            return

    def on_mount(self) -> None:
        self.query_one("#in-plate", Input).focus()

    def _check_unit(self, v: str) -> str:

        return resolve_unit(self.ctx, v).code

    def field(self, name: str) -> FormField:
        return self.query_one(f"#field-{name}", FormField)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id != "in-plate":
            self.focus_next()
            return
        self._plate_entered()

    def _plate_entered(self, override=None) -> None:  # type: ignore[no-untyped-def]
        """Enter on a plate: out if inside, in if a resident's, else ask for the driver. The
        look-up and the write run in a worker (``run_db``)."""
        try:
            plate = self.field("plate").validate_now()
        except ValidationError:
            return
        self.run_db(gate_vehicles.plate_at_gate, self.ctx, plate, override, on_done=self._gate_done,
                    on_error=lambda exc: self._gate_refused(exc, lambda sup: self._plate_entered(override=sup)))

    def _gate_done(self, result: gate_vehicles.AtGate) -> None:
        info, what, why = result.info, result.action, result.why
        box = self.query_one("#plate-info", Static)
        if info.watch:
            box.update(_("Watch list: {hits}").format(hits="; ".join(info.watch)))
        if what == "slip":
            self._ask_slip(info.plate, why)
        elif what == "out":
            self.message(_("Vehicle {plate} left").format(plate=info.plate))
            self.field("plate").set_value("")
        elif what == "in":
            self.message(_("Resident vehicle {plate} ({unit}, {owner}) in").format(
                plate=info.plate, unit=info.unit_code, owner=info.owner))
            self.field("plate").set_value("")
        else:
            box.update(_("Strange vehicle {plate}: fill in the driver and press F2").format(plate=info.plate))
            self.field("driver").input.focus()

    def _gate_refused(self, exc, again) -> None:  # type: ignore[no-untyped-def]
        if isinstance(exc, WatchListHit):  # the same PIN dialog as a person
            self.message(exc.message, "-warn")
            self.app.push_screen(SupervisorPinDialog(exc.message), lambda sup: again(sup) if sup else None)
            return
        self.report(exc)
        self.message(exc.message, "-error")

    def action_save(self, override=None) -> None:  # type: ignore[no-untyped-def]

        bad = None
        for name in ("plate", *STRANGE):
            try:
                self.field(name).validate_now()
            except ValidationError:
                bad = bad or self.field(name)
        if bad is not None:
            bad.input.focus()
            return
        f = {n: self.field(n).raw for n in ("plate", *STRANGE)}
        self.run_db(gate_vehicles.strange_in, self.ctx, f["plate"], f["driver"], f["phone"], f["unit"],
                    f["purpose"], f["kind"], f["inspection"], f["confirm"], override=override,
                    on_done=self._strange_in, on_error=lambda exc: self._gate_refused(
                        exc, lambda sup: self.action_save(override=sup)))

    def _strange_in(self, m) -> None:  # type: ignore[no-untyped-def]
        self.action_clear()
        self.message(_("Vehicle {plate} in at {time}").format(plate=m.plate, time=f"{self.ctx.local(m.in_at):%H:%M}"))

    def _ask_slip(self, plate: str, why: str) -> None:
        """A truck leaving when the office requires its release slip: ask for the number."""


        def act(number: str) -> str:
            gate_vehicles.vehicle_out(self.ctx, plate, slip=number)
            return _("Vehicle {plate} left").format(plate=plate)

        def done(text: str | None) -> None:
            if text:
                self.message(text)
                self.action_clear()

        self.app.push_screen(ReasonDialog(_("Release slip"), why, act, label=_("Slip No.")), done)

    def action_out(self) -> None:
        plate = self.field("plate").raw

        def refused(exc) -> None:  # type: ignore[no-untyped-def]
            if isinstance(exc, ValidationError) and exc.field == "slip":
                self._ask_slip(plate, exc.message)
            else:
                self.report(exc)

        self.run_db(gate_vehicles.vehicle_out, self.ctx, plate, on_done=self._left, on_error=refused)

    def _left(self, m) -> None:  # type: ignore[no-untyped-def]
        self.message(_("Vehicle {plate} left").format(plate=m.plate))
        self.action_clear()

    def action_clear(self) -> None:
        for name in ("plate", "driver", "phone", "unit", "inspection", "confirm"):
            self.field(name).set_value("")
        self.query_one("#plate-info", Static).update("")
        self.field("plate").input.focus()

    def action_onsite(self) -> None:

        self.app.push_screen(OnSiteScreen())
