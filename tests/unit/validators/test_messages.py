"""Every validator message has a Chinese entry, and the two languages differ."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from wuye_tui import i18n
from wuye_tui.errors import ValidationError
from wuye_tui.validators import (
    clean_text,
    parse_date,
    validate_id_number,
    validate_name,
    validate_phone,
    validate_pin,
    validate_plate,
)


ROOT = Path(__file__).resolve().parents[3]


# --------------------------------------------------------------------------- translations


def _message_ids() -> set[str]:
    ids: set[str] = set()
    for name in ("validators/__init__.py", "validators/ids.py", "validators/base.py"):
        tree = ast.parse((ROOT / "wuye_tui" / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
                assert len(node.args) == 1 and isinstance(node.args[0], ast.Constant), node.lineno
                ids.add(node.args[0].value)
    return ids


def test_every_message_has_a_chinese_entry():
    catalog = json.loads((ROOT / "wuye_tui/locale/zh_CN/validators.json").read_text(encoding="utf-8"))
    ids = _message_ids()
    assert len(ids) > 30
    missing = ids - catalog.keys()
    assert not missing
    for msgid in ids:
        zh = catalog[msgid]
        assert zh and zh != msgid
        assert any("\u4e00" <= ch <= "\u9fff" for ch in zh), msgid
        assert sorted(re.findall(r"\{\w+\}", zh)) == sorted(re.findall(r"\{\w+\}", msgid)), msgid


def test_messages_differ_by_language():
    cases = [
        lambda: validate_id_number("110105194912310021"),
        lambda: validate_plate("北A12345"),
        lambda: validate_phone("12345678901"),
        lambda: clean_text("", required=True),
        lambda: parse_date("2023-02-29"),
        lambda: validate_pin("1"),
        lambda: validate_name("张3"),
    ]
    for case in cases:
        got = {}
        for lang in ("en", "zh"):
            i18n.set_language(lang)
            with pytest.raises(ValidationError) as info:
                case()
            got[lang] = info.value.message
        assert got["en"] != got["zh"]
        assert got["en"].isascii()
        assert any("\u4e00" <= ch <= "\u9fff" for ch in got["zh"])
