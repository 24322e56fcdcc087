"""The ID-card reader bridge protocol (二代身份证阅读器).

Any reader bridge (the vendor's SDK wrapped in a few lines) speaks to wuye over a local
socket: it connects to the address in the ``card_reader`` setting —
``tcp://127.0.0.1:PORT`` or ``unix:///path/to/socket`` — and writes one UTF-8 JSON object
per card read, ending in a newline::

    {"name": "张三", "sex": "男", "nation": "汉", "birth": "19900307",
     "address": "广东省深圳市……", "id_number": "11010519491231002X", "valid_until": "20300101"}

``valid_until`` may be ``"长期"`` (no end). wuye answers each line with one JSON line:
``{"ok": true}``, or ``{"ok": false, "error": "..."}`` when the line is not a card or the
card's number fails its check digit (refused as a typed one would be). The connection may
stay open for the next card. Only loopback addresses are accepted: ID data never crosses
the network. A line longer than 4 KiB is refused.

wuye listens while the check-in desk is open; ``wuye devices test reader`` plays a bridge.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from . import DeviceError
from ..errors import ValidationError
from ..i18n import _

MAX_LINE = 4096
_LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@dataclass(frozen=True)
class ReaderAddress:
    kind: str  # tcp / unix
    host: str = "127.0.0.1"
    port: int = 0
    path: str = ""


def parse_reader_address(text: str) -> ReaderAddress:
    value = (text or "").strip()
    parts = urlsplit(value)
    if parts.scheme == "tcp" and parts.hostname:
        if parts.hostname not in _LOOPBACK:
            raise DeviceError(_("The card reader must be on this computer (127.0.0.1)"))
        try:
            port = parts.port
        except ValueError:
            port = None
        if port:
            return ReaderAddress("tcp", host=parts.hostname, port=port)
    if parts.scheme == "unix" and (parts.netloc + parts.path):
        return ReaderAddress("unix", path=parts.netloc + parts.path)
    raise DeviceError(_("Card reader address not understood: use tcp://127.0.0.1:PORT or unix:///path"))


@dataclass(frozen=True)
class CardRead:
    name: str
    id_number: str
    sex: str = ""
    nation: str = ""
    birth: str = ""
    address: str = ""
    valid_until: str = ""
    id_type: str = "resident_id"  # residence permits (81/82/83…) are read by the same readers

    def expired(self, today: date) -> bool:
        v = self.valid_until.strip()
        if len(v) != 8 or not v.isdigit():
            return False  # 长期 (no end) or unknown
        try:
            return date(int(v[:4]), int(v[4:6]), int(v[6:])) < today
        except ValueError:
            return False


def parse_card_line(line: bytes | str, today: date | None = None) -> CardRead:
    """One line from a bridge: a checked card, or ValidationError saying what is wrong."""
    from ..validators import validate_id_number, validate_name

    raw = line.encode("utf-8") if isinstance(line, str) else line
    if len(raw) > MAX_LINE:
        raise ValidationError("card", _("The card reader sent too much data"))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ValidationError("card", _("The card reader sent something that is not a card")) from None
    if not isinstance(data, dict):
        raise ValidationError("card", _("The card reader sent something that is not a card"))
    fields = {k: str(data.get(k) or "").strip() for k in
              ("name", "sex", "nation", "birth", "address", "id_number", "valid_until")}
    name = validate_name(fields["name"], field="name")
    id_type = "residence_permit" if fields["id_number"][:2] in ("81", "82", "83") else "resident_id"
    number = validate_id_number(fields["id_number"], id_type, field="id_number", today=today)
    return CardRead(name=name, id_number=number, id_type=id_type, sex=fields["sex"][:4], nation=fields["nation"][:10],
                    birth=fields["birth"][:8], address=fields["address"][:80],
                    valid_until=fields["valid_until"][:10])


class CardReaderServer:
    """Listens on the reader address inside a running asyncio loop (the app's) and calls
    ``on_card(card)`` or ``on_error(message)`` for each line, in that loop."""

    def __init__(self, address: str, on_card: Callable[[CardRead], None],
                 on_error: Callable[[str], None] | None = None,
                 today: Callable[[], date] | None = None) -> None:
        self.address = parse_reader_address(address)
        self.on_card = on_card
        self.on_error = on_error or (lambda _m: None)
        self.today = today or date.today
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        a = self.address
        try:
            if a.kind == "tcp":
                self._server = await asyncio.start_server(self._client, a.host, a.port, limit=MAX_LINE + 2)
            else:
                import os

                if os.path.exists(a.path):
                    os.unlink(a.path)  # a socket left by an earlier run
                self._server = await asyncio.start_unix_server(self._client, a.path, limit=MAX_LINE + 2)
        except OSError as exc:
            raise DeviceError(_("The card reader address is busy or not allowed: {reason}").format(
                reason=exc.strerror or exc)) from None

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                try:
                    line = await reader.readline()
                except (ValueError, asyncio.LimitOverrunError):
                    self._answer(writer, _("The card reader sent too much data"))
                    self.on_error(_("The card reader sent too much data"))
                    break
                if not line:
                    break
                if not line.strip():
                    continue
                try:
                    card = parse_card_line(line.strip(), self.today())
                except ValidationError as exc:
                    self._answer(writer, exc.message)
                    self.on_error(_("Card refused: {reason}").format(reason=exc.message))
                else:
                    try:
                        self.on_card(card)  # the answer tells the bridge the desk has the card
                    except Exception as exc:  # noqa: BLE001
                        self._answer(writer, f"{type(exc).__name__}: {exc}"[:200])
                    else:
                        self._answer(writer, None)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    @staticmethod
    def _answer(writer: asyncio.StreamWriter, error: str | None) -> None:
        reply = {"ok": True} if error is None else {"ok": False, "error": error}
        writer.write(json.dumps(reply, ensure_ascii=False).encode("utf-8") + b"\n")


def send_card(address: str, card: dict[str, str], timeout: float = 5.0) -> dict[str, object]:
    """Play a reader bridge: send one card line, return wuye's answer (tests, devices test)."""
    a = parse_reader_address(address)
    if a.kind == "tcp":
        sock = socket.create_connection((a.host, a.port), timeout=timeout)
    else:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        sock.connect(a.path)
    with sock:
        sock.sendall(json.dumps(card, ensure_ascii=False).encode("utf-8") + b"\n")
        buf = b""
        while not buf.endswith(b"\n"):
            chunk = sock.recv(4096)
            if not chunk:
                break
            buf += chunk
    return json.loads(buf.decode("utf-8")) if buf else {"ok": False, "error": "no answer"}
