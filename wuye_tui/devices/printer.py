"""ESC/POS slip printing with python-escpos.

A slip is built as a :class:`SlipDoc` (title, label/value lines, an optional QR payload)
and rendered to ESC/POS bytes with python-escpos's ``Dummy`` printer. Chinese text goes
out as raw GB18030 bytes inside the printer's Chinese character mode (``FS &`` ... ``FS .``):
python-escpos's own ``text()`` picks a single-byte code page and cannot encode Chinese
(its known pitfall), so only the layout commands and the QR code (``GS ( k``, drawn by
the printer) come from the library.

Where the bytes go is a URL (the ``printer_url`` setting):

- ``tcp://192.168.1.50:9100`` a network printer (raw port 9100)
- ``usb://04b8:0202`` a USB printer by vendor:product id (needs ``pyusb``)
- ``serial:///dev/ttyUSB0?baud=9600`` a serial printer (needs ``pyserial``)
- ``file:///dev/usb/lp0`` or any file path (a test printer, a parallel/usb lp device)

Every send has a deadline (``timeout``): a printer that is off, out of paper or hanging
raises :class:`PrinterError` with a clear message instead of blocking the desk.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from . import DeviceError
from ..i18n import _

FS_CHINESE_ON = b"\x1c&"  # FS & : select Chinese character mode (GB18030 on Chinese printers)
FS_CHINESE_OFF = b"\x1c."  # FS . : cancel Chinese character mode
DLE_EOT_PAPER = b"\x10\x04\x04"  # real-time status: paper roll sensor
PAPER_END_BITS = 0x60  # bits 5-6 of the paper status byte: roll end detected
PAPER_NEAR_END_BITS = 0x0C  # bits 2-3: roll near end
WIDTH = 32  # characters per line on a 58 mm roll (font A); 80 mm rolls take 48


class PrinterError(DeviceError):
    """The printer could not print (off, out of paper, not answering, misconfigured)."""


@dataclass(frozen=True)
class PrinterTarget:
    kind: str  # tcp / usb / serial / file
    host: str = ""
    port: int = 9100
    path: str = ""
    vendor: int = 0
    product: int = 0
    baud: int = 9600

    @property
    def label(self) -> str:
        if self.kind == "tcp":
            return f"tcp://{self.host}:{self.port}"
        if self.kind == "usb":
            return f"usb://{self.vendor:04x}:{self.product:04x}"
        return f"{self.kind}://{self.path}"


def parse_printer_url(url: str) -> PrinterTarget:
    """The printer named by a setting value; raises PrinterError for a bad one."""
    text = (url or "").strip()
    if not text:
        raise PrinterError(_("No slip printer is set up (setting printer_url)"))
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    try:
        if scheme == "tcp":
            if not parts.hostname:
                raise ValueError
            return PrinterTarget("tcp", host=parts.hostname, port=parts.port or 9100)
        if scheme == "usb":
            vendor, product = (parts.netloc or parts.path.lstrip("/")).split(":")
            return PrinterTarget("usb", vendor=int(vendor, 16), product=int(product, 16))
        if scheme == "serial":
            baud = int(parse_qs(parts.query).get("baud", ["9600"])[0])
            path = (parts.netloc + parts.path) or ""
            if not path:
                raise ValueError
            return PrinterTarget("serial", path=path, baud=baud)
        if scheme == "file":
            path = parts.netloc + parts.path
            if not path:
                raise ValueError
            return PrinterTarget("file", path=path)
    except ValueError:
        pass
    raise PrinterError(_("Printer address not understood: use tcp://IP:9100, usb://VID:PID, "
                         "serial:///dev/ttyUSB0?baud=9600 or file:///path"))


# --------------------------------------------------------------------------- the slip


@dataclass
class SlipDoc:
    title: str
    lines: list[tuple[str, str]] = field(default_factory=list)
    qr: str = ""  # payload of the QR code printed under the lines
    qr_caption: str = ""
    header: str = ""  # the site's name, printed first
    footer: str = ""

    def text_lines(self) -> list[str]:
        """The slip as plain text (what the printer prints, for screens and tests)."""
        out = [self.header, self.title, "-" * WIDTH] if self.header else [self.title, "-" * WIDTH]
        out += [f"{label}: {value}" for label, value in self.lines]
        if self.qr_caption:
            out.append(self.qr_caption)
        if self.footer:
            out.append(self.footer)
        return out


def _cn(printer, text: str) -> None:  # type: ignore[no-untyped-def]
    """Send text as GB18030 bytes in Chinese mode (never through escpos's code pages)."""
    printer._raw(FS_CHINESE_ON + text.encode("gb18030", errors="replace") + FS_CHINESE_OFF)


def render(doc: SlipDoc) -> bytes:
    """ESC/POS bytes of a slip."""
    from escpos.printer import Dummy

    p = Dummy()
    p.hw("INIT")
    if doc.header:
        p.set(align="center", bold=False, normal_textsize=True)
        _cn(p, doc.header + "\n")
    p.set(align="center", bold=True, double_height=True, double_width=True)
    _cn(p, doc.title + "\n")
    p.set(align="left", bold=False, normal_textsize=True)
    _cn(p, "-" * WIDTH + "\n")
    for label, value in doc.lines:
        _cn(p, f"{label}: {value}\n")
    if doc.qr:
        p.set(align="center")
        p.qr(doc.qr, native=True, size=6)
        if doc.qr_caption:
            _cn(p, doc.qr_caption + "\n")
    if doc.footer:
        p.set(align="center")
        _cn(p, doc.footer + "\n")
    p.set(align="left")
    p.cut()
    return p.output


# --------------------------------------------------------------------------- sending


def _open(target: PrinterTarget, timeout: float):  # type: ignore[no-untyped-def]
    from escpos import printer as ep

    if target.kind == "tcp":
        p = ep.Network(target.host, port=target.port, timeout=timeout)
    elif target.kind == "file":
        p = ep.File(target.path)
    elif target.kind == "serial":
        if not ep.Serial.is_usable():
            raise PrinterError(_("A serial printer needs the pyserial package: pip install pyserial"))
        p = ep.Serial(target.path, baudrate=target.baud, timeout=timeout)
    else:
        if not ep.Usb.is_usable():
            raise PrinterError(_("A USB printer needs the pyusb package: pip install pyusb"))
        p = ep.Usb(target.vendor, target.product, timeout=int(timeout * 1000))
    p.open()
    return p


def _paper_check(p, target: PrinterTarget, timeout: float) -> None:  # type: ignore[no-untyped-def]
    """Ask a network printer for its paper sensor (DLE EOT 4) and wait ``timeout`` for the
    answer: no answer means the printer hangs; the roll-end bits mean no paper."""
    if target.kind != "tcp":
        return
    p._raw(DLE_EOT_PAPER)
    try:
        status = p._read()
    except (socket.timeout, TimeoutError):
        raise PrinterError(_("The printer at {where} does not answer (paper cover open, jammed or busy?)").format(
            where=target.label)) from None
    if not status:
        raise PrinterError(_("The printer at {where} closed the connection").format(where=target.label))
    if status[0] & PAPER_END_BITS:
        raise PrinterError(_("The printer is out of paper: load a new roll and print again"))


def send(url: str, data: bytes, timeout: float = 5.0, status_check: bool = True) -> None:
    """Send ESC/POS bytes to the printer at ``url`` within ``timeout`` seconds in all."""
    target = parse_printer_url(url)
    result: list[BaseException | None] = []

    def job() -> None:
        p = None
        try:
            p = _open(target, timeout)
            if status_check:
                _paper_check(p, target, timeout)
            p._raw(data)
            if hasattr(p, "flush"):
                p.flush()
            result.append(None)
        except BaseException as exc:  # noqa: BLE001 (handed to the caller below)
            result.append(exc)
        finally:
            if p is not None:
                try:
                    p.close()
                except Exception:  # noqa: BLE001
                    pass

    worker = threading.Thread(target=job, name="wuye-print", daemon=True)
    worker.start()
    worker.join(timeout + 1.0)
    if worker.is_alive() or not result:
        raise PrinterError(_("The printer at {where} did not finish within {n} seconds").format(
            where=target.label, n=int(timeout)))
    exc = result[0]
    if exc is None:
        return
    if isinstance(exc, PrinterError):
        raise exc
    raise _explain(exc, target) from None


def _explain(exc: BaseException, target: PrinterTarget) -> PrinterError:
    from escpos.exceptions import DeviceNotFoundError

    if isinstance(exc, (socket.timeout, TimeoutError)):
        return PrinterError(_("The printer at {where} does not answer (paper cover open, jammed or busy?)").format(
            where=target.label))
    if isinstance(exc, (DeviceNotFoundError, ConnectionError)):
        return PrinterError(_("The printer at {where} is off or unreachable").format(where=target.label))
    if isinstance(exc, OSError):
        return PrinterError(_("The printer at {where} failed: {reason}").format(
            where=target.label, reason=exc.strerror or type(exc).__name__))
    return PrinterError(_("The printer at {where} failed: {reason}").format(
        where=target.label, reason=type(exc).__name__))


def test_page(site: str, now_text: str) -> SlipDoc:
    """A page that shows Chinese, the layout and a QR code print correctly."""
    return SlipDoc(title=_("Printer test"), header=site,
                   lines=[(_("Chinese"), "中文打印测试 物业 門崗"), (_("Time"), now_text)],
                   qr="WUYE:TEST", qr_caption=_("Scan: WUYE:TEST"))
