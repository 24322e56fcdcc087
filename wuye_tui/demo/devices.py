"""Demo gate devices: the east gate's two plate cameras, so that
``wuye devices test camera --camera demo-east-in`` against ``wuye lpr listen`` works at once.
The printer and the card reader stay unset (they name this computer's devices)."""

from __future__ import annotations

from ..services.devices import cameras as device_lpr


def generate(site) -> None:  # type: ignore[no-untyped-def]
    sup = site.as_role("supervisor")
    device_lpr.add_camera(sup, "demo-east-in", "东门入口", "in", "东门")
    device_lpr.add_camera(sup, "demo-east-out", "东门出口", "out", "东门")
