"""The demo generator: a realistic site (Chinese names, units, phones, plates, staff of
every role) plus, from each area module present, its registers over the days asked.
The benchmark suite uses the same generator to build large sites."""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select

from ..clock import Clock, SystemClock
from ..db import Database
from ..models import Building, Resident, ResidentVehicle, Staff, Unit
from ..services.core import audit
from ..services.core.context import Actor, ServiceContext
from ..services.core.roster import pinyin_initials
from ..services.core.security import hash_pin
from .names import person_name, phone_number, plate_number

DEMO_STAFF = (
    ("李经理", "manager", "8888"),
    ("王主管", "supervisor", "1234"),
    ("张保安", "guard", "1111"),
    ("赵保安", "guard", "2222"),
    ("陈客服", "front_desk", "3333"),
)
AREA_MODULES = ("gate", "complaints", "guard", "devices")


@dataclass
class DemoSite:
    ctx: ServiceContext
    rng: random.Random
    days: int
    now: datetime
    staff: dict[str, Actor] = field(default_factory=dict)  # by role: the first of that role
    actors: list[Actor] = field(default_factory=list)
    unit_ids: list[int] = field(default_factory=list)
    unit_codes: list[str] = field(default_factory=list)

    def as_role(self, role: str) -> ServiceContext:
        return self.ctx.as_actor(self.staff[role])


def _insert_staff(db: Database, now: datetime) -> list[Actor]:
    from ..services.core.security import pepper_for

    actors = []
    pepper = pepper_for(db)
    hashes = {name: hash_pin(pin, pepper) for name, _r, pin in DEMO_STAFF}  # slow: before the transaction
    with db.write() as session:
        for name, role, pin in DEMO_STAFF:
            s = Staff(name=name, role=role, pin_hash=hashes[name], created_at=now)
            session.add(s)
            session.flush()
            actors.append(Actor(s.id, name, role))
            audit.record(session, actors[0], now, "staff.add", "staff", s.id, after={"name": name, "role": role})
    return actors


def _insert_roster(db: Database, rng: random.Random, households: int, now: datetime) -> tuple[list[int], list[str]]:
    per_building = 4 * 2 * 18  # 4 entrances? keep 2 entrances x 18 floors x 4 rooms
    buildings = max(1, -(-households // per_building))
    unit_ids: list[int] = []
    codes: list[str] = []
    used_plates: set[str] = set()
    with db.write() as session:
        made = 0
        for b in range(1, buildings + 1):
            building = Building(name=f"{b}栋", zone=f"{(b - 1) // 3 + 1}区")
            session.add(building)
            session.flush()
            unit_rows = []
            for e in (1, 2):
                for floor in range(1, 19):
                    for room in range(1, 5):
                        if made >= households:
                            break
                        code = f"{b}栋{e}单元{floor}{room:02d}"
                        unit_rows.append({"building_id": building.id, "entrance": f"{e}单元",
                                          "room": f"{floor}{room:02d}", "code": code})
                        made += 1
            if not unit_rows:
                break
            session.execute(insert(Unit), unit_rows)
        rows = session.execute(select(Unit.id, Unit.code).order_by(Unit.id)).all()
        unit_ids = [r[0] for r in rows]
        codes = [r[1] for r in rows]
        residents = []
        for uid in unit_ids:
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                name = person_name(rng)
                residents.append({"unit_id": uid, "name": name, "phone": phone_number(rng),
                                  "initials": pinyin_initials(name), "active": True})
        for start in range(0, len(residents), 2000):
            session.execute(insert(Resident), residents[start:start + 2000])
        res_ids = session.execute(select(Resident.id)).scalars().all()
        vehicles = []
        for rid in res_ids:
            if rng.random() < 0.35:
                plate = plate_number(rng)
                if plate not in used_plates:
                    used_plates.add(plate)
                    vehicles.append({"resident_id": rid, "plate": plate})
        for start in range(0, len(vehicles), 2000):
            session.execute(insert(ResidentVehicle), vehicles[start:start + 2000])
        audit.record(session, None, now, "demo.roster", "unit", "",
                     after={"units": len(unit_ids), "residents": len(residents), "vehicles": len(vehicles)})
    return unit_ids, codes


def build_demo(db: Database, households: int = 800, days: int = 90, seed: int = 1,
               clock: Clock | None = None, areas: tuple[str, ...] = AREA_MODULES,
               progress=None) -> DemoSite:  # type: ignore[no-untyped-def]
    """Fill an empty, upgraded database. Each area module adds its registers."""
    clock = clock or SystemClock()
    now = clock.now()
    with db.read() as session:
        if session.execute(select(func.count()).select_from(Staff)).scalar_one():
            raise ValueError("the demo database is not empty")
    rng = random.Random(seed)
    actors = _insert_staff(db, now)
    unit_ids, codes = _insert_roster(db, rng, households, now)
    site = DemoSite(ServiceContext(db=db, clock=clock), rng, days, now, actors=actors,
                    unit_ids=unit_ids, unit_codes=codes)
    for a in actors:
        site.staff.setdefault(a.role, a)
    for name in areas:
        module = importlib.import_module(f"{__name__}.{name}")
        if progress:
            progress(name)
        module.generate(site)
    return site
