"""Slip printing against a fake ESC/POS network printer (a TCP server in the test)."""

from __future__ import annotations

import time

import pytest

from tests.fake_devices import PAPER_OUT, FakePrinter, decode_slip, free_port
from tests.services.conftest_gate import visitor

pytestmark = pytest.mark.pg


@pytest.fixture
def printer():  # type: ignore[no-untyped-def]
    p = FakePrinter()
    yield p
    p.close()


def _use(ctx, url, **more):  # type: ignore[no-untyped-def]
    from wuye_tui.services.core import settings

    settings.update(ctx, **{"printer_url": url, "printer_timeout_seconds": 2, **more})


def test_visitor_slip_prints_chinese_in_gb18030_and_the_checkout_qr(gate_site, printer):  # type: ignore[no-untyped-def]
    from wuye_tui.services.devices import slips as device_print
    from wuye_tui.services.gate import visits as gate_visits

    _use(gate_site.sup, printer.url)
    v = gate_visits.check_in(gate_site.guard, visitor(name="欧阳娜娜"))
    device_print.print_slip(gate_site.guard, "visitor", v.id)
    data = printer.wait_jobs(1)[0]
    text, qrs = decode_slip(data)
    assert "访客单" in text and "欧**娜" in text and "欧阳娜娜" not in text
    assert "3-2-1202" in text or "1202" in text
    assert "和谐家园" in text or text  # the site's name heads the slip
    assert "张保安" in text  # the guard
    assert qrs == [f"WUYE:VISIT:{v.id}"]
    assert b"\x1d(k" in data and data.endswith(b"\x1dV\x00")  # native QR and the cut


def test_pass_and_release_slips(gate_site, printer):  # type: ignore[no-untyped-def]
    from wuye_tui.services.devices import slips as device_print
    from wuye_tui.services.gate import passes as gate_passes, slips as gate_slips

    _use(gate_site.sup, printer.url)
    _permit, numbers = gate_passes.issue_permit(gate_site.desk, "3栋2单元1202", "安居装修", "刘工", "13911112222",
                                                "2026-03-01", "2026-03-20", 2)
    device_print.print_slip(gate_site.guard, "pass", numbers[0])
    slip = gate_slips.issue_slip(gate_site.desk, "3栋2单元1202", "冰箱 1; 纸箱 3", "搬家", None, "")
    device_print.print_slip(gate_site.guard, "release", gate_slips.slip_number(slip.id))
    jobs = printer.wait_jobs(2)
    text1, qr1 = decode_slip(jobs[0])
    text2, qr2 = decode_slip(jobs[1])
    assert "临时出入证" in text1 and "安居装修" in text1 and qr1 == [numbers[0]]
    assert "放行条" in text2 and "冰箱" in text2 and qr2 == [gate_slips.slip_number(slip.id)]


def test_printer_off_out_of_paper_and_hanging_give_clear_messages(gate_site):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.printer import PrinterError
    from wuye_tui.services.devices import slips as device_print
    from wuye_tui.services.gate import visits as gate_visits

    v = gate_visits.check_in(gate_site.guard, visitor())
    _use(gate_site.sup, f"tcp://127.0.0.1:{free_port()}")
    with pytest.raises(PrinterError, match="关机|无法连接"):
        device_print.print_slip(gate_site.guard, "visitor", v.id)
    out = FakePrinter(answer=PAPER_OUT)
    hang = FakePrinter(answer=None)
    try:
        _use(gate_site.sup, out.url)
        with pytest.raises(PrinterError, match="缺纸"):
            device_print.print_slip(gate_site.guard, "visitor", v.id)
        _use(gate_site.sup, hang.url, printer_timeout_seconds=1)
        t0 = time.monotonic()
        with pytest.raises(PrinterError, match="没有响应"):
            device_print.print_slip(gate_site.guard, "visitor", v.id)
        assert time.monotonic() - t0 < 3
    finally:
        out.close()
        hang.close()
    # the record is still there, untouched by the failed prints
    assert [r.visit_id for r in gate_visits.on_site(gate_site.guard)] == [v.id]


def test_no_printer_set_up_and_bad_addresses(gate_site):  # type: ignore[no-untyped-def]
    from wuye_tui.devices.printer import PrinterError
    from wuye_tui.errors import ValidationError
    from wuye_tui.services.devices import slips as device_print
    from wuye_tui.services.gate import visits as gate_visits
    from wuye_tui.services.core import settings

    v = gate_visits.check_in(gate_site.guard, visitor())
    with pytest.raises(PrinterError, match="printer_url"):
        device_print.print_slip(gate_site.guard, "visitor", v.id)
    with pytest.raises(ValidationError):
        settings.update(gate_site.sup, printer_url="lpt1")
    with pytest.raises(ValidationError):
        settings.update(gate_site.sup, auto_print_visitor="perhaps")
    assert settings.update(gate_site.sup, auto_print_visitor="on").auto_print_visitor is True
    assert device_print.auto_print(gate_site.guard, "visitor") is False  # no printer: nothing to print on


def test_file_printer(gate_site, tmp_path):  # type: ignore[no-untyped-def]
    from wuye_tui.services.devices import slips as device_print
    from wuye_tui.services.gate import visits as gate_visits

    out = tmp_path / "slip.bin"
    _use(gate_site.sup, f"file://{out}")
    v = gate_visits.check_in(gate_site.guard, visitor())
    device_print.print_slip(gate_site.guard, "visitor", v.id)
    text, qrs = decode_slip(out.read_bytes())
    assert "张*" in text and qrs == [f"WUYE:VISIT:{v.id}"]
