"""Reference data in data/*.toml: the shipped defaults follow the seed rules, labels follow
the UI language, and a malformed office copy fails with one line naming file and key."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from tests.unit.reference.helpers import copy_data, edit
from wuye_tui import i18n
from wuye_tui import reference as reference_module
from wuye_tui.reference import ENV_VAR, Reference, load_reference

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"


def codes(entries) -> list[str]:
    return [e.code for e in entries]


# --- the shipped defaults follow the seed -----------------------------------------------


def test_default_folder_is_the_data_folder_and_is_cached(ref: Reference) -> None:
    assert ref.source == "data"
    assert load_reference() is ref
    assert load_reference(DATA) is not ref  # an explicit folder is read afresh
    assert load_reference(DATA).categories == ref.categories


def test_major_types_are_the_ten_of_article_1(ref: Reference) -> None:
    assert codes(ref.major_types) == [
        "fire",
        "elevator_entrapment",
        "explosion",
        "power_cut",
        "flooding",
        "theft_vandalism",
        "criminal_case",
        "collective_complaint",
        "equipment_failure",
        "structural_damage",
    ]
    assert ref.major_type("elevator_entrapment").zh == "电梯困人"
    assert "发电机" in ref.major_type("equipment_failure").zh
    assert all(m.reply_hours >= 1 for m in ref.major_types)
    assert ref.major_type("fire").reply_within == timedelta(hours=1)


def test_causes_are_the_seven_of_article_3(ref: Reference) -> None:
    assert [c.zh for c in ref.causes] == [
        "房屋质量",
        "物业配套",
        "设备设施",
        "服务质量与态度",
        "管理费用",
        "突发事件",
        "相邻关系",
    ]
    i18n.set_language("zh")
    assert "渗水" in ref.cause("housing_quality").hint


def test_complaint_categories_and_deadlines(ref: Reference) -> None:
    zh = {c.zh for c in ref.categories}
    for name in ("装修噪音扰民", "公共设施故障", "室内设施维修", "邮件报纸遗失", "环境卫生及绿化"):
        assert name in zh
    for name in ("鼠虫害防治", "物业服务问题", "报修", "保洁服务"):
        assert name in zh
    assert ref.category("cleaning_request").deadline_hours == 24  # article 10
    assert ref.category("cleaning_request").deadline == timedelta(hours=24)
    assert ref.category("repair_request").deadline_hours == 24
    assert ref.category("repair_request").kind == "request"
    assert [c.code for c in ref.categories_of_kind("suggestion")] == ["suggestion"]
    for c in ref.categories:
        assert c.department in ref.codes("department")
    assert {d.zh for d in ref.departments} >= {"客服中心", "工程维修部", "财务部", "管理处主任"}
    assert codes(ref.channels) == ["phone", "visit", "written", "online"]
    assert ref.channel("written").written_reply and not ref.channel("phone").written_reply
    assert {k.zh for k in ref.complainant_kinds} == {"职业投诉者", "问题投诉者", "潜在投诉者"}
    s = ref.complaint_settings
    assert (s.collective_window_hours, s.collective_min_households) == (24, 3)
    assert (s.return_visit_delay_days, s.failed_contact_attempts) == (3, 3)
    assert s.collective_window == timedelta(hours=24)
    assert [x.score for x in ref.satisfactions] == sorted((x.score for x in ref.satisfactions), reverse=True)


def test_gate_defaults(ref: Reference) -> None:
    assert "探亲访友" in [p.zh for p in ref.visit_purposes]
    assert ref.visit_purpose("repair").needs_pass
    assert codes(ref.refusal_reasons)[:5] == [
        "no_id",
        "host_refused",
        "peddler",
        "canvasser",
        "watch_list",
    ]
    assert {"phone", "host_present", "prereg"} <= set(ref.codes("approval_method"))
    inspected = {v.code for v in ref.vehicle_kinds if v.needs_inspection}
    assert inspected == {"truck", "moving_van"}
    assert ref.visitor.default_stay == timedelta(hours=4)
    assert ref.visitor.night_hour == time(23, 0)
    assert ref.visitor.prereg_valid_hours == 24
    assert ref.visit_stay_minutes("takeaway") == 30
    assert ref.visit_stay_minutes("visit_friends") == 240
    assert ref.visit_stay_minutes(None) == 240
    assert ref.visit_stay_minutes("removed_purpose") == 240


@pytest.mark.parametrize(
    ("clock", "allowed"),
    [
        ("07:59", False),
        ("08:00", True),
        ("11:59", True),
        ("12:00", False),  # end excluded
        ("13:59", False),
        ("14:00", True),
        ("16:59", True),
        ("17:00", False),
        ("23:30", False),
    ],
)
def test_renovation_hours_of_article_6(ref: Reference, clock: str, allowed: bool) -> None:
    t = time.fromisoformat(clock)
    assert ref.renovation.allows(t) is allowed
    assert ref.renovation.allows(datetime.combine(datetime(2024, 5, 6), t)) is allowed


def test_renovation_windows(ref: Reference) -> None:
    assert ref.renovation.windows == ((time(8), time(12)), (time(14), time(17)))
    assert ref.renovation.text == "08:00-12:00, 14:00-17:00"


def test_three_shifts_with_night_across_midnight(ref: Reference) -> None:
    assert [s.zh for s in ref.shifts] == ["早班", "中班", "夜班"]
    night = ref.shift("night")
    assert (night.start, night.end) == (time(23), time(7))
    assert night.crosses_midnight and not ref.shift("morning").crosses_midnight
    assert all(s.duration == timedelta(hours=8) for s in ref.shifts)
    day = datetime(2024, 3, 10)
    cases = {"23:00": "night", "06:59": "night", "07:00": "morning", "00:00": "night"}
    cases |= {"14:59": "morning", "15:00": "middle", "22:59": "middle"}
    for clock, expected in cases.items():
        t = time.fromisoformat(clock)
        assert ref.shift_for(datetime.combine(day, t)).code == expected, clock
        assert ref.shift_for(t).code == expected, clock
    assert night.contains(time(3)) and not night.contains(time(7))


def test_shift_window_and_aware_datetimes(ref: Reference) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    early = datetime(2024, 3, 11, 6, 59, tzinfo=tz)
    assert ref.shift_for(early).code == "night"
    start, end = ref.shift("night").window(early)
    assert start == datetime(2024, 3, 10, 23, 0, tzinfo=tz)
    assert end == datetime(2024, 3, 11, 7, 0, tzinfo=tz)
    start, end = ref.shift("night").window(datetime(2024, 3, 10, 23, 0, tzinfo=tz))
    assert start.date().isoformat() == "2024-03-10" and end.hour == 7
    start, end = ref.shift("morning").window(datetime(2024, 3, 10, 7, 0))
    assert (start, end) == (datetime(2024, 3, 10, 7), datetime(2024, 3, 10, 15))


def test_posts_equipment_duty_log(ref: Reference) -> None:
    assert codes(ref.posts) == ["main_gate", "back_gate", "patrol", "control_room"]
    counts = {e.code: e.default_count for e in ref.equipment}
    assert counts == {"radio": 2, "key_ring": 1, "torch": 2, "baton": 1, "register_book": 1}
    assert ref.equipment_item("radio").zh == "对讲机"
    assert {"security", "fire", "renovation", "other"} <= set(ref.codes("duty_type"))
    ranks = [s.rank for s in ref.severities]
    assert codes(ref.severities) == ["info", "warning", "serious", "critical"]
    assert ranks == sorted(ranks)
    assert "other" in ref.codes("missed_round_reason")


def test_patrol_routes_cover_the_seed_checks(ref: Reference) -> None:
    expected = {"perimeter", "garage", "fire_exits", "pump_room", "power_room"}
    expected |= {"elevator_room", "fire_control_room", "renovation"}
    assert set(ref.codes("route")) == expected
    item_codes = set(ref.codes("item"))
    assert {"fire_exit_clear", "extinguisher_ok", "no_leaks", "no_suspicious"} <= item_codes
    assert "renovation_compliant" in item_codes
    tags = [cp.tag for r in ref.routes for cp in r.checkpoints]
    assert len(tags) == len(set(tags))
    for route in ref.routes:
        assert route.checkpoints
        for cp in route.checkpoints:
            assert cp.route == route.code
            assert set(cp.items) <= item_codes
            assert ref.checkpoint(cp.code) is cp
            assert route.checkpoint(cp.code) is cp
    assert len(ref.route("fire_exits").checkpoints) == 3
    assert ref.checkpoint_by_tag(" p01 ").code == "main_gate_area"
    assert "renovation_compliant" in ref.checkpoint_by_tag("R01").items


def test_patrol_schedule_covers_24_hours(ref: Reference) -> None:
    perimeter = ref.route("perimeter").round_times()
    assert len(perimeter) == 12 and perimeter[0] == time(0) and perimeter[-1] == time(22)
    renovation = ref.route("renovation").round_times()
    assert renovation[0] == time(8, 30) and renovation[-1] == time(16, 30)


def test_site_defaults(ref: Reference) -> None:
    site = ref.site
    assert site.time_zone == "Asia/Shanghai" and site.tz == ZoneInfo("Asia/Shanghai")
    assert (site.idle_lock_minutes, site.lockout_attempts, site.lockout_minutes) == (5, 5, 15)
    assert (site.retention_days, site.key_overdue_hours, site.fee_due_day) == (180, 24, 10)
    assert site.zh.endswith("物业服务中心")
    assert ref.codes("key_purpose")


def test_labels_follow_the_language(ref: Reference) -> None:
    i18n.set_language("zh")
    assert ref.category("cleaning_request").label == "保洁服务"
    assert ref.shift("night").label == "夜班"
    assert ref.site.name == ref.site.zh
    assert ref.label("major_type", "fire") == "火灾"
    i18n.set_language("en")
    assert ref.category("cleaning_request").label == "Cleaning request"
    assert ref.shift("night").label == "Night shift"
    assert ref.site.name == ref.site.en
    assert ref.label("major_type", "fire") == "Fire"
    for name, attr in Reference.COLLECTIONS.items():
        for entry in getattr(ref, attr):
            assert entry.zh and entry.en and entry.label == entry.en, (name, entry.code)


def test_unknown_codes(ref: Reference) -> None:
    with pytest.raises(LookupError):
        ref.category("no_such_category")
    with pytest.raises(LookupError):
        ref.checkpoint_by_tag("Z99")
    assert ref.label("category", "retired_category") == "retired_category"
    assert ref.label("category", None) == ""
    assert ref.label("no_such_collection", "x") == "x"


def test_environment_variable_points_at_an_office_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = copy_data(tmp_path)
    edit(folder / "site.toml", 'zh = "和谐家园物业服务中心"', 'zh = "阳光花园物业管理处"')
    monkeypatch.setenv(ENV_VAR, str(folder))
    ref = load_reference()
    assert ref.site.zh == "阳光花园物业管理处"
    assert ref.source == str(folder)
    assert load_reference() is ref


def test_installed_package_data_is_preferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A wheel installs data/ as the package wuye_tui.data: read that when it exists."""
    folder = copy_data(tmp_path)
    edit(folder / "site.toml", 'zh = "和谐家园物业服务中心"', 'zh = "安装版"')
    fake = SimpleNamespace(files=lambda package: folder if package == "wuye_tui.data" else None)
    monkeypatch.setattr(reference_module, "resources", fake)
    assert load_reference().site.zh == "安装版"
    assert load_reference().source == "data"


def test_source_checkout_falls_back_to_the_data_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(package: str):
        raise ModuleNotFoundError(package)

    monkeypatch.setattr(reference_module, "resources", SimpleNamespace(files=missing))
    assert load_reference().site.zh == "和谐家园物业服务中心"


def test_toml_local_times_are_accepted(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    edit(folder / "shifts.toml", 'start = "07:00"', "start = 07:00:00")
    assert load_reference(folder).shift("morning").start == time(7)
