"""The ``wuye`` command: the root app (``root``) with every area's commands registered.

``wuye_tui.launch`` starts the TUI without building any of this when no subcommand is given.
"""

from __future__ import annotations

from .root import _language_from_argv, app  # noqa: F401  (the tests and main use them)
from . import core as admin, alarms, complaints, demo, devices, gate, guard, printing, reports, site  # noqa: E402,F401,I001  (register the commands)


def main() -> None:
    app(prog_name="wuye")
