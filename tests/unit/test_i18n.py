"""Every user-facing string has a Chinese translation, and English is complete by
construction (message ids are English). Also: the core imports no UI toolkit."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "wuye_tui", ROOT / "screens"]


def message_ids() -> dict[str, str]:
    """Every literal passed to _() or N_() -> the first file that uses it."""
    found: dict[str, str] = {}
    for folder in SOURCES:
        for path in folder.rglob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id in ("_", "N_") and node.args
                        and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                    found.setdefault(node.args[0].value, str(path.relative_to(ROOT)))
    return found


def catalog() -> dict[str, str]:
    merged: dict[str, str] = {}
    for path in sorted((ROOT / "wuye_tui" / "locale" / "zh_CN").glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


def test_every_message_has_a_chinese_translation():
    ids = message_ids()
    zh = catalog()
    missing = {m: where for m, where in ids.items() if not zh.get(m, "").strip()}
    assert not missing, "untranslated (add to wuye_tui/locale/zh_CN/*.json):\n" + "\n".join(
        f"{where}: {m!r}" for m, where in sorted(missing.items(), key=lambda kv: kv[1]))
    assert len(ids) > 100


def test_placeholders_match():
    zh = catalog()
    bad = []
    for m in message_ids():
        if m in zh and set(re.findall(r"\{(\w*)\}", m)) != set(re.findall(r"\{(\w*)\}", zh[m])):
            bad.append(m)
    assert not bad, bad


def test_core_does_not_import_textual_or_typer():
    code = ("import sys, wuye_tui.services, wuye_tui.models, wuye_tui.validators, wuye_tui.reference;"
            "import wuye_tui.services.core.staff, wuye_tui.services.core.escalation, wuye_tui.services.core.open_items;"
            "bad=[m for m in ('textual','typer') if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stdout + proc.stderr
