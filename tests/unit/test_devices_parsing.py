"""Device-level parsing: printer addresses, scanned QR texts, card lines, camera bodies,
and the slip bytes (GB18030 in Chinese mode, the QR stored for the printer to draw)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.fake_devices import decode_slip
from wuye_tui.devices import DeviceError
from wuye_tui.devices.idcard import parse_card_line, parse_reader_address
from wuye_tui.devices.lpr import BadReport, decode_body, parse_report
from wuye_tui.devices.printer import PrinterError, SlipDoc, parse_printer_url, render
from wuye_tui.devices.qr import parse_scan, terminal_lines
from wuye_tui.errors import ValidationError

ID1 = "11010519491231002X"


def test_printer_addresses():
    assert parse_printer_url("tcp://192.168.1.50").port == 9100
    t = parse_printer_url("tcp://10.0.0.2:9101")
    assert (t.kind, t.host, t.port) == ("tcp", "10.0.0.2", 9101)
    assert parse_printer_url("usb://04b8:0202").vendor == 0x04B8
    s = parse_printer_url("serial:///dev/ttyUSB0?baud=19200")
    assert (s.path, s.baud) == ("/dev/ttyUSB0", 19200)
    assert parse_printer_url("file:///tmp/x.bin").path == "/tmp/x.bin"
    for bad in ("", "lpt1", "tcp://", "usb://zz", "http://x"):
        with pytest.raises(PrinterError):
            parse_printer_url(bad)


def test_render_sends_chinese_as_gb18030_and_a_native_qr():
    data = render(SlipDoc(title="访客单", header="和谐家园", lines=[("访客", "欧**娜"), ("碼", "門崗")],
                          qr="WUYE:VISIT:7"))
    text, qrs = decode_slip(data)
    assert "访客单" in text and "欧**娜" in text and "門崗" in text  # traditional characters too
    assert qrs == ["WUYE:VISIT:7"]
    assert "访客".encode("gb18030") in data and "访客".encode("utf-8") not in data
    assert data.startswith(b"\x1b@")


def test_scans():
    assert parse_scan("WUYE:PRE:123456").value == "123456"
    assert parse_scan(" wuye:visit:42 ").kind == "visit"
    assert parse_scan("WUYE:PRE:1234") is None and parse_scan("123456") is None and parse_scan("[/]") is None
    lines = terminal_lines("WUYE:PRE:123456")
    assert len({len(x) for x in lines}) == 1 and len(lines) >= 12


def test_card_lines():
    card = parse_card_line(json.dumps({"name": "张三", "id_number": ID1.lower(), "valid_until": "20200101"}))
    assert card.id_number == ID1 and card.id_type == "resident_id" and card.expired(date(2026, 3, 2))
    assert not parse_card_line(json.dumps({"name": "张三", "id_number": ID1, "valid_until": "长期"})).expired(
        date(2026, 3, 2))
    with pytest.raises(ValidationError) as bad:
        parse_card_line(json.dumps({"name": "张三", "id_number": ID1[:-1] + "1"}))
    assert bad.value.field == "id_number"
    for line in (b"not json", b"[1]", json.dumps({"name": "[/]", "id_number": ID1}).encode(), b"x" * 5000):
        with pytest.raises(ValidationError):
            parse_card_line(line)


def test_reader_addresses():
    assert parse_reader_address("tcp://127.0.0.1:7001").port == 7001
    assert parse_reader_address("unix:///run/wuye/reader.sock").path == "/run/wuye/reader.sock"
    for bad in ("tcp://192.168.1.9:7001", "tcp://127.0.0.1", "pipe:x", ""):
        with pytest.raises(DeviceError):
            parse_reader_address(bad)


def test_camera_bodies():
    r = parse_report(decode_body(json.dumps({"AlarmInfoPlate": {"serialno": "s1", "ipaddr": "1.2.3.4", "result": {
        "PlateResult": {"license": "粤B12345"}}}}, ensure_ascii=False).encode("gb18030")))
    assert (r.camera, r.plate, r.style) == ("s1", "粤B12345", "vzenith")
    r = parse_report({"plate": "_无_", "camera": "c", "direction": "OUT"})
    assert (r.plate, r.direction, r.style) == ("", "out", "plain")
    for bad in ({}, {"AlarmInfoPlate": []}, {"AlarmInfoPlate": {"result": {"PlateResult": {}}}},
                {"plate": "x"}, {"plate": {"a": 1}, "camera": "c"}, {"plate": "x", "camera": "c", "direction": "up"}):
        with pytest.raises(BadReport):
            parse_report(bad)
    with pytest.raises(BadReport):
        decode_body(b"\xff\xfe{")


async def test_reader_server_on_a_unix_socket_answers_each_line(tmp_path):
    import asyncio

    from wuye_tui.devices.idcard import CardReaderServer, send_card

    cards, errors = [], []
    address = f"unix://{tmp_path}/reader.sock"
    server = CardReaderServer(address, cards.append, errors.append, lambda: date(2026, 3, 2))
    await server.start()
    try:
        ok = await asyncio.to_thread(send_card, address, {"name": "张三", "id_number": ID1})
        bad = await asyncio.to_thread(send_card, address, {"name": "张三", "id_number": "123"})
        huge = await asyncio.to_thread(send_card, address, {"name": "张三", "id_number": ID1, "address": "x" * 9000})
    finally:
        await server.stop()
    assert ok == {"ok": True} and [c.name for c in cards] == ["张三"]
    assert bad["ok"] is False and huge["ok"] is False and len(errors) == 2
