"""Gate commands: prereg, visitor, vehicle, pass, slip, watch, purge."""

from __future__ import annotations

from typing import Annotated

import typer

from .root import app
from ..i18n import _
from .common import AsOption, acting_ctx, fail

prereg_app = typer.Typer(help=_("Visitor pre-registrations (6-digit codes)."), no_args_is_help=True)
visitor_app = typer.Typer(help=_("Visitors at the gate."), no_args_is_help=True)
vehicle_app = typer.Typer(help=_("Vehicles at the gate."), no_args_is_help=True)
pass_app = typer.Typer(help=_("Renovation permits and contractor passes."), no_args_is_help=True)
slip_app = typer.Typer(help=_("Item-release slips."), no_args_is_help=True)
watch_app = typer.Typer(help=_("The watch list (supervisors)."), no_args_is_help=True)
app.add_typer(prereg_app, name="prereg")
app.add_typer(visitor_app, name="visitor")
app.add_typer(vehicle_app, name="vehicle")
app.add_typer(pass_app, name="pass")
app.add_typer(slip_app, name="slip")
app.add_typer(watch_app, name="watch")

Opt = typer.Option


def _local(ctx, dt) -> str:  # type: ignore[no-untyped-def]
    return f"{ctx.local(dt):%Y-%m-%d %H:%M}"


@prereg_app.command("add", help=_("Pre-register a visitor and print the 6-digit code."))
def prereg_add(unit: Annotated[str, Opt("--unit", help=_("Unit code, resident name or phone."))],
               name: Annotated[str, Opt("--name", help=_("The visitor's name."))],
               phone: Annotated[str, Opt("--phone")] = "",
               valid_hours: Annotated[str, Opt("--valid-hours",
                                               help=_("Hours the code is valid (default 24)."))] = "",
               headcount: Annotated[str, Opt("--headcount")] = "",
               purpose: Annotated[str, Opt("--purpose")] = "",
               qr: Annotated[str, Opt("--qr", help=_("Also write the code's QR as a PNG or SVG file."))] = "",
               as_: AsOption = None) -> None:
    from ..services.gate.prereg import create_prereg

    ctx = acting_ctx(as_)
    if qr:
        from ..devices.qr import check_file_name

        check_file_name(qr)
    pre = create_prereg(ctx, unit, name, phone, valid_hours or None, headcount or None, purpose)
    typer.echo(pre.code)
    if qr:
        from ..devices.qr import prereg_payload, write_file

        write_file(prereg_payload(pre.code), qr)
    typer.echo(_("Pre-registration for {name}, valid until {until}").format(
        name=pre.name, until=_local(ctx, pre.valid_until)), err=True)


@visitor_app.command("checkin", help=_("Check a visitor in (or a pre-registered one with --code)."))
def visitor_checkin(name: Annotated[str, Opt("--name")] = "",
                    unit: Annotated[str, Opt("--unit")] = "",
                    id_number: Annotated[str, Opt("--id")] = "",
                    id_type: Annotated[str, Opt("--id-type")] = "1",
                    phone: Annotated[str, Opt("--phone")] = "",
                    headcount: Annotated[str, Opt("--headcount")] = "1",
                    approval: Annotated[str, Opt("--approval")] = "1",
                    purpose: Annotated[str, Opt("--purpose")] = "1",
                    plate: Annotated[str, Opt("--plate")] = "",
                    stay: Annotated[str, Opt("--stay", help=_("Expected stay in hours."))] = "",
                    code: Annotated[str, Opt("--code",
                                             help=_("A pre-registration code fills the rest."))] = "",
                    replace: Annotated[int, Opt("--replace",
                                                help=_("Check this earlier open visit of the same person out first."))] = 0,
                    as_: AsOption = None) -> None:
    from ..services.gate import prereg as gate_prereg, visits as gate_visits

    ctx = acting_ctx(as_)
    if code:
        raw = gate_prereg.form_from_prereg(ctx, code)
    else:
        raw = {"name": name, "id_type": id_type, "id_number": id_number, "phone": phone, "headcount": headcount,
               "unit": unit, "approval": approval, "purpose": purpose, "plate": plate, "stay": stay}
    v = gate_visits.check_in(ctx, raw, replace=replace or None)
    typer.echo(_("Checked in: {name} (No. {id}) at {time}").format(name=v.name, id=v.id,
                                                                   time=_local(ctx, v.checked_in_at)))


@visitor_app.command(
    "checkout", help=_("Check a visitor out by visit number, or by name or plate when only one matches."))
def visitor_checkout(visit: Annotated[str, typer.Argument(help=_("Visit number, or a name or plate on site."))],
                     as_: AsOption = None) -> None:
    from ..services.gate import visits as gate_visits

    ctx = acting_ctx(as_)
    if visit.isdigit():
        if len(visit) > 12:
            fail(_("Error: {message}").format(message=_("No such visit")))
        vid = int(visit)
    else:
        rows = gate_visits.find_on_site(ctx, visit)
        if not rows:
            fail(_("Error: {message}").format(message=_("Nobody on site matches")))
        if len(rows) > 1:
            fail(_("Error: {message}").format(message=_("Several on site match: give the visit number")) + "\n" +
                 "\n".join(f"{r.visit_id}\t{r.name}\t{r.unit}\t{r.plate}" for r in rows))
        vid = rows[0].visit_id
    gate_visits.check_out(ctx, vid)
    typer.echo(_("Checked out visit No. {id}").format(id=vid))


@visitor_app.command("onsite", help=_("Visitors on site now (overstays marked with !)."))
def visitor_onsite(as_: AsOption = None) -> None:
    from ..services.gate import visits as gate_visits

    ctx = acting_ctx(as_)
    rows = gate_visits.on_site(ctx)
    for r in rows:
        typer.echo("\t".join([("!" if r.overstay else " ") + str(r.visit_id), r.name, str(r.headcount), r.unit,
                              r.id_masked, r.plate, _local(ctx, r.checked_in_at)]))
    typer.echo(_("{n} visits on site").format(n=len(rows)), err=True)


@visitor_app.command("find", help=_("Past visitors by name, pinyin initials, phone or ID number prefix."))
def visitor_find(text: str, as_: AsOption = None) -> None:
    from ..services.gate import visits as gate_visits

    ctx = acting_ctx(as_)
    for h in gate_visits.find_visitors(ctx, text, limit=20):
        typer.echo("\t".join([h.name, h.id_masked, h.phone_masked, _local(ctx, h.last_seen_at), str(h.visits),
                              str(h.last_visit_id or "")]))


@vehicle_app.command(
    "in", help=_("A vehicle enters: a resident's plate needs nothing else; a strange one needs driver, phone, unit."))
def vehicle_in(plate: str, driver: Annotated[str, Opt("--driver")] = "", phone: Annotated[str, Opt("--phone")] = "",
               unit: Annotated[str, Opt("--unit")] = "", purpose: Annotated[str, Opt("--purpose")] = "",
               kind: Annotated[str, Opt("--kind")] = "", inspection: Annotated[str, Opt("--inspection")] = "",
               confirm: Annotated[str, Opt("--confirm", help=_("The driver's typed name."))] = "",
               as_: AsOption = None) -> None:
    from ..services.gate import vehicles as gate_vehicles

    ctx = acting_ctx(as_)
    info = gate_vehicles.plate_info(ctx, plate)
    if info.resident:
        m = gate_vehicles.resident_in(ctx, info.plate)
    else:
        m = gate_vehicles.strange_in(ctx, info.plate, driver, phone, unit, purpose, kind, inspection, confirm)
    typer.echo(_("Vehicle {plate} in at {time}").format(plate=m.plate, time=_local(ctx, m.in_at)))


@vehicle_app.command("out", help=_("A vehicle leaves."))
def vehicle_out(plate: str, as_: AsOption = None) -> None:
    from ..services.gate import vehicles as gate_vehicles

    ctx = acting_ctx(as_)
    m = gate_vehicles.vehicle_out(ctx, plate)
    typer.echo(_("Vehicle {plate} left").format(plate=m.plate))


@pass_app.command("issue", help=_("Issue a renovation permit; prints one pass number per worker."))
def pass_issue(unit: Annotated[str, Opt("--unit")], company: Annotated[str, Opt("--company")],
               foreman: Annotated[str, Opt("--foreman")], phone: Annotated[str, Opt("--phone")],
               start: Annotated[str, Opt("--from")], end: Annotated[str, Opt("--to")],
               workers: Annotated[str, Opt("--workers")], as_: AsOption = None) -> None:
    from ..services.gate import passes as gate_passes

    ctx = acting_ctx(as_)
    _permit, numbers = gate_passes.issue_permit(ctx, unit, company, foreman, phone, start, end, workers)
    for n in numbers:
        typer.echo(n)


@pass_app.command("check", help=_("Check a contractor pass at the gate (recorded); exit 1 when refused."))
def pass_check(number: str, as_: AsOption = None) -> None:
    from ..services.gate import passes as gate_passes

    ctx = acting_ctx(as_)
    r = gate_passes.check_pass(ctx, number)
    if not r.ok:
        fail(r.message)
    typer.echo(r.message)


@slip_app.command("issue", help=_("Issue an item-release slip; prints its number."))
def slip_issue(unit: Annotated[str, Opt("--unit")], items: Annotated[str, Opt("--items",
                                                                              help=_("Items, e.g. 冰箱x1, 纸箱 5"))],
               reason: Annotated[str, Opt("--reason")] = "", valid_on: Annotated[str, Opt("--date")] = "",
               as_: AsOption = None) -> None:
    from ..services.gate import slips as gate_slips

    ctx = acting_ctx(as_)
    slip = gate_slips.issue_slip(ctx, unit, items, reason, valid_on or None)
    typer.echo(gate_slips.slip_number(slip.id))  # type: ignore[arg-type]


@slip_app.command("use", help=_("Use a slip at the gate (once); a refused use is recorded and exits 1."))
def slip_use(number: str, as_: AsOption = None) -> None:
    from ..services.gate import slips as gate_slips

    ctx = acting_ctx(as_)
    view = gate_slips.use_slip(ctx, number)
    if view.problem:
        fail(view.problem)
    typer.echo(gate_slips.items_text(view.items))


@watch_app.command("add", help=_("Add a watch-list entry (supervisors)."))
def watch_add(reason: Annotated[str, Opt("--reason")], name: Annotated[str, Opt("--name")] = "",
              id_number: Annotated[str, Opt("--id")] = "",
              id_type: Annotated[str, Opt("--id-type", help=_("ID type: number or code (default resident ID)."))] = "1",
              plate: Annotated[str, Opt("--plate")] = "",
              valid_from: Annotated[str, Opt("--from", help=_("First day it applies (YYYY-MM-DD)."))] = "",
              valid_until: Annotated[str, Opt("--until", help=_("Last day it applies (YYYY-MM-DD)."))] = "",
              as_: AsOption = None) -> None:
    from ..services.gate import watch as gate_watch

    ctx = acting_ctx(as_)
    from ..services.gate.common import parse_id_type

    e = gate_watch.add_watch_entry(ctx, reason, name, parse_id_type(id_type), id_number, plate,
                                   valid_from, valid_until)
    typer.echo(str(e.id))


@watch_app.command("remove", help=_("Take an entry off the watch list, saying why (supervisors)."))
def watch_remove(entry: int, reason: Annotated[str, Opt("--reason")], as_: AsOption = None) -> None:
    from ..services.gate import watch as gate_watch

    gate_watch.deactivate_watch(acting_ctx(as_), entry, reason)
    typer.echo(_("Watch-list entry {id} removed").format(id=entry))


@watch_app.command("list", help=_("Active watch-list entries (ID numbers masked)."))
def watch_list(as_: AsOption = None) -> None:
    from ..services.gate import watch as gate_watch
    from ..validators import mask_id_number

    ctx = acting_ctx(as_)
    for e in gate_watch.list_watch(ctx):
        typer.echo("\t".join([str(e.id), e.name, mask_id_number(e.id_number) if e.id_number else "", e.plate,
                              e.reason]))


@app.command(
    "purge", help=_("Blank visitors' names, ID numbers and phones before a date, keeping the counts (supervisors)."))
def purge(before: Annotated[str, Opt("--before", help=_("Purge visitor personal data before this date."))],
          as_: AsOption = None) -> None:
    from ..services.gate.watch import purge_visitors
    from ..validators import parse_local_datetime

    ctx = acting_ctx(as_)
    when = parse_local_datetime(f"{before.strip()} 00:00", ctx.tz_name, field="before")
    n = purge_visitors(ctx, when)
    typer.echo(_("Purged the personal data of {n} visits").format(n=n))
