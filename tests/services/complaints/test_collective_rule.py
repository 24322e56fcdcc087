"""The collective-complaint rule on a hand-labelled month: three real collectives (a shared
refuse station, one building's lift, one building's renovation noise by similar
descriptions) among decoys that the old rule took for collectives (three unrelated
majors, lifts of different buildings, in-unit repairs, different facilities of one
building, one household calling three times, the same thing days apart). Also joining a
running collective, and linking / unlinking by hand."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from wuye_tui.errors import Conflict, PermissionDenied
from wuye_tui.models import Escalation, EscalationEvent
from wuye_tui.models.complaints import Complaint
from wuye_tui.services.complaints import collective as coll
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.core import escalation, roster

# (day, hour, unit, category, description, location, major type, label)
MONTH = [
    # A: the refuse station (shared by the whole site), households of three buildings
    (0, 9, "1栋1单元101", "environment", "垃圾站两天没清运，气味很大", "", "", "A"),
    (0, 11, "2栋1单元201", "environment", "北门垃圾站臭味大", "", "", "A"),
    (0, 14, "3栋1单元301", "environment", "垃圾房满了没人清运", "", "", "A"),
    (1, 15, "1栋1单元102", "environment", "垃圾站还是没清理", "", "", "A"),  # joins the running one
    # B: building 2's lift, four households of building 2
    (3, 8, "2栋1单元201", "public_facility", "电梯停在8楼不动", "", "", "B"),
    (3, 9, "2栋1单元202", "public_facility", "2栋电梯坏了，老人下不了楼", "", "", "B"),
    (3, 12, "2栋1单元203", "public_facility", "电梯又停了", "", "", "B"),
    (4, 8, "2栋1单元204", "public_facility", "电梯还没修好", "", "", "B"),
    # decoy: three unrelated majors, all 公共设施故障, within hours
    (10, 9, "1栋1单元101", "public_facility", "1栋电梯困人", "", "elevator_entrapment", None),
    (10, 10, "2栋1单元202", "public_facility", "地下车库水浸", "", "flooding", None),
    (10, 11, "3栋1单元303", "public_facility", "3栋突然停电", "", "power_cut", None),
    # decoy: lifts of different buildings (two households of 3栋, one of 1栋)
    (15, 9, "1栋1单元101", "public_facility", "电梯按钮失灵", "", "", None),
    (15, 10, "3栋1单元301", "public_facility", "电梯按钮失灵", "", "", None),
    (15, 12, "3栋1单元302", "public_facility", "电梯有异响", "", "", None),
    # decoy: in-unit repairs in one building (each household's own matter)
    (16, 9, "1栋1单元101", "in_unit_repair", "卫生间下水道堵塞", "", "", None),
    (16, 10, "1栋1单元102", "in_unit_repair", "卫生间下水道堵塞", "", "", None),
    (16, 11, "1栋1单元103", "in_unit_repair", "卫生间下水道堵塞", "", "", None),
    # decoy: different facilities of one building
    (18, 9, "1栋1单元101", "public_facility", "楼道声控灯不亮", "", "", None),
    (18, 10, "1栋1单元102", "public_facility", "单元门禁刷卡没反应", "", "", None),
    (18, 11, "1栋1单元103", "public_facility", "电梯有异响", "", "", None),
    # decoy: one household calling three times
    (20, 9, "2栋1单元204", "environment", "垃圾站没清运", "", "", None),
    (20, 12, "2栋1单元204", "environment", "垃圾站还是没清运", "", "", None),
    (20, 16, "2栋1单元204", "environment", "垃圾站又满了", "", "", None),
    # decoy: the same fire lane, but days apart
    (22, 9, "1栋1单元101", "parking", "消防通道有车辆乱停", "", "", None),
    (23, 21, "2栋1单元201", "parking", "消防通道有车辆乱停", "", "", None),
    (25, 9, "3栋1单元301", "parking", "消防通道有车辆乱停", "", "", None),
    # C: renovation noise in building 3, by similar descriptions
    (26, 9, "3栋1单元301", "renovation_noise", "楼上装修电钻声音太大", "", "", "C"),
    (26, 10, "3栋1单元302", "renovation_noise", "楼上在装修，电钻声太吵", "", "", "C"),
    (26, 11, "3栋1单元303", "renovation_noise", "楼上装修电钻声太大，中午也不停", "", "", "C"),
    # decoy: renovation noise in building 1, unlike descriptions
    (27, 9, "1栋1单元101", "renovation_noise", "周末一早就开始敲墙", "", "", None),
    (27, 10, "1栋1单元102", "renovation_noise", "楼上装修电钻声太大", "", "", None),
    (27, 11, "1栋1单元103", "renovation_noise", "装修垃圾堆在楼道", "", "", None),
]


@pytest.fixture
def desk(make_ctx):  # type: ignore[no-untyped-def]
    sup = make_ctx("supervisor", "赵主任")
    for b in ("1栋", "2栋", "3栋"):
        for k, name in enumerate(("张伟", "李娜", "王芳", "刘洋")):
            n = int(b[0]) * 100 + k + 1
            roster.add_resident(sup, b, "1单元", str(n), name, f"138001{n:05d}")
    return make_ctx("front_desk")


def _log(ctx, clock, start, day, hour, unit, cat, text, loc, major):  # type: ignore[no-untyped-def]
    clock.set(start + timedelta(days=day, hours=hour))
    return complaints.add_complaint(ctx, caller="住户", unit=unit, channel="phone", category=cat,
                                    cause="equipment", description=text, location=loc, major_type=major)


def _collectives(ctx):  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        escs = s.execute(select(Escalation).where(Escalation.major_type == coll.MAJOR_TYPE)
                         .order_by(Escalation.id)).scalars().all()
        return [(e, sorted(s.execute(select(Complaint.id).where(Complaint.escalation_id == e.id)).scalars()))
                for e in escs]


def test_hand_labelled_month(desk, clock):
    start = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
    labels: dict[str, list[int]] = {}
    for day, hour, unit, cat, text, loc, major, label in MONTH:
        c = _log(desk, clock, start, day, hour, unit, cat, text, loc, major)
        if label:
            labels.setdefault(label, []).append(c.id)
    found = _collectives(desk)
    # precision and recall: every collective raised is a labelled one, members exact
    assert [ids for _e, ids in found] == [labels["A"], labels["B"], labels["C"]]
    titles = [e.title for e, _ids in found]
    assert titles[0].endswith("4户") and ("垃圾站" in titles[0] or "Refuse station" in titles[0])
    assert titles[1].endswith("4户") and "2栋" in titles[1] and ("电梯" in titles[1] or "Lift" in titles[1])
    assert titles[2].endswith("3户")
    # the three majors escalated of their own, one each, none collective
    with desk.db.read() as s:
        own = s.execute(select(Escalation.major_type).where(Escalation.source == "complaint")
                        .order_by(Escalation.id)).scalars().all()
    assert own == ["elevator_entrapment", "flooding", "power_cut"]


def test_growth_updates_the_alert_not_a_second_one(desk, clock):
    start = clock.now()
    for row in MONTH[:3]:
        _log(desk, clock, start, *row[:7])
    [(esc, ids)] = _collectives(desk)
    assert esc.title.endswith("3户") and len(ids) == 3
    _log(desk, clock, start, *MONTH[3][:7])
    [(esc, ids)] = _collectives(desk)
    assert esc.title.endswith("4户") and len(ids) == 4
    assert [e.id for e in escalation.unacknowledged(desk)] == [esc.id]
    with desk.db.read() as s:
        notes = s.execute(select(EscalationEvent.note).where(EscalationEvent.escalation_id == esc.id)
                          .where(EscalationEvent.kind == "note")).scalars().all()
    assert any(f"#{ids[-1]}" in n for n in notes)


def test_similarity_and_subjects():
    assert coll.similarity("楼上装修电钻声太大", "楼上装修电钻声太大") == 1.0
    assert coll.similarity("楼道有小广告", "楼道声控灯不亮") < 0.5
    assert coll.similarity("", "电梯") == 0.0
    assert coll.subjects("２栋电梯坏了", "") == {"elevator"}  # full-width digits normalised
    assert coll.subjects("北门垃圾站臭味大", "") == {"garbage_station", "main_gate"} or \
        "garbage_station" in coll.subjects("北门垃圾站臭味大", "")
    assert coll.normalise(" 1栋 ，1单元。") == "1栋1单元"


def test_same_location_field_is_the_same_place(desk, clock):
    start = clock.now()
    for k, unit in enumerate(("1栋1单元101", "2栋1单元201", "3栋1单元301")):
        _log(desk, clock, start, 0, k, unit, "other", f"问题{k}", "会所 健身房", "")
    [(esc, ids)] = _collectives(desk)
    assert len(ids) == 3 and "会所 健身房" in esc.title


def test_supervisor_unlinks_and_links_by_hand(desk, make_ctx, clock):
    sup = make_ctx("supervisor", "钱主管")
    start = clock.now()
    made = [_log(desk, clock, start, *row[:7]) for row in MONTH[:3]]
    [(esc, ids)] = _collectives(desk)
    with pytest.raises(PermissionDenied):
        coll.unlink(desk, made[1].id, "不是同一问题")
    c = coll.unlink(sup, made[1].id, "说的是另一个垃圾站")
    assert c.escalation_id is None and not c.is_major and c.collective_opt_out
    [(esc, ids)] = _collectives(desk)
    assert ids == [made[0].id, made[2].id] and esc.title.endswith("2户")
    kinds = [ev.kind for ev, _n in complaints.detail(desk, made[1].id).events]
    assert kinds[-1] == "collective_unlinked"
    # the rule does not put it back: a new household joins, the unlinked one stays out
    _log(desk, clock, start, *MONTH[3][:7])
    [(esc, ids)] = _collectives(desk)
    assert made[1].id not in ids and len(ids) == 3
    with pytest.raises(Conflict):
        coll.unlink(sup, made[1].id, "again")
    # link it back by hand
    coll.link(sup, made[1].id, esc.id, "核实后是同一垃圾站")
    [(esc, ids)] = _collectives(desk)
    assert made[1].id in ids and esc.title.endswith("4户")
    with pytest.raises(Conflict):
        coll.link(sup, made[1].id, esc.id, "twice")


def test_a_major_cannot_be_linked(desk, make_ctx, clock):
    sup = make_ctx("supervisor", "钱主管")
    start = clock.now()
    for row in MONTH[:3]:
        _log(desk, clock, start, *row[:7])
    [(esc, _ids)] = _collectives(desk)
    m = _log(desk, clock, start, 0, 15, "1栋1单元104", "environment", "垃圾站起火", "", "fire")
    assert complaints.get(desk, m.id).escalation_id != esc.id
    with pytest.raises(Conflict):
        coll.link(sup, m.id, esc.id, "同一处")
