"""Plate cameras and their event queue.

Supervisors configure each camera (its id, a name, in or out, the gate). The receiver
(``wuye lpr listen``) queues what a configured camera read (``ingest``); events of unknown
or removed cameras are refused. A vehicle desk takes the oldest pending event
(``take_next``: a conditional UPDATE, so two desks never take the same one) and fills its
plate; a plate that fails GA 36 is kept as read and shown as unreadable for the guard to
type. Nothing here opens a barrier.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update

from ...clock import as_utc
from ...devices.lpr import PlateReport, UnknownCamera
from ...errors import NotFound, ValidationError
from ...i18n import _
from ...models.devices import PlateCamera, PlateEvent
from ...validators import clean_text, validate_plate
from ..core import audit
from ..core.context import ServiceContext
from ..core.permissions import GATE, SUPERVISORS, require

DIRECTIONS = ("in", "out")


def parse_direction(value: object) -> str:
    text = str(value or "").strip().lower()
    aliases = {"in": "in", "入": "in", "进": "in", "入口": "in", "out": "out", "出": "out", "出口": "out"}
    if text not in aliases:
        raise ValidationError("direction", _("Direction is in or out"))
    return aliases[text]


def add_camera(ctx: ServiceContext, serial: str, name: str, direction: str, gate: str = "") -> PlateCamera:
    require(ctx.actor, SUPERVISORS, _("configure plate cameras"))
    serial = clean_text(serial, field="serial", max_len=64, required=True)
    name = clean_text(name, field="name", max_len=40, required=True)
    d = parse_direction(direction)
    gate = clean_text(gate, field="gate", max_len=40)
    now = ctx.now()
    with ctx.db.write() as session:
        row = session.execute(select(PlateCamera).where(PlateCamera.serial == serial)).scalar()
        if row is not None and row.active:
            raise ValidationError("serial", _("A camera with this id is already configured"))
        if row is None:
            row = PlateCamera(serial=serial, name=name, direction=d, gate=gate, added_at=now, added_by=ctx.actor.id)
            session.add(row)
        else:  # a removed camera comes back
            row.name, row.direction, row.gate, row.active, row.added_at, row.added_by = (
                name, d, gate, True, now, ctx.actor.id)
        session.flush()
        audit.record(session, ctx.actor, now, "device.camera_add", "device_camera", row.id,
                     after={"serial": serial, "name": name, "direction": d, "gate": gate})
    return row


def remove_camera(ctx: ServiceContext, serial: str) -> None:
    require(ctx.actor, SUPERVISORS, _("configure plate cameras"))
    with ctx.db.write() as session:
        row = session.execute(select(PlateCamera).where(PlateCamera.serial == str(serial).strip(),
                                                        PlateCamera.active.is_(True))).scalar()
        if row is None:
            raise NotFound(_("No camera with this id"))
        row.active = False
        audit.record(session, ctx.actor, ctx.now(), "device.camera_remove", "device_camera", row.id,
                     before={"serial": row.serial, "name": row.name})


def cameras(ctx: ServiceContext) -> list[PlateCamera]:
    require(ctx.actor, GATE, _("see the plate cameras"))
    with ctx.db.read() as session:
        return list(session.execute(select(PlateCamera).where(PlateCamera.active.is_(True))
                                    .order_by(PlateCamera.name)).scalars())


def camera_ids(ctx: ServiceContext) -> list[str]:
    """The ids of the configured cameras (for a test post; ids are not personal data)."""
    with ctx.db.read() as session:
        return list(session.execute(select(PlateCamera.serial).where(PlateCamera.active.is_(True))
                                    .order_by(PlateCamera.id)).scalars())


def ingest(ctx: ServiceContext, report: PlateReport) -> int:
    """Queue one camera report; returns the event id. Raises UnknownCamera for a camera
    that is not configured (the receiver answers 403). The camera is the one acting here:
    no staff member is needed."""
    raw = report.plate.strip()[:20]
    try:
        plate = validate_plate(raw) if raw else ""
    except ValidationError:
        plate = ""
    with ctx.db.write() as session:
        cam = session.execute(select(PlateCamera.id, PlateCamera.direction)
                              .where(PlateCamera.serial == report.camera, PlateCamera.active.is_(True))).first()
        if cam is None:
            raise UnknownCamera(report.camera)
        row = PlateEvent(received_at=ctx.now(), camera_id=cam[0], plate=plate, raw_plate=raw,
                         direction=report.direction or cam[1], shot_at=report.time[:32], status="pending")
        session.add(row)
        session.flush()
        return row.id  # type: ignore[return-value]


@dataclass(frozen=True)
class PlateEventView:
    event_id: int
    plate: str  # "" when unreadable
    raw_plate: str
    direction: str
    camera: str
    gate: str
    received_at: datetime

    @property
    def readable(self) -> bool:
        return bool(self.plate)


def _view(row) -> PlateEventView:  # type: ignore[no-untyped-def]
    ev, name, gate = row
    return PlateEventView(ev.id, ev.plate, ev.raw_plate, ev.direction, name, gate, as_utc(ev.received_at))


def take_next(ctx: ServiceContext) -> PlateEventView | None:
    """The oldest pending plate event, now taken by this guard (None if none waits)."""
    require(ctx.actor, GATE, _("register vehicles"))
    with ctx.db.read() as session:  # the desks poll: a read first, a write only when one waits
        if session.execute(select(PlateEvent.id).where(PlateEvent.status == "pending").limit(1)).first() is None:
            return None
    for _attempt in range(5):
        with ctx.db.write() as session:
            row = session.execute(select(PlateEvent, PlateCamera.name, PlateCamera.gate)
                                  .join(PlateCamera, PlateCamera.id == PlateEvent.camera_id)
                                  .where(PlateEvent.status == "pending").order_by(PlateEvent.id).limit(1)).first()
            if row is None:
                return None
            done = session.execute(update(PlateEvent).where(PlateEvent.id == row[0].id,
                                                            PlateEvent.status == "pending")
                                   .values(status="taken", taken_at=ctx.now(), taken_by=ctx.actor.id)).rowcount
            if done == 1:
                return _view(row)
    return None


def pending_count(ctx: ServiceContext) -> int:
    require(ctx.actor, GATE, _("register vehicles"))
    with ctx.db.read() as session:
        return int(session.execute(select(func.count()).select_from(PlateEvent)
                                   .where(PlateEvent.status == "pending")).scalar() or 0)


def recent_events(ctx: ServiceContext, limit: int = 50) -> list[PlateEventView]:
    require(ctx.actor, GATE, _("register vehicles"))
    with ctx.db.read() as session:
        rows = session.execute(select(PlateEvent, PlateCamera.name, PlateCamera.gate)
                               .join(PlateCamera, PlateCamera.id == PlateEvent.camera_id)
                               .order_by(PlateEvent.id.desc()).limit(limit)).all()
    return [_view(r) for r in rows]
