"""Plate-recognition cameras (车牌识别): the HTTP receiver and the push formats it reads.

Cameras push each plate they read to ``http://<wuye host>:<port>/`` (any path) as JSON:

- 臻识 (Vzenith) style::

      {"AlarmInfoPlate": {"serialno": "e4c5f0a1-…", "ipaddr": "192.168.1.64",
                          "result": {"PlateResult": {"license": "粤B12345", …}}}}

  answered ``{"Response_AlarmInfoPlate": {"info": "ok"}}`` as those cameras expect;
- plain: ``{"plate": "粤B12345", "camera": "east-in", "direction": "in", "time": "…"}``
  answered ``{"ok": true, "event": <id>}``.

The body may be UTF-8 or GB18030. A body over ``MAX_BODY`` is refused with 413, one that
is not JSON or not one of the formats with 400, a camera not configured with 403; each
refusal writes one log line (logger ``wuye.lpr``) and the receiver goes on. The receiver
never opens a barrier: it only queues what the camera saw for the vehicle desk.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass

from . import DeviceError

log = logging.getLogger("wuye.lpr")
MAX_BODY = 1024 * 1024  # pictures are sometimes inlined (base64); more than this is refused
NO_PLATE = {"", "_无_", "无", "无牌", "无车牌", "none", "null"}


@dataclass(frozen=True)
class PlateReport:
    camera: str  # the camera's id: serialno (臻识) or "camera" (plain)
    plate: str  # as read; "" when the camera read none
    direction: str = ""  # "in" / "out" when the camera says, else the camera's configured one
    time: str = ""
    ipaddr: str = ""
    style: str = "plain"  # plain / vzenith: how to answer


class BadReport(ValueError):
    """The body is not a plate report (the message says why, in English for the log)."""


def decode_body(body: bytes) -> object:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return json.loads(body.decode(enc))
        except (UnicodeDecodeError, ValueError):
            continue
    raise BadReport("body is not JSON")


def _text(value: object, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise BadReport("a field is not text")
    return str(value).strip()[:limit]


def parse_report(data: object) -> PlateReport:
    if not isinstance(data, dict):
        raise BadReport("body is not a JSON object")
    if "AlarmInfoPlate" in data:
        info = data["AlarmInfoPlate"]
        if not isinstance(info, dict):
            raise BadReport("AlarmInfoPlate is not an object")
        result = info.get("result") or {}
        plate_result = result.get("PlateResult") if isinstance(result, dict) else None
        if not isinstance(plate_result, dict):
            raise BadReport("AlarmInfoPlate.result.PlateResult missing")
        camera = _text(info.get("serialno"), 64) or _text(info.get("ipaddr"), 64)
        if not camera:
            raise BadReport("AlarmInfoPlate.serialno missing")
        plate = _text(plate_result.get("license"), 20)
        when = plate_result.get("timeStamp")
        when_text = ""
        if isinstance(when, dict) and isinstance(when.get("Timeval"), dict):
            when_text = _text(when["Timeval"].get("sec"), 32)
        return PlateReport(camera=camera, plate="" if plate in NO_PLATE else plate, time=when_text,
                           ipaddr=_text(info.get("ipaddr"), 45), style="vzenith")
    if "plate" in data or "camera" in data:
        camera = _text(data.get("camera"), 64)
        if not camera:
            raise BadReport("camera missing")
        direction = _text(data.get("direction"), 8).lower()
        if direction not in ("", "in", "out"):
            raise BadReport("direction must be in or out")
        plate = _text(data.get("plate"), 20)
        return PlateReport(camera=camera, plate="" if plate in NO_PLATE else plate, direction=direction,
                           time=_text(data.get("time"), 32))
    raise BadReport("not a plate report (AlarmInfoPlate or plate/camera expected)")


class UnknownCamera(LookupError):
    pass


def answer(report: PlateReport, event_id: int) -> dict[str, object]:
    if report.style == "vzenith":
        return {"Response_AlarmInfoPlate": {"info": "ok"}}
    return {"ok": True, "event": event_id}


def make_app(ingest: Callable[[PlateReport], int]):  # type: ignore[no-untyped-def]
    """The aiohttp application. ``ingest`` queues a report and returns the event id; it
    raises ``UnknownCamera`` for a camera that is not configured. It runs in a thread so
    the database never blocks the receiver's loop."""
    from aiohttp import web

    async def receive(request: web.Request) -> web.Response:
        peer = request.remote or "?"
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            log.warning("refused %s: body over %d bytes", peer, MAX_BODY)
            return web.json_response({"ok": False, "error": "too large"}, status=413)
        try:
            report = parse_report(decode_body(body))
        except BadReport as exc:
            log.warning("refused %s: %s", peer, exc)
            return web.json_response({"ok": False, "error": str(exc)}, status=400)
        loop = asyncio.get_running_loop()
        try:
            event_id = await loop.run_in_executor(None, ingest, report)
        except UnknownCamera:
            log.warning("refused %s: unknown camera %r", peer, report.camera)
            return web.json_response({"ok": False, "error": "unknown camera"}, status=403)
        except Exception as exc:  # noqa: BLE001  (database down: the camera may retry)
            log.error("could not queue the plate from %s: %s", peer, exc)
            return web.json_response({"ok": False, "error": "not stored"}, status=503)
        log.info("camera %s plate %s -> event %s", report.camera, report.plate or "(unreadable)", event_id)
        return web.json_response(answer(report, event_id))

    async def wrong_method(request: web.Request) -> web.Response:
        return web.json_response({"ok": False, "error": "POST a plate report"}, status=405)

    app = web.Application(client_max_size=MAX_BODY)
    app.router.add_post("/{tail:.*}", receive)
    app.router.add_get("/{tail:.*}", wrong_method)
    return app


class Receiver:
    """The receiver running in a background thread with its own loop (tests, devices test)."""

    def __init__(self, ingest: Callable[[PlateReport], int], host: str = "127.0.0.1", port: int = 0) -> None:
        self.ingest, self.host, self.port = ingest, host, port
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner = None
        self._thread = None

    def start(self) -> "Receiver":
        import threading

        from aiohttp import web

        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            runner = web.AppRunner(make_app(self.ingest), access_log=None)
            try:
                loop.run_until_complete(runner.setup())
                site = web.TCPSite(runner, self.host, self.port)
                loop.run_until_complete(site.start())
                self.port = runner.addresses[0][1]
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)
                ready.set()
                return
            self._runner = runner
            ready.set()
            loop.run_forever()
            loop.run_until_complete(runner.cleanup())
            loop.close()

        self._thread = threading.Thread(target=run, name="wuye-lpr", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise DeviceError(f"{self.host}:{self.port}: {errors[0]}")
        return self

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(5)


def post(url: str, payload: object, timeout: float = 5.0) -> tuple[int, dict[str, object]]:
    """Play a camera: POST a JSON report, return (status, answer)."""
    import urllib.error
    import urllib.request

    body = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, json.loads(resp.read() or b"{}")
    except urllib.error.HTTPError as exc:
        try:
            return exc.code, json.loads(exc.read() or b"{}")
        except ValueError:
            return exc.code, {}
