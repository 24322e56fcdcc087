"""Demo data for the gate: visitors (some on site now), refusals, pre-registrations,
vehicle movements, renovation permits with passes, release slips and a watch list.

``generate(site)`` makes a realistic volume over ``site.days`` (about 60 visits and 40
strange-vehicle movements a day per 800 households). ``generate(site, visits=2_000_000,
moves=1_000_000)`` builds the large site the benchmarks use: rows are streamed in chunks
of plain tuples through the driver's ``executemany``, with one audit row per table.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..models.gate import GateVisitor, VehicleMove, Visit
from ..services.core import audit
from .names import id_number, person_name, phone_number, plate_number

CHUNK = 20_000
PURPOSES = ("visit_friends",) * 6 + ("delivery",) * 5 + ("takeaway",) * 4 + ("repair", "housekeeping", "viewing",
                                                                            "official", "other")
APPROVALS = ("phone",) * 5 + ("host_present",) * 3 + ("prereg", "office")
STAY = {"delivery": 60, "takeaway": 30, "repair": 540, "housekeeping": 480, "viewing": 120}


class _Bulk:
    """Plain-tuple executemany on the raw driver connection (SQLite or psycopg)."""

    def __init__(self, site) -> None:  # type: ignore[no-untyped-def]
        self.db = site.ctx.db
        self.sqlite = self.db.is_sqlite

    def ts(self, dt: datetime | None):  # type: ignore[no-untyped-def]
        if dt is None:
            return None
        return dt.strftime("%Y-%m-%d %H:%M:%S.%f") if self.sqlite else dt

    def insert(self, table: str, columns: tuple[str, ...], rows: Iterator[tuple]) -> int:  # type: ignore[type-arg]
        mark = "?" if self.sqlite else "%s"
        sql = f'INSERT INTO {table} ({", ".join(columns)}) VALUES ({", ".join([mark] * len(columns))})'
        n = 0
        with self.db.engine.connect() as conn:
            raw = conn.connection.dbapi_connection
            cur = raw.cursor()
            chunk: list[tuple] = []  # type: ignore[type-arg]
            for row in rows:
                chunk.append(row)
                if len(chunk) >= CHUNK:
                    self._flush(raw, cur, sql, chunk)
                    n += len(chunk)
                    chunk = []
            if chunk:
                self._flush(raw, cur, sql, chunk)
                n += len(chunk)
            cur.close()
        return n

    def _flush(self, raw, cur, sql: str, chunk: list) -> None:  # type: ignore[no-untyped-def,type-arg]
        if self.sqlite:
            cur.execute("BEGIN IMMEDIATE")
            cur.executemany(sql, chunk)
            cur.execute("COMMIT")
        else:
            cur.executemany(sql, chunk)
            raw.commit()


def _next_id(session, model) -> int:  # type: ignore[no-untyped-def]
    return (session.execute(select(func.max(model.id))).scalar() or 0) + 1


def generate(site, visits: int | None = None, moves: int | None = None) -> None:  # type: ignore[no-untyped-def]
    from ..services.core.roster import pinyin_initials

    rng = site.rng
    households = max(1, len(site.unit_ids))
    n_visits = visits if visits is not None else site.days * max(10, 60 * households // 800)
    n_moves = moves if moves is not None else site.days * max(6, 40 * households // 800)
    guards = [a.id for a in site.actors if a.role == "guard"] or [None]
    bulk = _Bulk(site)
    start = site.now - timedelta(days=site.days)
    span = (site.now - start).total_seconds()
    open_tail = min(25, n_visits // 10)

    # visitors: a pool people return from; each visit picks one (returning visitors are common)
    n_people = max(1, n_visits // 4)
    pick = array("l", (min(n_people - 1, int(rng.paretovariate(1.2)) - 1 if rng.random() < 0.3
                           else rng.randrange(n_people)) for _ in range(n_visits)))
    last = array("l", [-1]) * n_people
    count = array("l", [0]) * n_people
    for i, p in enumerate(pick):
        last[p] = i
        count[p] += 1
    with site.ctx.db.read() as session:
        v0, p0, m0 = _next_id(session, Visit), _next_id(session, GateVisitor), _next_id(session, VehicleMove)

    def when(i: int, n: int) -> datetime:
        return start + timedelta(seconds=span * (i + rng.random() * 0.5) / max(1, n))

    initials_cache: dict[str, str] = {}
    people = []
    for _ in range(n_people):
        name = person_name(rng)
        if name not in initials_cache:
            initials_cache[name] = pinyin_initials(name)
        people.append((name, initials_cache[name], id_number(rng), phone_number(rng)))
    times = [when(i, n_visits) for i in range(n_visits)]

    def visitor_rows() -> Iterator[tuple]:  # type: ignore[type-arg]
        for k, (name, ini, idn, phone) in enumerate(people):
            seen = times[last[k]] if last[k] >= 0 else start
            yield (p0 + k, name, ini, "resident_id", idn, phone, v0 + last[k] if last[k] >= 0 else None,
                   bulk.ts(seen), count[k])

    bulk.insert("gate_visitor", ("id", "name", "initials", "id_type", "id_number", "phone", "last_visit_id",
                                 "last_seen_at", "visits"), visitor_rows())

    def visit_rows() -> Iterator[tuple]:  # type: ignore[type-arg]
        units = site.unit_ids
        for i in range(n_visits):
            k = pick[i]
            name, _ini, idn, phone = people[k]
            purpose = rng.choice(PURPOSES)
            t_in = times[i]
            stay = timedelta(minutes=STAY.get(purpose, 240))
            still = i >= n_visits - open_tail
            t_out = None if still else t_in + timedelta(minutes=rng.randrange(5, 300))
            guard = rng.choice(guards)
            plate = plate_number(rng) if rng.random() < 0.1 else ""
            yield (v0 + i, p0 + k, name, "resident_id", idn, phone, rng.choice((1, 1, 1, 2, 3)), rng.choice(units),
                   rng.choice(APPROVALS), purpose, plate, "", bulk.ts(t_in), bulk.ts(t_in + stay),
                   bulk.ts(t_out), guard, None if still else guard, False)

    nv = bulk.insert("gate_visit", ("id", "visitor_id", "name", "id_type", "id_number", "phone", "headcount",
                                    "host_unit_id", "approval", "purpose", "plate", "group_ref", "checked_in_at",
                                    "expected_out_at", "checked_out_at", "guard_id", "out_guard_id", "purged"),
                     visit_rows())
    times.clear()

    with site.ctx.db.read() as session:
        from ..models import ResidentVehicle, Resident

        resident_plates = session.execute(select(ResidentVehicle.plate, Resident.unit_id)
                                          .join(Resident, Resident.id == ResidentVehicle.resident_id)).all()
    strange = [plate_number(rng) for _ in range(max(1, n_moves // 20))]
    open_moves = min(15, n_moves // 10)

    def move_rows() -> Iterator[tuple]:  # type: ignore[type-arg]
        for i in range(n_moves):
            t_in = when(i, n_moves)
            still = i >= n_moves - open_moves
            t_out = None if still else t_in + timedelta(minutes=rng.randrange(5, 600))
            guard = rng.choice(guards)
            if resident_plates and rng.random() < 0.6:
                plate, unit = rng.choice(resident_plates)
                yield (m0 + i, plate, True, "car", unit, "", "", "", "", "", bulk.ts(t_in), bulk.ts(t_out), guard,
                       None if still else guard)
            else:
                kind = rng.choice(("car",) * 8 + ("taxi", "truck", "moving_van"))
                inspected = kind in ("truck", "moving_van")
                driver = person_name(rng)
                yield (m0 + i, rng.choice(strange), False, kind, rng.choice(site.unit_ids), driver,
                       phone_number(rng), rng.choice(PURPOSES), "货物已检查" if inspected else "",
                       driver if inspected else "", bulk.ts(t_in), bulk.ts(t_out), guard, None if still else guard)

    nm = bulk.insert("gate_vehicle", ("id", "plate", "resident", "kind", "unit_id", "driver", "phone", "purpose",
                                      "inspection", "driver_confirm", "in_at", "out_at", "guard_id", "out_guard_id"),
                     move_rows())
    _office_records(site)
    with site.ctx.db.write() as session:
        audit.record(session, None, site.now, "demo.gate", "gate_visit", "",
                     after={"visits": nv, "visitors": n_people, "vehicle_moves": nm})


def _office_records(site) -> None:  # type: ignore[no-untyped-def]
    """A few permits with passes, release slips, pre-registrations, refusals and watch entries."""
    from ..models.gate import (
        ContractorPass,
        PreRegistration,
        ReleaseSlip,
        RenovationPermit,
        VisitRefusal,
        WatchEntry,
    )

    rng, now = site.rng, site.now
    desk = site.staff.get("front_desk")
    sup = site.staff.get("supervisor")
    guard = site.staff.get("guard")
    today = site.ctx.local(now).date()
    with site.ctx.db.write() as session:
        for k in range(6):
            start = today - timedelta(days=rng.randrange(0, 20))
            permit = RenovationPermit(unit_id=rng.choice(site.unit_ids), company=rng.choice(
                ("好家装饰", "安居装修", "美家家装", "鑫达水电")), foreman=person_name(rng), phone=phone_number(rng),
                start_date=start, end_date=start + timedelta(days=rng.randrange(10, 40)), workers=3,
                issued_at=now - timedelta(days=20 - k), issued_by=desk.id if desk else None)
            session.add(permit)
            session.flush()
            for seq in (1, 2, 3):
                session.add(ContractorPass(number=f"P{permit.id:04d}-{seq:02d}", permit_id=permit.id, seq=seq,
                                           worker=person_name(rng)))
        for k in range(8):
            session.add(ReleaseSlip(unit_id=rng.choice(site.unit_ids), items=json.dumps(
                [[rng.choice(("冰箱", "旧沙发", "纸箱", "床垫", "电视机")), rng.randrange(1, 5)]], ensure_ascii=False),
                reason=rng.choice(("搬家", "旧物处理", "维修送修")), valid_on=today - timedelta(days=k % 3),
                approved_by=sup.id if sup else None, issued_at=now - timedelta(days=k % 3, hours=2),
                issued_by=desk.id if desk else None))
        for k in range(4):
            session.add(PreRegistration(code=f"{rng.randrange(100000, 999999)}", unit_id=rng.choice(site.unit_ids),
                                        name=person_name(rng), phone=phone_number(rng), created_at=now,
                                        created_by=desk.id if desk else None, valid_until=now + timedelta(hours=24)))
        for k in range(12):
            session.add(VisitRefusal(at=now - timedelta(days=rng.randrange(site.days or 1), hours=k),
                                     reason=rng.choice(("no_id", "host_refused", "peddler", "canvasser")),
                                     name=person_name(rng), guard_id=guard.id if guard else None))
        session.add(WatchEntry(name="钱多多", reason="多次上门推销，业主投诉", added_at=now, added_by=sup.id if sup else None))
        session.add(WatchEntry(plate="粤B00X99", reason="曾多次逃缴停车费", added_at=now, added_by=sup.id if sup else None))
        session.flush()
        audit.record(session, None, now, "demo.gate_office", "gate_permit", "", after={"permits": 6, "slips": 8})
