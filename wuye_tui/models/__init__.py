"""SQLModel tables, one module per area. Importing this package registers them all."""

from __future__ import annotations

from . import complaints, gate, guard  # noqa: F401  (register the area tables)
from . import devices  # noqa: F401  (gate devices: cameras and plate events)
from .audit import AuditEntry  # noqa: F401
from .base import metadata  # noqa: F401
from .escalation import Escalation, EscalationEvent, NotifyOutbox, ReminderClaim  # noqa: F401
from .security import AuthThrottle  # noqa: F401
from .people import Building, Resident, ResidentVehicle, Setting, Staff, StaffSession, Unit  # noqa: F401
