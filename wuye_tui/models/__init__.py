"""SQLModel tables, one module per area. Importing this package registers them all."""

from __future__ import annotations

import importlib

from .base import metadata  # noqa: F401
from .audit import AuditEntry  # noqa: F401
from .escalation import Escalation, EscalationEvent  # noqa: F401
from .people import Building, Resident, ResidentVehicle, Setting, Staff, StaffSession, Unit  # noqa: F401

# Area modules added by later features; each registers its own tables on import.
AREA_MODULES = ("gate", "complaints", "guard", "reports")
for _name in AREA_MODULES:
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as exc:  # only a missing area module is tolerated
        if exc.name != f"{__name__}.{_name}":
            raise
