"""Gate device commands: print slips, the plate-camera receiver and its cameras, and
``wuye devices test printer|reader|camera`` to try each device without the hardware."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ..i18n import _
from .root import app
from .common import AsOption, acting_ctx, fail, system_ctx

devices_app = typer.Typer(help=_("Gate devices: slip printer, card reader, plate cameras."), no_args_is_help=True)
test_app = typer.Typer(help=_("Try a device without the hardware."), no_args_is_help=True)
lpr_app = typer.Typer(help=_("Plate-recognition cameras (车牌识别)."), no_args_is_help=True)
camera_app = typer.Typer(help=_("Configured plate cameras (supervisors)."), no_args_is_help=True)
app.add_typer(devices_app, name="devices")
devices_app.add_typer(test_app, name="test")
app.add_typer(lpr_app, name="lpr")
lpr_app.add_typer(camera_app, name="camera")

Opt = typer.Option

SAMPLE_CARD = {"name": "张三", "sex": "男", "nation": "汉", "birth": "19491231",
               "address": "北京市朝阳区建国路1号", "id_number": "11010519491231002X", "valid_until": "长期"}


@devices_app.command("print", help=_("Print a slip: visitor VISIT-NO, pass PASS-NO or release SLIP-NO."))
def devices_print(kind: str, ref: str, as_: AsOption = None) -> None:
    from ..services.devices import slips as device_print

    doc = device_print.print_slip(acting_ctx(as_), kind, ref)
    typer.echo(_("Printed: {title}").format(title=doc.title))


# --------------------------------------------------------------------------- devices test


@test_app.command("printer", help=_("Print a test page (Chinese and a QR code); --fake prints to a fake "
                                    "printer on this computer and shows what it received."))
def test_printer(url: Annotated[str, Opt("--url", help=_("Printer address (default: the printer_url setting)."))] = "",
                 fake: Annotated[bool, Opt("--fake", help=_("Use a fake network printer on 127.0.0.1."))] = False,
                 timeout: Annotated[float, Opt("--timeout")] = 5.0) -> None:
    from ..devices.printer import render, send, test_page
    from ..services.core.settings import load

    ctx = system_ctx()
    conf = load(ctx)
    doc = test_page(conf.site_name, f"{ctx.local(ctx.now()):%Y-%m-%d %H:%M}")
    if fake:
        from ..devices.fakes import FakePrinter, decode_slip

        printer = FakePrinter()
        try:
            send(printer.url, render(doc), timeout=timeout)
            jobs = printer.wait_jobs(1, timeout)
        finally:
            printer.close()
        if not jobs:
            fail(_("The fake printer received nothing"))
        text, qrs = decode_slip(jobs[0])
        typer.echo(_("The fake printer at {where} received {n} bytes:").format(where=printer.url, n=len(jobs[0])))
        typer.echo(text.rstrip())
        for q in qrs:
            typer.echo(_("QR code: {text}").format(text=q))
        return
    target = url or conf.printer_url
    send(target, render(doc), timeout=timeout, status_check=conf.printer_status_check)
    typer.echo(_("Test page sent to {where}").format(where=target))


@test_app.command("reader", help=_("Send a sample card to the check-in desk as a reader bridge would; "
                                   "--listen waits for your reader's bridge instead and shows the card."))
def test_reader(address: Annotated[str, Opt("--address", help=_("Default: the card_reader setting."))] = "",
                card: Annotated[str, Opt("--card", help=_("The card as a JSON object (default: a sample)."))] = "",
                listen: Annotated[bool, Opt("--listen")] = False,
                timeout: Annotated[float, Opt("--timeout")] = 30.0) -> None:
    from ..devices import DeviceError
    from ..devices.idcard import CardReaderServer, send_card
    from ..services.core.settings import load

    addr = address or load(system_ctx()).card_reader
    if not addr:
        fail(_("No card reader address: set card_reader or give --address"))
    if listen:
        import asyncio

        async def wait() -> None:
            got: asyncio.Future = asyncio.get_running_loop().create_future()

            def on_card(c) -> None:  # type: ignore[no-untyped-def]
                if not got.done():
                    got.set_result(("card", c))

            def on_error(m: str) -> None:
                if not got.done():
                    got.set_result(("error", m))

            server = CardReaderServer(addr, on_card, on_error)
            await server.start()
            typer.echo(_("Waiting for a card on {where} ...").format(where=addr))
            try:
                kind, value = await asyncio.wait_for(got, timeout)
            except asyncio.TimeoutError:
                fail(_("No card within {n} seconds").format(n=int(timeout)))
            finally:
                await server.stop()
            if kind == "error":
                fail(value)
            typer.echo(_("Card read: {name} {number} (valid until {until})").format(
                name=value.name, number=value.id_number, until=value.valid_until or "-"))

        asyncio.run(wait())
        return
    try:
        data = json.loads(card) if card else SAMPLE_CARD
    except ValueError:
        fail(_("--card must be a JSON object"))
    try:
        answer = send_card(addr, data, timeout=min(timeout, 10.0))
    except (OSError, DeviceError) as exc:
        fail(_("The check-in desk is not listening on {where}: {reason}").format(
            where=addr, reason=getattr(exc, "strerror", None) or exc))
    if answer.get("ok"):
        typer.echo(_("The check-in desk took the card"))
    else:
        fail(_("The check-in desk refused the card: {reason}").format(reason=answer.get("error", "?")))


@test_app.command("camera", help=_("Post a plate as a camera would to a running receiver (wuye lpr listen)."))
def test_camera(url: Annotated[str, Opt("--url")] = "http://127.0.0.1:8090/",
                plate: Annotated[str, Opt("--plate")] = "京A12345",
                camera: Annotated[str, Opt("--camera", help=_("The camera's id (as configured)."))] = "",
                style: Annotated[str, Opt("--format", help=_("vzenith or plain."))] = "vzenith",
                direction: Annotated[str, Opt("--direction")] = "") -> None:
    from ..devices.lpr import post

    cam = camera
    if not cam:
        from ..services.devices.cameras import camera_ids

        found = camera_ids(system_ctx())
        if not found:
            fail(_("No camera is configured: wuye lpr camera add ID --name N --direction in"))
        cam = found[0]
    if style == "plain":
        payload: dict = {"plate": plate, "camera": cam, "direction": direction, "time": ""}  # type: ignore[type-arg]
    else:
        payload = {"AlarmInfoPlate": {"serialno": cam, "ipaddr": "127.0.0.1",
                                      "result": {"PlateResult": {"license": plate}}}}
    try:
        status, answer = post(url, payload)
    except OSError as exc:
        fail(_("No receiver at {url}: {reason}").format(url=url, reason=getattr(exc, "reason", exc)))
    typer.echo(f"{status} {json.dumps(answer, ensure_ascii=False)}")
    if status != 200:
        raise typer.Exit(1)


# --------------------------------------------------------------------------- lpr


@lpr_app.command("listen", help=_("Receive plate events from the configured cameras over HTTP (never opens a barrier)."))
def lpr_listen(host: Annotated[str, Opt("--host")] = "127.0.0.1",
               port: Annotated[int, Opt("--port")] = 8090) -> None:
    import logging

    from aiohttp import web

    from ..devices.lpr import make_app
    from ..services.devices import cameras as device_lpr

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    ctx = system_ctx()
    typer.echo(_("Listening for plate cameras on http://{host}:{port}/ (ctrl+c stops)").format(host=host, port=port),
               err=True)
    try:
        web.run_app(make_app(lambda report: device_lpr.ingest(ctx, report)), host=host, port=port,
                    print=None, access_log=None)
    except OSError as exc:
        fail(_("Cannot listen on {host}:{port}: {reason}").format(host=host, port=port, reason=exc.strerror or exc))


@lpr_app.command("events", help=_("The latest plate events."))
def lpr_events(limit: Annotated[int, Opt("--limit")] = 20, as_: AsOption = None) -> None:
    from ..services.devices import cameras as device_lpr

    ctx = acting_ctx(as_)
    for e in device_lpr.recent_events(ctx, limit):
        plate = e.plate or _("unreadable ({raw})").format(raw=e.raw_plate or "-")
        typer.echo(f"{e.event_id}\t{ctx.local(e.received_at):%m-%d %H:%M:%S}\t{e.camera}\t"
                   f"{_('in') if e.direction == 'in' else _('out')}\t{plate}")


@camera_app.command("add", help=_("Configure a camera by the id it sends (臻识 serialno, or camera)."))
def camera_add(serial: str, name: Annotated[str, Opt("--name")],
               direction: Annotated[str, Opt("--direction", help=_("in or out."))],
               gate: Annotated[str, Opt("--gate")] = "", as_: AsOption = None) -> None:
    from ..services.devices import cameras as device_lpr

    cam = device_lpr.add_camera(acting_ctx(as_), serial, name, direction, gate)
    typer.echo(_("Camera {name} ({serial}) configured").format(name=cam.name, serial=cam.serial))


@camera_app.command("remove", help=_("Stop accepting a camera's events."))
def camera_remove(serial: str, as_: AsOption = None) -> None:
    from ..services.devices import cameras as device_lpr

    device_lpr.remove_camera(acting_ctx(as_), serial)
    typer.echo(_("Camera {serial} removed").format(serial=serial))


@camera_app.command("list", help=_("The configured cameras."))
def camera_list(as_: AsOption = None) -> None:
    from ..services.devices import cameras as device_lpr

    for c in device_lpr.cameras(acting_ctx(as_)):
        typer.echo(f"{c.serial}\t{c.name}\t{_('in') if c.direction == 'in' else _('out')}\t{c.gate}")
