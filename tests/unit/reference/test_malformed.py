"""Malformed copies of data/ stop with one line naming the file and the key; messages
are translated."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from wuye_tui import i18n
from tests.unit.reference.helpers import copy_data, edit
from wuye_tui.errors import ConfigError
from wuye_tui.reference import FILES, load_reference

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "data"


# --- malformed copies -------------------------------------------------------------------


BROKEN = [
    # (file, old text, new text, expected "file: key" and a fragment of the message)
    ("shifts.toml", 'start = "23:00"', 'start = "25:00"', "shift[3].start", '"25:00"'),
    (
        "complaints.toml",
        'kind = "complaint"\ndeadline_hours = 48\ndepartment = "cleaning"',
        'kind = "complaint"\ndepartment = "cleaning"',
        "category[6].deadline_hours",
        "missing",
    ),
    (
        "complaints.toml",
        'kind = "request"\ndeadline_hours = 24\ndepartment = "cleaning"',
        'kind = "request"\ndeadline_hours = "24"\ndepartment = "cleaning"',
        "category[9].deadline_hours",
        "integer",
    ),
    ("complaints.toml", 'code = "parking"', 'code = "fees"', "category[11].code", '"fees"'),
    ("complaints.toml", 'code = "pest_control"', 'code = "Pest-Control"', "category[6].code", ""),
    (
        "complaints.toml",
        'department = "finance"',
        'department = "legal"',
        "category[11].department",
        '"legal"',
    ),
    ("complaints.toml", 'kind = "suggestion"', 'kind = "praise"', "category[13].kind", '"praise"'),
    (
        "complaints.toml",
        "reply_hours = 24",
        "reply_hour = 24",
        "major_type[8].reply_hours",
        "missing",
    ),
    (
        "gate.toml",
        "needs_pass = true\nstay",
        "need_pass = true\nstay",
        "visit_purpose[4].need_pass",
        "unknown key",
    ),
    (
        "complaints.toml",
        "collective_min_households = 3",
        "collective_min_households = 1",
        "settings.collective_min_households",
        "2",
    ),
    (
        "patrol.toml",
        'items = ["cctv_ok", "equipment_normal"]',
        'items = ["cctv_ok", "equipment_normal", "no_such_item"]',
        "route[7].checkpoint[2].items[3]",
        '"no_such_item"',
    ),
    ("patrol.toml", 'tag = "R03"', 'tag = "p01"', "route[8].checkpoint[3].tag", '"P01"'),
    (
        "patrol.toml",
        'code = "lift_room_3"',
        'code = "lift_room_2"',
        "route[6].checkpoint[3].code",
        "",
    ),
    (
        "patrol.toml",
        "interval_minutes = 120\nfirst_round",
        "interval_minutes = 0\nfirst_round",
        "route[8].interval_minutes",
        "1",
    ),
    ("shifts.toml", 'end = "15:00"', 'end = "14:00"', "shift", "14:00"),
    ("shifts.toml", 'end = "23:00"', 'end = "23:30"', "shift", "23:00"),
    (
        "shifts.toml",
        'default_count = 2\n\n[[equipment]]\ncode = "key_ring"',
        'default_count = true\n\n[[equipment]]\ncode = "key_ring"',
        "equipment[1].default_count",
        "true",
    ),
    ("gate.toml", '["14:00", "17:00"]', '["11:00", "17:00"]', "renovation.hours[2]", "overlap"),
    ("gate.toml", '["08:00", "12:00"]', '["12:00", "08:00"]', "renovation.hours[1]", "later"),
    ("gate.toml", 'night_hour = "23:00"', 'night_hour = "11pm"', "visitor.night_hour", '"11pm"'),
    ("gate.toml", "[visitor]", "[visitors]", "visitor", "missing"),
    (
        "site.toml",
        'time_zone = "Asia/Shanghai"',
        'time_zone = "Asia/Beijing"',
        "site.time_zone",
        '"Asia/Beijing"',
    ),
    ("site.toml", "fee_due_day = 10", "fee_due_day = 31", "site.fee_due_day", "28"),
]


@pytest.mark.parametrize(("name", "old", "new", "key", "fragment"), BROKEN)
def test_malformed_copy_names_file_and_key(
    tmp_path: Path, name: str, old: str, new: str, key: str, fragment: str
) -> None:
    folder = copy_data(tmp_path)
    edit(folder / name, old, new)
    with pytest.raises(ConfigError) as caught:
        load_reference(folder)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{folder}/{name}: {key}: "), message
    assert fragment in message


def test_syntax_error_gives_the_line(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    edit(folder / "gate.toml", "default_stay_hours = 4", "default_stay_hours = = 4")
    with pytest.raises(ConfigError) as caught:
        load_reference(folder)
    message = str(caught.value)
    assert message.startswith(f"{folder}/gate.toml: TOML syntax error")
    assert "line 8" in message and "\n" not in message


def test_missing_file(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    (folder / "patrol.toml").unlink()
    with pytest.raises(ConfigError, match=r"patrol\.toml: file not found"):
        load_reference(folder)


def test_wrong_shape_of_an_array(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    path = folder / "shifts.toml"
    path.write_text(path.read_text(encoding="utf-8") + '\npost = "gate"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_reference(folder)
    assert str(caught.value).startswith(f"{folder}/shifts.toml: ")  # TOML refuses to redefine


def test_messages_are_translated(tmp_path: Path) -> None:
    folder = copy_data(tmp_path)
    edit(folder / "shifts.toml", 'start = "23:00"', 'start = "25:00"')
    i18n.set_language("zh")
    with pytest.raises(ConfigError) as caught:
        load_reference(folder)
    assert str(caught.value).endswith('shift[3].start: "25:00" 不是 HH:MM 格式的时间')
    i18n.set_language("en")
    with pytest.raises(ConfigError) as caught:
        load_reference(folder)
    assert str(caught.value).endswith('shift[3].start: "25:00" is not a time HH:MM')


def test_every_message_has_a_chinese_translation() -> None:
    catalog = json.loads(
        (ROOT / "wuye_tui" / "locale" / "zh_CN" / "reference.json").read_text(encoding="utf-8")
    )
    used = set()
    for module in ("reference/__init__.py", "reference/models.py"):
        tree = ast.parse((ROOT / "wuye_tui" / module).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                assert isinstance(node.args[0], ast.Constant)
                used.add(node.args[0].value)
    assert used <= set(catalog), used - set(catalog)


OWN_LOADERS = ("reminders.toml",)  # read by services/core/reminders.py, with its own checks


def test_all_files_are_shipped() -> None:
    assert sorted(p.name for p in DATA.glob("*.toml")) == sorted((*FILES, *OWN_LOADERS))
