"""``wuye --help`` speaks Chinese by default and English with --lang en or WUYE_LANG=en.

Help texts are translated while the Typer apps are defined (import time), so the language is
read from the command line before that. CliRunner tests in this process build the app once,
so the language checks run the CLI in subprocesses.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest

CJK = re.compile(r"[\u4e00-\u9fff]")

# Walk the whole command tree in one process per language and ask every command for --help.
WALK = r"""
import json, sys
from typer.main import get_command
from typer.testing import CliRunner
from wuye_tui.cli import app

lang = sys.argv[1]
runner = CliRunner()
root = get_command(app)  # once: CliRunner.invoke would rebuild it for every command
found = []

def help_of(path):
    with runner.isolation() as (_out, _err, output):
        try:
            root.main(args=["--lang", lang, *path, "--help"], prog_name="wuye")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        except Exception as exc:
            print(repr(exc), file=sys.stderr)
            code = 1
        sys.stdout.flush()
        sys.stderr.flush()
        return code, output.getvalue().decode("utf-8")

def walk(cmd, path):
    code, output = help_of(path)
    params = {p.name: getattr(p, "help", None) or "" for p in cmd.params if p.name != "help"}
    found.append({"path": path, "exit": code, "output": output, "help": cmd.help or "", "params": params})
    for name, sub in getattr(cmd, "commands", {}).items():  # a group
        walk(sub, [*path, name])

walk(root, [])
print(json.dumps(found, ensure_ascii=False))
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("WUYE_LANG", "WUYE_DB", "WUYE_USER", "WUYE_PIN")}
    env.update(extra)
    return env


def wuye(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wuye_tui.cli", *args], capture_output=True, text=True,
                          env=_env(**env), timeout=60)


def test_root_help_is_chinese_by_default():
    proc = wuye("--help")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for zh in ("门岗访客登记", "员工账号", "投诉与报修", "值班记录", "主管报表", "数据库文件或 URL"):
        assert zh in out
    assert "Visitors at the gate" not in out
    assert "Staff accounts" not in out


def test_subcommand_help_is_chinese_by_default():
    proc = wuye("visitor", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "访客" in proc.stdout
    assert "Visitors at the gate" not in proc.stdout
    proc = wuye("visitor", "checkin", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "访客进入登记" in proc.stdout
    assert "预计停留小时数" in proc.stdout
    assert "以此员工身份操作" in proc.stdout  # the shared --as option


@pytest.mark.parametrize("args, env", [
    (["--lang", "en"], {}),
    (["--lang=en"], {}),
    (["--lang", "EN"], {}),
    ([], {"WUYE_LANG": "en"}),
    (["--db", "/nonexistent/x.db", "--lang", "en"], {}),  # options before --lang are skipped correctly
])
def test_help_is_english_on_request(args, env):
    proc = wuye(*args, "visitor", "--help", **env)
    assert proc.returncode == 0, proc.stderr
    assert "Visitors at the gate." in proc.stdout
    assert "Check a visitor in" in proc.stdout
    assert not CJK.search(proc.stdout), proc.stdout


def test_root_help_in_english():
    proc = wuye("--lang", "en", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "Staff accounts." in proc.stdout
    assert "Database file or URL." in proc.stdout
    assert "员工账号" not in proc.stdout


def test_the_option_beats_the_environment():
    proc = wuye("--lang", "zh", "visitor", "--help", WUYE_LANG="en")
    assert proc.returncode == 0, proc.stderr
    assert "门岗访客登记" in proc.stdout


def test_a_bad_language_still_fails_clearly():
    proc = wuye("--lang", "fr", "staff", "list")
    assert proc.returncode == 2
    assert "--lang 只能是 zh 或 en" in proc.stderr
    # help still works (in the default language) rather than crashing at import
    proc = wuye("--lang", "fr", "--help")
    assert proc.returncode == 0, proc.stderr
    assert "员工账号" in proc.stdout


def test_language_is_read_from_the_root_options_only(monkeypatch):
    from wuye_tui.cli import _language_from_argv

    monkeypatch.delenv("WUYE_LANG", raising=False)
    assert _language_from_argv([]) == "zh"
    assert _language_from_argv(["--lang", "en", "visitor", "--help"]) == "en"
    assert _language_from_argv(["--lang=english"]) == "en"
    assert _language_from_argv(["--as", "--lang", "visitor"]) == "zh"  # "--lang" is the value of --as
    assert _language_from_argv(["--kiosk", "--lang", "en"]) == "en"
    assert _language_from_argv(["dutylog", "add", "--lang", "en"]) == "zh"  # after the subcommand: not ours
    assert _language_from_argv(["--lang"]) == "zh"
    assert _language_from_argv(["--lang", "fr"]) == "zh"
    monkeypatch.setenv("WUYE_LANG", "en")
    assert _language_from_argv([]) == "en"
    assert _language_from_argv(["--lang", "fr"]) == "en"  # a bad flag: the callback reports it
    assert _language_from_argv(["--lang", "zh"]) == "zh"


def _walk(lang: str) -> dict[tuple[str, ...], dict]:
    proc = subprocess.run([sys.executable, "-c", WALK, lang], capture_output=True, text=True,
                          env=_env(WUYE_LANG=lang, COLUMNS="100"), timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {tuple(c["path"]): c for c in json.loads(proc.stdout)}


@pytest.fixture(scope="module")
def trees() -> dict[str, dict[tuple[str, ...], dict]]:
    return {"zh": _walk("zh"), "en": _walk("en")}


def test_every_command_help_exits_0_in_both_languages(trees):
    zh, en = trees["zh"], trees["en"]
    assert set(zh) == set(en)
    assert len(zh) > 40
    for lang, tree in trees.items():
        bad = {" ".join(p): c["exit"] for p, c in tree.items() if c["exit"] != 0}
        assert not bad, (lang, bad)
        missing = [" ".join(p) for p, c in tree.items() if not c["help"].strip()]
        assert not missing, (lang, "commands without help", missing)


def test_every_help_text_is_translated(trees):
    from wuye_tui.i18n import zh_catalog

    catalog = zh_catalog()
    zh, en = trees["zh"], trees["en"]
    problems = []
    for path, cmd in en.items():
        name = " ".join(("wuye", *path))
        z = zh[path]
        if catalog.get(cmd["help"]) != z["help"]:
            problems.append(f"{name}: {cmd['help']!r} -> {z['help']!r}")
        # the description is shown: its start appears in the output (rich wraps long lines)
        assert z["help"][:8] in z["output"], name
        assert cmd["help"][:8] in cmd["output"], name
        for param, text in cmd["params"].items():
            ztext = z["params"][param]
            if not text:
                assert not ztext, (name, param)
                continue
            if text in catalog:
                ok = catalog[text] == ztext
            else:  # formatted after lookup (e.g. the list of complaint steps)
                ok = ztext != text and bool(CJK.search(ztext))
            if not ok:
                problems.append(f"{name} {param}: {text!r} -> {ztext!r}")
    assert not problems, "\n".join(problems)


def test_launcher_reads_only_tui_options():
    from wuye_tui.launch import tui_options

    assert tui_options([]) == {"db": None, "lang": None, "kiosk": False}
    assert tui_options(["--db", "x.db", "--kiosk", "--lang=en"]) == {"db": "x.db", "lang": "en", "kiosk": True}
    for argv in (["demo"], ["--help"], ["--version"], ["--as", "王主管"], ["--db"], ["--db", "x.db", "init"]):
        assert tui_options(argv) is None, argv


def test_launcher_hands_everything_else_to_the_cli():
    run = subprocess.run([sys.executable, "-m", "wuye_tui", "--version"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0 and run.stdout.startswith("wuye ")
    run = subprocess.run([sys.executable, "-m", "wuye_tui", "--lang", "xx"], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 2 and "--lang" in (run.stdout + run.stderr)
