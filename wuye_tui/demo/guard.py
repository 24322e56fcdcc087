"""Demo registers of the guard post over ``site.days`` days: patrol rounds (most walked,
some too fast, some missed with or without a reason, a few anomalies that opened
incidents), duty-log notes and incidents, a signed handover per shift (a few late or
missing, with the guard's logout recorded as without handover), and the key register
(owners' and room keys lent and returned, a few out now, one overdue)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from ..models import StaffSession
from ..models.guard import (
    DutyEntry,
    Handover,
    HandoverEquipment,
    HandoverItem,
    KeyItem,
    KeyLoan,
    MissedRound,
    PatrolCheck,
    PatrolRound,
)
from ..reference import load_reference
from ..services.core import audit
from ..services.guard.shifts import day_bounds, shifts_of_day
from ..services.guard.patrol import EARLY, ITEM_DUTY_TYPE, _slot_times
from . import DemoSite

NOTES = (
    ("security", "info", "正门岗交接正常，道闸运行良好"),
    ("security", "info", "夜间巡查，各楼栋单元门已关闭"),
    ("equipment", "info", "地库照明已按时开启"),
    ("noise", "warning", "{b}栋住户反映楼上夜间噪音，已上门劝导"),
    ("renovation", "warning", "{b}栋装修单位未佩戴出入证，已要求补办"),
    ("fire", "info", "消防控制室设备自检正常"),
    ("other", "info", "快递车辆临时停放，已引导至指定区域"),
    ("security", "warning", "发现陌生人员在{b}栋徘徊，询问后为访客，已登记"),
)
INCIDENTS = (
    ("equipment", "serious", "{b}栋电梯运行异响，已通知维保单位"),
    ("security", "warning", "{b}栋单元门禁损坏，无法关闭"),
    ("fire", "serious", "{b}栋消防通道堆放杂物"),
    ("equipment", "warning", "地库B区排水沟堵塞积水"),
)
ANOMALY_NOTES = {
    "fire_exit_clear": "通道堆放纸箱", "extinguisher_ok": "灭火器压力不足", "no_leaks": "管道接头滴水",
    "no_suspicious": "发现可疑人员，已劝离", "doors_locked": "门未锁闭，已关好", "lights_ok": "照明灯不亮",
    "equipment_normal": "设备运行声音异常", "no_odor": "有焦糊味，已排查", "renovation_compliant": "施工人员未佩戴出入证",
    "cctv_ok": "摄像头画面黑屏",
}


def generate(site: DemoSite) -> None:
    ref = load_reference()
    ctx, rng, now = site.ctx, site.rng, site.now
    guards = [a for a in site.actors if a.role == "guard"] or [site.staff["supervisor"]]
    sup = site.staff.get("supervisor", guards[0])
    first_day = ctx.local(now).date() - timedelta(days=site.days - 1)
    start, _end = day_bounds(ctx, first_day)
    entries: list[dict] = []  # duty entries (anomalies first get ids in order)
    rounds: list[dict] = []
    checks: list[list[dict]] = []  # per round
    anomaly_of: list[tuple[int, int]] = []  # (round index, check index) for each anomaly entry
    missed_rows: list[dict] = []
    slot_status: dict[tuple[str, datetime], str] = {}

    def guard_at(when: datetime):  # type: ignore[no-untyped-def]
        local = ctx.local(when)
        shift = ref.shift_for(local)
        idx = [s.code for s in ref.shifts].index(shift.code)
        return guards[(local.toordinal() + idx) % len(guards)]

    for route in ref.routes:
        for at, nxt in _slot_times(route, start, now, ctx.tz):
            if nxt - EARLY > now:
                continue
            roll = rng.random()
            if roll < 0.07:
                slot_status[(route.code, at)] = "missed"
                if rng.random() < 0.6:
                    missed_rows.append({"route": route.code, "slot_at": at, "reason": rng.choice(
                        ref.missed_round_reasons).code, "note": "", "staff_id": guard_at(at).id,
                        "recorded_at": nxt})
                continue
            g = guard_at(at)
            began = at + timedelta(minutes=rng.randint(-5, 40))
            fast = rng.random() < 0.05
            per = rng.uniform(8, 25) if fast else rng.uniform(route.min_seconds_per_checkpoint + 5, 240)
            t = began
            rows: list[dict] = []
            n_bad = 0
            for cp in route.checkpoints:
                t += timedelta(seconds=per * rng.uniform(0.8, 1.2))
                tagged = rng.random() < 0.85
                for item in cp.items:
                    bad = rng.random() < 0.004
                    rows.append({"checkpoint": cp.code, "at": t, "tag_confirmed": tagged, "item": item,
                                 "ok": not bad, "note": ANOMALY_NOTES.get(item, "异常") if bad else "",
                                 "incident_id": None})
                    if bad:
                        n_bad += 1
                        anomaly_of.append((len(rounds), len(rows) - 1))
                        entries.append({"at": t, "staff_id": g.id, "post": "patrol",
                                        "duty_type": ITEM_DUTY_TYPE.get(item, "other"), "severity": "warning",
                                        "text": f"{route.label} {cp.label}: {ref.label('item', item)}: "
                                                f"{ANOMALY_NOTES.get(item, '异常')}",
                                        "is_incident": True, "status": "closed", "major_type": "",
                                        "escalation_id": None, "source": "patrol", "source_ref": "",
                                        "closed_at": t + timedelta(hours=rng.randint(1, 20)), "closed_by": sup.id,
                                        "close_note": "已处理"})
            too_fast = (t - began) < timedelta(seconds=route.min_seconds_per_checkpoint * len(route.checkpoints))
            rounds.append({"route": route.code, "staff_id": g.id, "started_at": began, "ended_at": t,
                           "status": "done", "checkpoints_done": len(route.checkpoints), "anomalies": n_bad,
                           "too_fast": too_fast, "note": ""})
            checks.append(rows)
            slot_status[(route.code, at)] = "done"
    # the newest anomalies are still open incidents
    for e in entries[-2:]:
        if e["at"] > now - timedelta(days=2):
            e.update(status="open", closed_at=None, closed_by=None, close_note="")
    n_anomalies = len(entries)
    # duty-log notes and incidents, every day
    day = first_day
    while day <= ctx.local(now).date():
        lo, _hi = day_bounds(ctx, day)
        for _ in range(rng.randint(3, 7)):
            at = lo + timedelta(minutes=rng.randint(0, 24 * 60 - 1))
            if at >= now:
                continue
            kind, sev, text = rng.choice(NOTES)
            entries.append({"at": at, "staff_id": guard_at(at).id, "post": rng.choice(("main_gate", "back_gate",
                            "patrol", "control_room")), "duty_type": kind, "severity": sev,
                            "text": text.format(b=rng.randint(1, 6)), "is_incident": False, "status": "",
                            "major_type": "", "escalation_id": None, "source": "manual", "source_ref": "",
                            "closed_at": None, "closed_by": None, "close_note": ""})
        if rng.random() < 0.35:
            at = lo + timedelta(minutes=rng.randint(0, 24 * 60 - 1))
            if at < now:
                kind, sev, text = rng.choice(INCIDENTS)
                recent = now - at < timedelta(days=1)
                entries.append({"at": at, "staff_id": guard_at(at).id, "post": "main_gate", "duty_type": kind,
                                "severity": sev, "text": text.format(b=rng.randint(1, 6)), "is_incident": True,
                                "status": "open" if recent else "closed", "major_type": "", "escalation_id": None,
                                "source": "manual", "source_ref": "",
                                "closed_at": None if recent else at + timedelta(hours=rng.randint(1, 48)),
                                "closed_by": None if recent else sup.id,
                                "close_note": "" if recent else "已处理完毕，现场恢复正常"})
        day += timedelta(days=1)
    for e in entries:
        if e["closed_at"] is not None and e["closed_at"] > now:
            e["closed_at"] = now
    with ctx.db.write() as session:
        if entries:
            session.execute(insert(DutyEntry), entries)
        entry_ids = session.execute(select(DutyEntry.id).order_by(DutyEntry.id)).scalars().all()[-len(entries):]
        if rounds:
            session.execute(insert(PatrolRound), rounds)
        round_ids = session.execute(select(PatrolRound.id).order_by(PatrolRound.id)).scalars().all()[-len(rounds):]
        for (ri, ci), eid in zip(anomaly_of, entry_ids[:n_anomalies], strict=True):
            checks[ri][ci]["incident_id"] = eid
        flat = [dict(c, round_id=rid) for rid, rows in zip(round_ids, checks, strict=True) for c in rows]
        for i in range(0, len(flat), 5000):
            session.execute(insert(PatrolCheck), flat[i:i + 5000])
        if missed_rows:
            session.execute(insert(MissedRound), missed_rows)
        audit.record(session, None, now, "demo.guard_patrol", "patrol_round", "", after={
            "rounds": len(rounds), "checks": len(flat), "missed_reasons": len(missed_rows), "duty_entries": len(entries)})
    _handovers(site, slot_status, guards)
    _keys(site)


def _handovers(site: DemoSite, slot_status: dict, guards: list) -> None:  # type: ignore[type-arg]
    ctx, rng, now = site.ctx, site.rng, site.now
    ref = load_reference()
    first_day = ctx.local(now).date() - timedelta(days=site.days - 1)
    handovers, items, equipment, sessions = [], [], [], []
    day = first_day - timedelta(days=1)
    while day <= ctx.local(now).date():
        for i, win in enumerate(shifts_of_day(ctx, day)):
            if win.end > now or win.start < datetime.combine(first_day, datetime.min.time(), ctx.tz):
                continue
            g_out = guards[(win.start.astimezone(ctx.tz).toordinal() + i) % len(guards)]
            g_in = guards[(guards.index(g_out) + 1) % len(guards)]
            roll = rng.random()
            missing = roll < 0.03 or len(guards) < 2
            logout = win.end + timedelta(minutes=rng.randint(2, 25))
            sessions.append({"staff_id": g_out.id, "terminal": "demo", "started_at": win.start - timedelta(minutes=5),
                             "ended_at": min(logout, now), "end_reason": "without_handover" if missing else "logout"})
            if missing:
                continue
            late = roll < 0.08
            signed = win.end + timedelta(minutes=rng.randint(35, 90) if late else rng.randint(-10, 10))
            signed = min(signed, now)
            handovers.append({"shift": win.code, "duty_date": win.duty_date, "post": "main_gate",
                              "outgoing_id": g_out.id, "opened_at": signed - timedelta(minutes=15),
                              "updated_at": signed, "notes": rng.choice(("", "", "交接正常", "道闸偶有卡顿，已报工程部")),
                              "status": "signed", "incoming_id": g_in.id, "signed_at": signed,
                              "failed_signatures": 1 if rng.random() < 0.05 else 0})
            missed = [(r, at) for (r, at), st in slot_status.items() if st == "missed" and win.start <= at < win.end]
            items.append([{"kind": "patrol_missed", "ref": f"patrol_slot:{r}@{at.isoformat()}",
                           "title": f"{ref.label('route', r)} {ctx.local(at):%m-%d %H:%M}", "since": at,
                           "overdue": True, "detail": "{}", "acknowledged": True} for r, at in missed])
            equipment.append([{"code": e.code, "count": e.default_count, "note": ""} for e in ref.equipment])
        day += timedelta(days=1)
    with ctx.db.write() as session:
        if handovers:
            session.execute(insert(Handover), handovers)
        ids = session.execute(select(Handover.id).order_by(Handover.id)).scalars().all()[-len(handovers):]
        rows_i = [dict(r, handover_id=h) for h, rs in zip(ids, items, strict=True) for r in rs]
        rows_e = [dict(r, handover_id=h) for h, rs in zip(ids, equipment, strict=True) for r in rs]
        if rows_i:
            session.execute(insert(HandoverItem), rows_i)
        if rows_e:
            session.execute(insert(HandoverEquipment), rows_e)
        if sessions:
            session.execute(insert(StaffSession), sessions)
        audit.record(session, None, now, "demo.guard_handovers", "handover", "", after={
            "handovers": len(handovers), "sessions": len(sessions)})


def _keys(site: DemoSite) -> None:
    ctx, rng, now = site.ctx, site.rng, site.now
    ref = load_reference()
    guards = [a for a in site.actors if a.role == "guard"] or [site.staff["supervisor"]]
    picks = rng.sample(range(len(site.unit_ids)), min(40, len(site.unit_ids)))
    keys = [{"code": f"K{n + 1:04d}", "label": f"{site.unit_codes[i]} 业主钥匙", "unit_id": site.unit_ids[i],
             "active": True, "created_at": now - timedelta(days=site.days)} for n, i in enumerate(picks)]
    for code, label in (("R-POWER", "配电房"), ("R-PUMP", "水泵房"), ("R-LIFT1", "1栋电梯机房"),
                        ("R-FIRE", "消防控制室"), ("R-ROOF1", "1栋天台门"), ("R-BIN", "垃圾房")):
        keys.append({"code": code, "label": label, "unit_id": None, "active": True,
                     "created_at": now - timedelta(days=site.days)})
    hours = int(getattr(ref.site, "key_overdue_hours", 24) or 24)
    people = ("维修工 李师傅", "保洁 王阿姨", "工程部 小刘", "业主亲属 陈女士", "物业工程 周师傅", "家政 孙阿姨")
    with ctx.db.write() as session:
        session.execute(insert(KeyItem), keys)
        ids = session.execute(select(KeyItem.id).order_by(KeyItem.id)).scalars().all()[-len(keys):]
        loans = []
        for d in range(site.days, 0, -1):
            if rng.random() < 0.6:
                lent = now - timedelta(days=d, minutes=rng.randint(0, 600))
                back = lent + timedelta(hours=rng.uniform(0.5, 30))
                loans.append({"key_id": rng.choice(ids), "lent_at": lent, "lent_by": rng.choice(guards).id,
                              "lent_to": rng.choice(people), "phone": "", "purpose": rng.choice(ref.key_purposes).code,
                              "purpose_note": "", "authorised_by": rng.choice(("业主电话同意", "王主管", "业主书面委托")),
                              "due_at": lent + timedelta(hours=hours), "returned_at": min(back, now),
                              "returned_by": rng.choice(guards).id, "return_note": ""})
        busy = set()
        for ago, who in ((timedelta(hours=30), "维修工 李师傅"), (timedelta(hours=3), "工程部 小刘"),
                         (timedelta(hours=1), "保洁 王阿姨")):
            kid = rng.choice([i for i in ids if i not in busy])
            busy.add(kid)
            lent = now - ago
            loans.append({"key_id": kid, "lent_at": lent, "lent_by": guards[0].id, "lent_to": who, "phone": "",
                          "purpose": "repair", "purpose_note": "", "authorised_by": "王主管",
                          "due_at": lent + timedelta(hours=hours), "returned_at": None, "returned_by": None,
                          "return_note": ""})
        # returned loans must not overlap an open one on the same key
        loans = [x for x in loans if x["returned_at"] is None or x["key_id"] not in busy or
                 x["returned_at"] < now - timedelta(hours=31)]
        session.execute(insert(KeyLoan), loans)
        audit.record(session, None, now, "demo.guard_keys", "key_item", "",
                     after={"keys": len(keys), "loans": len(loans)})

