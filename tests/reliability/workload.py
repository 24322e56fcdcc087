"""Writers for the reliability tests: real terminals' work through the SERVICES.

Each worker runs in its own process (forked), opens its own ``Database`` and loops until
its time is up. After a service call RETURNS (the transaction committed), it appends one
line ``kind id`` to its acknowledgement file with a single ``os.write`` on an O_APPEND
descriptor: the kernel keeps the line even if the process is killed right after. Any
exception (a "database is locked" included) is written to the file as ``error ...`` and
ends the worker with exit code 3, the way it would reach a user.

Gate workers register visitors and check them out (wuye_tui.services.gate.visits); the
front desk logs complaints (services.complaints) and adds residents; the supervisor adds
staff, acknowledges escalations, changes settings and logs in. When an area's services
are missing the worker falls back to core services (escalations).
"""

from __future__ import annotations

import os
import random
import time
import traceback
from collections import defaultdict
from pathlib import Path

ID_NUMBER = "11010519491231002X"


def id_number(rng: random.Random) -> str:
    """A valid, practically unique 18-digit ID (one visitor, one visit: no two on site share one)."""
    from wuye_tui.validators import id_check_digit

    first17 = f"110105{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    return first17 + id_check_digit(first17)
NAMES = ("张三", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞", "徐明", "孙丽")
GIVEN = ("明", "华", "强", "丽", "军", "平", "刚", "桂英", "秀兰", "建国", "志强", "海燕")
UNITS = (("1栋", "1单元", "101", "张伟", "13800138001"), ("1栋", "1单元", "102", "李娜", "13800138002"),
         ("2栋", "1单元", "301", "刘洋", "13800138004"), ("3栋", "2单元", "1202", "李四", "13912345678"))
UNIT_CODES = tuple(f"{b}{e}{r}" for b, e, r, _n, _p in UNITS)


class Ack:
    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def __call__(self, kind: str, ident: object) -> None:
        os.write(self.fd, f"{kind} {ident}\n".encode())


def read_acks(*paths: Path) -> tuple[dict[str, set[str]], list[str]]:
    acks: dict[str, set[str]] = defaultdict(set)
    errors: list[str] = []
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            kind, _sp, ident = line.partition(" ")
            if kind == "error":
                errors.append(ident)
            elif ident:
                acks[kind].add(ident)
    return acks, errors


def seed(db_url: str) -> dict[str, tuple[int, str, str]]:
    """Staff for the four terminals (id, name, role) and a small roster, via services."""
    from wuye_tui.db import Database
    from wuye_tui.services.core import roster, staff
    from wuye_tui.services.core.context import ServiceContext

    db = Database(db_url)
    try:
        ctx = ServiceContext(db=db)
        first = staff.create_first_supervisor(ctx, "王主管", "1234")
        sup = ctx.as_actor(staff.actor_of(first))
        people = {"supervisor": (first.id, "王主管", "supervisor")}
        for key, name, role in (("gate1", "张保安", "guard"), ("gate2", "李保安", "guard"),
                                ("desk", "陈客服", "front_desk")):
            s = staff.add(sup, name, role, "1234")
            people[key] = (s.id, name, role)
        for b, e, r, name, phone in UNITS:
            roster.add_resident(sup, b, e, r, name, phone)
    finally:
        db.dispose()
    return people


def _ctx(db_url: str, person: tuple[int, str, str]):  # type: ignore[no-untyped-def]
    from wuye_tui.db import Database
    from wuye_tui.services.core.context import Actor, ServiceContext

    return ServiceContext(db=Database(db_url), actor=Actor(*person), terminal=f"rel-{os.getpid()}")


def _gate_step(ctx, ack: Ack, rng: random.Random, mine: list[int], i: int) -> None:  # type: ignore[no-untyped-def]
    from wuye_tui.services.gate import visits as gate_visits

    if mine and (len(mine) > 5 or rng.random() < 0.4):
        vid = mine.pop(0)
        gate_visits.check_out(ctx, vid)
        ack("checkout", vid)
        return
    from wuye_tui.services.gate.visits import AlreadyOnSite

    for _attempt in range(20):
        # One visitor, one visit: a name and unit drawn at random may be on site already (the
        # rule refuses it, as at a real gate); draw another visitor then.
        raw = {"name": rng.choice(NAMES) + rng.choice(GIVEN), "id_type": "1", "id_number": id_number(rng),
               "phone": "13800138000", "headcount": str(rng.randint(1, 3)), "unit": rng.choice(UNIT_CODES),
               "approval": "1", "purpose": "1", "plate": "", "stay": ""}
        try:
            visit = gate_visits.check_in(ctx, raw)
            break
        except AlreadyOnSite:
            continue
    else:
        raise AssertionError("20 visitors in a row already on site")
    mine.append(visit.id)  # type: ignore[arg-type]
    ack("visit", visit.id)


def _desk_step(ctx, ack: Ack, rng: random.Random, i: int) -> None:  # type: ignore[no-untyped-def]
    from wuye_tui.services.core import roster

    if i % 5:
        from wuye_tui.services.complaints import intake as complaints

        b, e, r, name, phone = rng.choice(UNITS)
        c = complaints.add_complaint(ctx, caller=name, unit=f"{b}{e}{r}", phone=phone, channel="phone",
                                     category="public_facility", cause="equipment",
                                     description=f"楼道灯不亮（第{i}次来电）", location=f"{b}{e}")
        ack("complaint", c.id)
        return
    res = roster.add_resident(ctx, "9栋", "1单元", f"{os.getpid() % 1000}{i:04d}", rng.choice(NAMES),
                              "13700001111")
    ack("resident", res.id)


def _cn(n: int) -> str:
    return "".join("零一二三四五六七八九"[int(d)] for d in str(n))


def _supervisor_step(ctx, ack: Ack, rng: random.Random, i: int) -> None:  # type: ignore[no-untyped-def]
    from wuye_tui.services.core import escalation, settings, staff

    step = i % 4
    if step == 0:
        s = staff.add(ctx, f"保安{_cn(os.getpid() % 10000)}号{_cn(i)}", "guard", "1234")
        ack("staff", s.id)
    elif step == 1:
        for esc in escalation.unacknowledged(ctx, limit=3):
            try:
                escalation.acknowledge(ctx, esc.id, "已派人处理")  # type: ignore[arg-type]
            except Exception as exc:  # a Conflict would mean two supervisors raced: not expected here
                raise exc
            ack("acknowledged", esc.id)
    elif step == 2:
        settings.update(ctx, site_name=f"和谐家园{i}")
        ack("setting", i)
    else:
        actor = staff.authenticate(ctx, ctx.actor.name, "1234")
        ack("login", f"{actor.id}-{i}")


def run_worker(db_url: str, role: str, person: tuple[int, str, str], seconds: float, ack_path: str,
               pause: float = 0.0) -> None:
    """Entry point of a worker process."""
    ack = Ack(Path(ack_path))
    try:
        ctx = _ctx(db_url, person)
        rng = random.Random(os.getpid())
        mine: list[int] = []
        stop = time.monotonic() + seconds
        i = 0
        while time.monotonic() < stop:
            i += 1
            if role == "gate":
                _gate_step(ctx, ack, rng, mine, i)
            elif role == "desk":
                _desk_step(ctx, ack, rng, i)
            else:
                _supervisor_step(ctx, ack, rng, i)
            if pause:
                time.sleep(pause * rng.random())
        ctx.db.dispose()
    except BaseException as exc:  # every failure must reach the test
        msg = f"{type(exc).__name__}: {exc}".replace("\n", " ")[:500]
        ack("error", msg + " | " + traceback.format_exc().replace("\n", " ")[-800:])
        os._exit(3)
    os._exit(0)


def check_acknowledged(db_url: str, acks: dict[str, set[str]]) -> list[str]:
    """Every acknowledged write is in the database: the list of those that are not."""
    from sqlalchemy import select

    from wuye_tui.db import Database
    from wuye_tui.models import Escalation, Resident, Setting, Staff

    db = Database(db_url)
    missing: list[str] = []
    try:
        with db.read() as s:
            def ids(model, col, wanted):  # type: ignore[no-untyped-def]
                want = {int(x) for x in wanted}
                got: set[int] = set()
                wl = sorted(want)
                for k in range(0, len(wl), 500):
                    got |= set(s.execute(select(col).where(col.in_(wl[k:k + 500]))).scalars())
                return want - got

            for kind, model in (("escalation", Escalation), ("resident", Resident), ("staff", Staff)):
                missing += [f"{kind} {x}" for x in ids(model, model.id, acks.get(kind, ()))]
            if acks.get("acknowledged"):
                wl = sorted(int(x) for x in acks["acknowledged"])
                rows = s.execute(select(Escalation.id).where(Escalation.id.in_(wl),
                                                             Escalation.acknowledged_at.is_not(None))).scalars()
                missing += [f"acknowledged {x}" for x in set(wl) - set(rows)]
            if acks.get("setting"):
                if s.get(Setting, "site_name") is None:
                    missing.append("setting site_name")
            from wuye_tui.models.gate import Visit

            missing += [f"visit {x}" for x in ids(Visit, Visit.id, acks.get("visit", ()))]
            if acks.get("checkout"):
                wl = sorted(int(x) for x in acks["checkout"])
                got = set()
                for k in range(0, len(wl), 500):
                    got |= set(s.execute(select(Visit.id).where(Visit.id.in_(wl[k:k + 500]),
                                                                Visit.checked_out_at.is_not(None))).scalars())
                missing += [f"checkout {x}" for x in set(wl) - got]
            from wuye_tui.models.complaints import Complaint

            missing += [f"complaint {x}" for x in ids(Complaint, Complaint.id, acks.get("complaint", ()))]
    finally:
        db.dispose()
    return missing


def audit_ok(db_url: str) -> tuple[bool, int]:
    from wuye_tui.db import Database
    from wuye_tui.services.core import audit

    db = Database(db_url)
    try:
        with db.read() as s:
            r = audit.verify(s)
        return r.ok, r.checked
    finally:
        db.dispose()
