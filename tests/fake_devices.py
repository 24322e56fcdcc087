"""The fake devices the tests talk to (real local peers): see wuye_tui/devices/fakes.py."""

from wuye_tui.devices.fakes import PAPER_OK, PAPER_OUT, FakePrinter, decode_slip, free_port  # noqa: F401
