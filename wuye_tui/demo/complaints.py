"""Demo front desk: complaints and requests over the days with their events (most closed,
some open, some overdue), two major incidents and one collective cluster raised through
the services (so their escalations are real), return visits and suggestions."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from ..clock import FixedClock
from ..models import Resident
from ..models.complaints import Complaint, ComplaintEvent, ReturnVisit, Suggestion
from ..services.core import audit

DESCRIPTIONS = {
    "renovation_noise": ["楼上装修电钻声太大，中午也在施工", "隔壁周末一早就开始敲墙"],
    "public_facility": ["楼道声控灯不亮", "单元门禁刷卡没反应", "电梯按钮失灵"],
    "in_unit_repair": ["卫生间下水道堵塞", "厨房水龙头漏水", "阳台推拉门卡住"],
    "mail_lost": ["快递放在门卫处丢失", "订的报纸连续三天没收到"],
    "environment": ["垃圾站有异味，没有及时清运", "草坪很久没修剪", "楼道有小广告"],
    "pest_control": ["地下室老鼠多", "绿化带蚊虫多，要求消杀"],
    "property_service": ["保安态度不好", "客服电话打不通"],
    "repair_request": ["客厅灯具不亮请派电工", "空调外机支架松动"],
    "cleaning_request": ["楼道地面有油污请清洁", "电梯轿厢有呕吐物"],
    "parking": ["车位被外来车辆占用", "消防通道有车辆乱停"],
    "fees": ["物业费账单与实际面积不符", "公摊电费偏高"],
    "neighbour_dispute": ["楼上漏水到我家天花板", "邻居在楼道堆放杂物"],
    "other": ["小区宠物未拴绳", "健身器材损坏"],
}
CAUSE_OF = {"renovation_noise": "neighbour", "public_facility": "equipment", "in_unit_repair": "housing_quality",
            "mail_lost": "service", "environment": "service", "pest_control": "service",
            "property_service": "service", "repair_request": "equipment", "cleaning_request": "service",
            "parking": "amenities", "fees": "fees", "neighbour_dispute": "neighbour", "other": "service"}
CATEGORY_WEIGHTS = {"repair_request": 22, "in_unit_repair": 12, "public_facility": 12, "environment": 10,
                    "cleaning_request": 10, "renovation_noise": 8, "parking": 8, "property_service": 5,
                    "neighbour_dispute": 5, "pest_control": 3, "fees": 3, "mail_lost": 2, "other": 2}
CHANNELS = (("phone", 50), ("visit", 30), ("online", 15), ("written", 5))
SATISFACTION = (("very_satisfied", 30), ("satisfied", 55), ("neutral", 10), ("dissatisfied", 5))
REPLIES = ["已派人处理完毕，请您查看", "已维修完成并试用正常", "已清运并消毒", "已与相关住户沟通，问题已解决"]


def _pick(rng, pairs):  # type: ignore[no-untyped-def]
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights)[0]


def generate(site) -> None:  # type: ignore[no-untyped-def]
    from ..reference import load_reference

    ref = load_reference()
    rng = site.rng
    now = site.now
    start = now - timedelta(days=site.days)
    desk = site.staff.get("front_desk") or site.actors[0]
    sup = site.staff.get("supervisor") or site.actors[0]
    with site.ctx.db.read() as session:
        people = {}
        for uid, name, phone in session.execute(select(Resident.unit_id, Resident.name, Resident.phone)
                                                .order_by(Resident.id)):
            people.setdefault(uid, (name, phone))
    from ..services.core.roster import pinyin_initials

    per_day = max(2, 4 * len(site.unit_ids) // 800)
    n = site.days * per_day
    cats = list(CATEGORY_WEIGHTS.items())
    complaints, plans = [], []
    for i in range(n):
        t = start + timedelta(seconds=(now - start).total_seconds() * (i + rng.random()) / n)
        local = site.ctx.local(t)
        if local.hour < 8 or local.hour > 20:  # the desk is staffed by day
            t += timedelta(hours=(12 - local.hour) % 24)
        if t >= now:
            t = now - timedelta(minutes=rng.randrange(10, 600))
        cat = _pick(rng, cats)
        category = ref.category(cat) if cat in ref.codes("category") else ref.categories[0]
        uid = rng.choice(site.unit_ids)
        name, phone = people.get(uid, ("业主", ""))
        deadline = t + category.deadline
        age = now - t
        # how far it got: old ones are closed; recent ones still on their way
        if age > timedelta(days=7):
            stage = 6 if rng.random() < 0.93 else rng.choice((4, 5))
        elif age > category.deadline:
            stage = rng.choice((2, 3, 4, 5, 5, 6, 6)) if rng.random() < 0.85 else rng.choice((0, 1))
        else:
            stage = rng.choice((0, 1, 2, 3, 4))
        plans.append((t, deadline, stage, rng.random() < 0.9))
        complaints.append({
            "received_at": t, "received_by": desk.id, "channel": _pick(rng, CHANNELS), "category": category.code,
            "kind": category.kind, "cause": CAUSE_OF.get(category.code, "service"), "department": category.department,
            "unit_id": uid, "caller": name, "initials": pinyin_initials(name), "phone": phone,
            "description": rng.choice(DESCRIPTIONS.get(category.code, ["其他问题"])), "location": "",
            "promised_reply_at": None, "deadline_at": deadline, "due_at": deadline, "first_response_at": None,
            "status": "received", "major_type": "", "is_major": False, "escalation_id": None, "satisfaction": "",
            # few complaints are found valid (the seed's target: under 1 % of households a month)
            "contact_failures": 0, "reopened": 0, "valid": rng.random() < 0.1, "replied_at": None,
            # judged by the supervisor once closed (about a week on); the recent ones are undecided
            "validity_decided_at": t + timedelta(days=7) if age > timedelta(days=7) else None,
            "confirmed_at": None, "archived_at": None,
        })
    # walk each complaint through its stages, building events
    events, visits = [], []
    statuses = ("received", "dispatched", "in_progress", "replied", "confirmed", "archived")
    for row, (t, deadline, stage, on_time) in zip(complaints, plans, strict=True):
        span = (deadline - t) * (0.6 if on_time else 1.4)
        step = span / 3
        at = t
        ev = [("received", "received", desk.id, row["description"], "")]
        times = [t]
        kinds = ["dispatched", "started", "replied", "confirmed", "archived"]
        for k in range(1, min(stage, 5) + 1):
            at = at + step * rng.uniform(0.3, 1.0) if k <= 3 else at + timedelta(hours=rng.uniform(1, 30))
            if at >= now:
                stage = k - 1
                break
            kind = kinds[k - 1]
            note = {"replied": rng.choice(REPLIES), "dispatched": "", "started": "已安排人员到场"}.get(kind, "")
            sat = _pick(rng, SATISFACTION) if kind == "confirmed" else ""
            if kind == "confirmed" and ref.satisfaction(sat).reopens:
                sat = "satisfied"
            ev.append((kind, statuses[k], desk.id, note, sat))
            times.append(at)
        row["status"] = statuses[min(stage, 5)]
        if stage >= 3:
            row["replied_at"] = row["first_response_at"] = times[3]
        if stage >= 4:
            row["confirmed_at"] = times[4]
            row["satisfaction"] = ev[4][4]
            due = (site.ctx.local(times[4]) + timedelta(days=3)).date()
            visits.append((due, row))
        if stage >= 5:
            row["archived_at"] = times[5]
        row["_events"] = list(zip(times, ev, strict=True))
    with site.ctx.db.write() as session:
        ids = session.scalars(insert(Complaint).returning(Complaint.id, sort_by_parameter_order=True),
                              [{k: v for k, v in r.items() if k != "_events"} for r in complaints]).all()
        prev = ""
        for cid, r in zip(ids, complaints, strict=True):
            prev = ""
            for at, (kind, to_status, staff, note, sat) in r["_events"]:
                events.append({"complaint_id": cid, "at": at, "staff_id": staff, "kind": kind, "from_status": prev or to_status,
                               "to_status": to_status, "department": r["department"] if kind == "dispatched" else "",
                               "satisfaction": sat, "next_reply_at": None, "corrects_event_id": None, "note": note})
                prev = to_status
            r["id"] = cid
        for s in range(0, len(events), 2000):
            session.execute(insert(ComplaintEvent), events[s:s + 2000])
        today = site.ctx.local(now).date()
        rv_rows = []
        for due, r in visits:
            done = due < today and rng.random() < 0.95
            outcome = _pick(rng, (("satisfied", 80), ("issue", 14), ("unreachable", 6))) if done else ""
            done_at = site.ctx.local(now).replace(hour=10, minute=0) - timedelta(days=(today - due).days) \
                if done else None
            handled = outcome == "satisfied" or (outcome == "issue" and rng.random() < 0.85)
            rv_rows.append({"source": "complaint", "complaint_id": r["id"], "unit_id": r["unit_id"], "zone": "",
                            "quarter": "", "due_date": due, "planned_at": r["confirmed_at"], "planned_by": desk.id,
                            "status": ("unreachable" if outcome == "unreachable" else "done") if done else "planned",
                            "outcome": outcome, "method": rng.choice(("phone", "phone", "door")) if done else "",
                            "feedback": "门口路灯也不亮了" if outcome == "issue" else "",
                            "done_at": done_at, "done_by": desk.id if done else None, "handled": handled and done,
                            "handled_note": "已报修处理" if outcome == "issue" and handled else "",
                            "handled_at": done_at if handled and done else None,
                            "handled_by": desk.id if handled and done else None})
        if rv_rows:
            session.execute(insert(ReturnVisit), rv_rows)
        audit.record(session, None, now, "demo.complaints", "complaint", "",
                     after={"complaints": len(ids), "events": len(events), "return_visits": len(rv_rows)})
    _suggestions(site, people)
    _majors(site, people, desk, sup)


def _ctx_at(site, actor, at: datetime):  # type: ignore[no-untyped-def]
    from ..services.core.context import ServiceContext

    return ServiceContext(db=site.ctx.db, actor=actor, clock=FixedClock(at), tz_name=site.ctx.tz_name)


def _majors(site, people, desk, sup) -> None:  # type: ignore[no-untyped-def]
    """Two major incidents (acknowledged) and a collective cluster today (left for the
    supervisor to acknowledge), through the services so their escalations are real."""
    from ..services.complaints import workflow as wf
    from ..services.complaints import intake as complaints
    from ..services.core import escalation

    rng = site.rng
    units = rng.sample(site.unit_ids, min(6, len(site.unit_ids)))

    def who(uid):  # type: ignore[no-untyped-def]
        return people.get(uid, ("业主", ""))[0]

    for days_ago, major, cat, text in ((min(40, site.days - 1), "elevator_entrapment", "public_facility",
                                        "2号楼电梯困人，两名住户被困约15分钟"),
                                       (min(12, site.days - 1), "flooding", "public_facility", "地下车库B区水浸")):
        t = site.now - timedelta(days=days_ago, hours=3)
        ctx = _ctx_at(site, desk, t)
        c = complaints.add_complaint(ctx, caller=who(units[0]), unit=units[0], channel="phone", category=cat,
                                     cause="emergency", description=text, major_type=major)
        escalation.acknowledge(_ctx_at(site, sup, t + timedelta(minutes=6)), c.escalation_id, "已到场处置")
        for k, step in enumerate((lambda x, c=c: wf.dispatch(x, c.id), lambda x, c=c: wf.start(x, c.id),
                                  lambda x, c=c: wf.reply(x, c.id, "已处置完毕并向住户说明原因"))):
            step(_ctx_at(site, desk, t + timedelta(minutes=20 * (k + 1))))
    # a collective complaint this morning: three households, one category
    base = site.now - timedelta(hours=2)
    for k, uid in enumerate(units[1:4]):
        ctx = _ctx_at(site, desk, base + timedelta(minutes=25 * k))
        complaints.add_complaint(ctx, caller=who(uid), unit=uid, channel="phone", category="environment",
                                 cause="service", description="垃圾站两天没清运，气味很大")


def _suggestions(site, people) -> None:  # type: ignore[no-untyped-def]
    rng = site.rng
    now = site.now
    desk = site.staff.get("front_desk") or site.actors[0]
    sup = site.staff.get("supervisor") or site.actors[0]
    texts = ["建议增设电动车充电桩", "建议在儿童游乐区加装遮阳棚", "建议延长会所开放时间", "建议增加垃圾分类指引牌",
             "建议定期公布物业费收支", "建议在地库增加照明", "建议组织邻里节活动"]
    rows = []
    for i in range(max(3, site.days // 9)):
        t = now - timedelta(days=rng.uniform(0, site.days))
        uid = rng.choice(site.unit_ids)
        name, phone = people.get(uid, ("业主", ""))
        stage = 2 if now - t > timedelta(days=10) else rng.choice((0, 1))
        rows.append({"received_at": t, "received_by": desk.id, "unit_id": uid, "name": name, "phone": phone,
                     "content": texts[i % len(texts)], "status": ("logged", "reported", "decided")[stage],
                     "reported_at": t + timedelta(hours=4) if stage else None, "reported_to": sup.id if stage else None,
                     "outcome": rng.choice(("adopted", "planned", "declined")) if stage == 2 else "",
                     "outcome_note": "经管理处主任研究决定" if stage == 2 else "",
                     "decided_at": t + timedelta(days=3) if stage == 2 else None,
                     "decided_by": sup.id if stage == 2 else None})
    with site.ctx.db.write() as session:
        session.execute(insert(Suggestion), rows)
        audit.record(session, None, now, "demo.suggestions", "suggestion", "", after={"suggestions": len(rows)})
