"""#12 reminders by time, each rule with a fixed clock, given once across terminals (a claim
row with a unique key), shown to the roles concerned, sent where configured; the daily summary."""

from __future__ import annotations

import threading
from datetime import timedelta, timezone

import pytest
from sqlalchemy import select, update

from tests.services.conftest_complaints import intake, seed_roster
from tests.services.conftest_gate import visitor
from wuye_tui.errors import ConfigError
from wuye_tui.models import NotifyOutbox, ReminderClaim
from wuye_tui.models.complaints import Complaint
from wuye_tui.services.complaints import intake as complaints
from wuye_tui.services.guard import dutylog, keys
from wuye_tui.services.core import escalation, reminders, settings
from wuye_tui.services.gate import passes as gate_passes, vehicles as gate_vehicles, visits as gate_visits


@pytest.fixture
def site(make_ctx):  # type: ignore[no-untyped-def]
    manager = make_ctx("manager")
    seed_roster(manager)
    from tests.services.conftest_gate import seed_roster as gate_roster

    gate_roster(manager)
    return manager, make_ctx("front_desk"), make_ctx("guard")


def given(ctx, rule: str | None = None) -> list[ReminderClaim]:  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        q = select(ReminderClaim).order_by(ReminderClaim.id)
        if rule:
            q = q.where(ReminderClaim.rule == rule)
        return list(s.execute(q).scalars())


def outbox(ctx) -> list[NotifyOutbox]:  # type: ignore[no-untyped-def]
    with ctx.db.read() as s:
        return list(s.execute(select(NotifyOutbox).order_by(NotifyOutbox.id)).scalars())


def test_complaint_due_soon_then_overdue(site, clock):
    manager, desk, guard = site
    c = complaints.add_complaint(desk, **intake())
    due = c.due_at.replace(tzinfo=timezone.utc)
    clock.set(due - timedelta(hours=3))
    reminders.run_due(desk)
    assert given(desk, "complaint_due") == []
    clock.set(due - timedelta(hours=2))
    assert reminders.run_due(desk) >= 1
    [r] = given(desk, "complaint_due")
    local = desk.local(due).strftime("%m-%d %H:%M")
    assert r.text == f"投诉 #{c.id}（1栋1单元101 张伟）须在 {local} 前回复" and r.roles == "front_desk,supervisor"
    reminders.run_due(desk)
    assert len(given(desk, "complaint_due")) == 1  # once
    clock.set(due + timedelta(minutes=1))
    reminders.run_due(desk)
    [late] = given(desk, "complaint_overdue")
    assert late.text == f"投诉 #{c.id}（1栋1单元101 张伟）已过回复期限 {local}"
    assert [x.text for x in reminders.active_for(desk, "front_desk")][:1] == [late.text]
    assert reminders.active_for(desk, "guard") == [] or all(
        "投诉" not in x.text for x in reminders.active_for(desk, "guard"))


def test_replied_not_confirmed_for_three_days(site, clock):
    manager, desk, guard = site
    c = complaints.add_complaint(desk, **intake())
    with desk.db.write() as s:  # the reply itself is the complaint workflow's; here only its date matters
        s.execute(update(Complaint).where(Complaint.id == c.id).values(status="replied", replied_at=clock.now()))
    clock.advance(days=2, hours=23)
    reminders.run_due(desk)
    assert given(desk, "complaint_unconfirmed") == []
    clock.advance(hours=1)
    reminders.run_due(desk)
    [r] = given(desk, "complaint_unconfirmed")
    assert r.text == f"投诉 #{c.id}（1栋1单元101 张伟）已于 03-02 09:00 回复，尚未确认"


def test_patrol_slot_passed_unwalked(site, clock):
    manager, desk, guard = site
    reminders.run_due(guard)
    missed = given(guard, "patrol_missed")
    assert missed and all(r.roles == "guard,supervisor" for r in missed)
    assert any(r.text.startswith("周界巡逻 ") and r.text.endswith("未巡") for r in missed)
    n = len(missed)
    reminders.run_due(guard)
    assert len(given(guard, "patrol_missed")) == n


def test_key_not_returned_by_due_time(site, clock):
    manager, desk, guard = site
    keys.add_key(guard, "K0007", "配电房")
    loan = keys.lend_key(guard, "K0007", "维修工老周", "repair", "李经理")
    clock.set(loan.due_at.replace(tzinfo=timezone.utc) - timedelta(minutes=1))
    reminders.run_due(guard)
    assert given(guard, "key_overdue") == []
    clock.advance(minutes=1)
    reminders.run_due(guard)
    [r] = given(guard, "key_overdue")
    assert r.text == "钥匙 K0007 配电房（借给 维修工老周）应于 03-03 09:00 归还"


def test_visitor_and_vehicle_past_expected_stay(site, clock):
    manager, desk, guard = site
    v = gate_visits.check_in(guard, visitor(stay="2"))
    gate_vehicles.strange_in(guard, "粤B12345", "赵师傅", "13600001111", "3栋2单元1202")
    clock.advance(hours=2, minutes=29)
    reminders.run_due(guard)
    assert given(guard, "visitor_overstay") == []
    clock.advance(minutes=2)
    reminders.run_due(guard)
    [r] = given(guard, "visitor_overstay")
    assert r.text == f"访客 {v.name} 到访 3栋2单元1202，预计 03-02 11:00 离开，仍在场"
    assert given(guard, "vehicle_overstay") == []
    clock.advance(hours=10)
    reminders.run_due(guard)
    [car] = given(guard, "vehicle_overstay")
    assert car.text == "车辆 粤B12345 自 03-02 09:00 进场，已超过 12 小时"


def test_renovation_permit_ending_tomorrow(site, clock):
    manager, desk, guard = site
    today = desk.local(clock.now()).date()
    permit, _passes = gate_passes.issue_permit(desk, "3栋2单元1202", "美家装饰", "孙工", "13500001111",
                                               today.isoformat(), (today + timedelta(days=2)).isoformat(), 1, ["孙工"])
    reminders.run_due(desk)
    assert given(desk, "permit_ending") == []
    clock.advance(days=1)
    reminders.run_due(desk)
    [r] = given(desk, "permit_ending")
    assert r.text == f"3栋2单元1202 的装修许可（美家装饰）将于 {(today + timedelta(days=2)).isoformat()} 到期"


def test_major_unacknowledged_goes_up_to_the_manager(site, clock, make_ctx):
    manager, desk, guard = site
    settings.update(manager, webhook_url="http://127.0.0.1:9/hook", notify_escalate_mobiles="13900000000")
    entry = dutylog.add_entry(guard, "main_gate", "fire", "critical", "垃圾房冒烟", incident=True, major_type="fire")
    clock.advance(minutes=9)
    reminders.run_due(guard)
    assert given(guard, "escalation_unacknowledged") == []
    clock.advance(minutes=1)
    reminders.run_due(guard)
    [r] = given(guard, "escalation_unacknowledged")
    assert r.text == "10 分钟无人确认，已升级至经理：重大：火灾 垃圾房冒烟（正门岗）（09:00，已 10 分钟）"
    esc = escalation.timeline(guard, entry.escalation_id)
    assert esc.escalation.level == 1 and esc.events[-1][0].kind == "escalated"
    assert escalation.alert_text(guard, esc.escalation).startswith("已升级：火灾 垃圾房冒烟")
    sent_up = [o for o in outbox(guard) if o.event == "escalate"]
    assert len(sent_up) == 1 and sent_up[0].mentions == "13900000000"
    clock.advance(minutes=30)
    reminders.run_due(guard)
    assert len(given(guard, "escalation_unacknowledged")) == 1  # one level, once
    # an acknowledged one is never sent up
    other = dutylog.add_entry(guard, "main_gate", "fire", "critical", "二号楼冒烟", incident=True, major_type="fire")
    escalation.acknowledge(make_ctx("supervisor"), other.escalation_id)
    clock.advance(minutes=11)
    reminders.run_due(guard)
    assert len(given(guard, "escalation_unacknowledged")) == 1


def test_exactly_once_across_two_terminals(site, clock, db):
    from wuye_tui.db import Database
    from wuye_tui.services.core.context import ServiceContext

    manager, desk, guard = site
    for i in range(4):
        keys.add_key(guard, f"K01{i}", f"钥匙{i}")
        keys.lend_key(guard, f"K01{i}", "维修工", "repair", "李经理")
    clock.advance(days=2)
    other = Database(db.url)
    try:
        terminals = [ServiceContext(db=db, actor=guard.actor, clock=clock, terminal="gate-1"),
                     ServiceContext(db=other, actor=desk.actor, clock=clock, terminal="desk-1")]
        counts: list[int] = []
        errors: list[BaseException] = []

        def run(ctx) -> None:  # type: ignore[no-untyped-def]
            try:
                for _ in range(3):
                    counts.append(reminders.run_due(ctx))
            except BaseException as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(t,)) for t in terminals]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    finally:
        other.dispose()
    assert errors == []
    claims = given(guard)
    assert sum(counts) == len(claims)
    assert len({c.key for c in claims}) == len(claims)
    assert len([c for c in claims if c.rule == "key_overdue"]) == 4


def test_daily_summary_once_at_the_set_time_and_on_demand(site, clock, make_ctx):
    manager, desk, guard = site
    complaints.add_complaint(desk, **intake())
    settings.update(manager, summary_time="09:30", webhook_url="http://127.0.0.1:9/hook")
    reminders.run_due(guard)
    assert given(guard, "summary") == []
    clock.advance(minutes=30)
    reminders.run_due(guard)
    reminders.run_due(guard)
    [s] = given(guard, "summary")
    assert s.text.startswith("2026-03-02 汇总：未结投诉 1 件（逾期 0）；未解决重大事件 0 件")
    assert "漏巡" in s.text and "未签交接班 0 份" in s.text
    from wuye_tui.services.core import audit_checkpoint

    with guard.db.read() as session:
        head = audit_checkpoint.chain_head(session)
    # the chain head as it was when the summary was written leaves the database with it
    assert f"审计链末行：第 {head['id'] - 1} 条" in s.text or f"审计链末行：第 {head['id']} 条" in s.text
    assert [o.event for o in outbox(guard)].count("summary") == 1
    sup = make_ctx("supervisor")
    text = reminders.send_summary(sup)
    assert text.startswith("2026-03-02 汇总") and [o.event for o in outbox(guard)].count("summary") == 2


def test_dismissed_by_one_is_gone_for_all(site, clock):
    manager, desk, guard = site
    keys.add_key(guard, "K0009", "水泵房")
    keys.lend_key(guard, "K0009", "维修工", "repair", "李经理")
    clock.advance(days=2)
    reminders.run_due(guard)
    first = reminders.active_for(guard, "guard")[0]
    reminders.dismiss_first(guard, "guard")
    assert first.id not in [r.id for r in reminders.active_for(desk, "guard")]


@pytest.mark.parametrize("text,message", [
    ("[nonsense]\n", "data/reminders.toml: [nonsense]: 没有此规则"),
    ("[key_overdue]\nroles = ['janitor']\n", "data/reminders.toml: key_overdue.roles: "),
    ("[complaint_due]\nhours_before = 'two'\n", "data/reminders.toml: complaint_due.hours_before: "),
    ("[complaint_due]\ncolour = 1\n", "data/reminders.toml: complaint_due.colour: "),
])
def test_bad_rules_name_the_file_and_key(text, message):
    with pytest.raises(ConfigError) as err:
        reminders.parse_rules(text, "data/reminders.toml")
    assert str(err.value).startswith(message.split("没有")[0])


def test_shipped_rules_load():
    rules = reminders.load_rules()
    assert rules["complaint_due"].hours_before == 2 and rules["escalation_unacknowledged"].minutes == 10
    assert all(r.enabled for r in rules.values())


def test_deadline_reminders_mention_the_department(site, clock):
    from wuye_tui.errors import ValidationError

    manager, desk, guard = site
    with pytest.raises(ValidationError) as err:
        settings.update(manager, notify_department_mobiles="plumbing=13800138000")
    assert err.value.field == "notify_department_mobiles"
    settings.update(manager, webhook_url="http://127.0.0.1:9/hook", notify_reminder_mobiles="13600000000",
                    notify_department_mobiles="engineering=13800138000,13900139000；cleaning=13700137000")
    c = complaints.add_complaint(desk, **intake())  # public facility: the engineering department
    assert c.department == "engineering"
    clock.set(c.due_at.replace(tzinfo=timezone.utc) + timedelta(minutes=1))
    reminders.run_due(desk)
    [row] = [o for o in outbox(desk) if o.event == "reminder" and "投诉" in o.body]
    assert row.mentions == "13600000000,13800138000,13900139000"
    assert row.title == "投诉已过回复期限"
