"""Plate cameras: a fake camera posts both push formats to the real HTTP receiver."""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

pytestmark = pytest.mark.pg

SERIAL = "e4c5f0a1-5b0a7b3c"


def vz(plate: str, serial: str = SERIAL) -> dict:  # type: ignore[type-arg]
    return {"AlarmInfoPlate": {"channel": 0, "deviceName": "IVS", "ipaddr": "192.168.1.64", "serialno": serial,
                               "result": {"PlateResult": {"license": plate, "colorType": 1, "confidence": 98,
                                                          "timeStamp": {"Timeval": {"sec": 1772413200}}}}}}


@pytest.fixture
def receiver(gate_site):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.lpr import Receiver
    from wuye_tui.services.devices import cameras as device_lpr
    from wuye_tui.services.core.context import ServiceContext

    device_lpr.add_camera(gate_site.sup, SERIAL, "东门入口", "in", "东门")
    device_lpr.add_camera(gate_site.sup, "east-out", "东门出口", "out", "东门")
    system = ServiceContext(db=gate_site.guard.db, clock=gate_site.clock)
    r = Receiver(lambda report: device_lpr.ingest(system, report)).start()
    yield r
    r.stop()


def test_both_formats_are_queued_and_answered_as_their_protocol_expects(gate_site, receiver):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.lpr import post
    from wuye_tui.services.devices import cameras as device_lpr

    status, body = post(receiver.url, vz("京A12345"))
    assert (status, body) == (200, {"Response_AlarmInfoPlate": {"info": "ok"}})
    status, body = post(receiver.url + "plate", {"plate": "粤b·d12345", "camera": "east-out", "direction": "out",
                                                 "time": "2026-03-02 09:01:00"})
    assert status == 200 and body["ok"] is True
    first = device_lpr.take_next(gate_site.guard)
    second = device_lpr.take_next(gate_site.guard2)
    assert (first.plate, first.direction, first.camera, first.gate) == ("京A12345", "in", "东门入口", "东门")
    assert (second.plate, second.direction) == ("粤BD12345", "out")  # normalised by GA 36
    assert device_lpr.take_next(gate_site.guard) is None


def test_gb18030_body_and_unreadable_plate(gate_site, receiver):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.lpr import post
    from wuye_tui.services.devices import cameras as device_lpr

    assert post(receiver.url, json.dumps(vz("沪C88888"), ensure_ascii=False).encode("gb18030"))[0] == 200
    assert post(receiver.url, vz("_无_"))[0] == 200
    assert post(receiver.url, vz("X1"))[0] == 200
    got = [device_lpr.take_next(gate_site.guard) for _ in range(3)]
    assert got[0].plate == "沪C88888"
    assert [(g.plate, g.raw_plate, g.readable) for g in got[1:]] == [("", "", False), ("", "X1", False)]


def test_unknown_malformed_and_oversized_are_refused_with_a_log_line(gate_site, receiver, caplog):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.lpr import MAX_BODY, post
    from wuye_tui.services.devices import cameras as device_lpr

    caplog.set_level(logging.INFO, logger="wuye.lpr")
    assert post(receiver.url, vz("京A12345", serial="stranger"))[0] == 403
    assert post(receiver.url, b"{not json")[0] == 400
    assert post(receiver.url, {"AlarmInfoPlate": {"serialno": SERIAL}})[0] == 400
    assert post(receiver.url, {"plate": "京A12345", "camera": "east-out", "direction": "sideways"})[0] == 400
    assert post(receiver.url, b"[1, 2]")[0] == 400
    assert post(receiver.url, b"x" * (MAX_BODY + 10))[0] == 413
    refused = [r for r in caplog.records if r.name == "wuye.lpr" and "refused" in r.getMessage()]
    assert len(refused) == 6
    assert device_lpr.pending_count(gate_site.guard) == 0
    assert post(receiver.url, vz("京A12345"))[0] == 200  # and it goes on


def test_a_burst_of_fifty_events_is_held_without_loss(gate_site, receiver):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.lpr import post
    from wuye_tui.services.devices import cameras as device_lpr

    plates = [f"京A{10000 + i}" for i in range(50)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda p: post(receiver.url, vz(p)), plates))
    assert all(a[0] == 200 for a in answers)
    assert device_lpr.pending_count(gate_site.guard) == 50
    taken = []
    while (ev := device_lpr.take_next(gate_site.guard)) is not None:
        taken.append(ev.plate)
    assert sorted(taken) == sorted(plates)


def test_camera_configuration(gate_site):  # type: ignore[no-untyped-def]
    from wuye_tui.errors import PermissionDenied, ValidationError
    from wuye_tui.services.devices import cameras as device_lpr

    with pytest.raises(PermissionDenied):
        device_lpr.add_camera(gate_site.guard, "c1", "西门", "in")
    with pytest.raises(ValidationError):
        device_lpr.add_camera(gate_site.sup, "c1", "西门", "up")
    device_lpr.add_camera(gate_site.sup, "c1", "西门", "入")
    with pytest.raises(ValidationError):
        device_lpr.add_camera(gate_site.sup, "c1", "西门", "in")
    device_lpr.remove_camera(gate_site.sup, "c1")
    assert device_lpr.cameras(gate_site.guard) == []
    device_lpr.add_camera(gate_site.sup, "c1", "西门二", "out")
    assert [(c.name, c.direction) for c in device_lpr.cameras(gate_site.guard)] == [("西门二", "out")]
