"""The wheel carries the screens, the stylesheet, the translations, the migrations and
data/, and an installed copy runs from another folder."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                           "-w", str(out), str(ROOT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return next(out.glob("wuye-*.whl"))


def test_wheel_lists_everything(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("wuye_tui/cli/__init__.py", "wuye_tui/app.py", "screens/__init__.py", "screens/app.tcss",
                     "screens/login.py", "wuye_tui/locale/zh_CN/core.json", "wuye_tui/data/complaints.toml",
                     "wuye_tui/data/shifts.toml", "wuye_tui/data/patrol.toml", "wuye_tui/data/gate.toml",
                     "wuye_tui/data/site.toml", "wuye_tui/migrations/env.py",
                     "wuye_tui/migrations/script.py.mako", "wuye_tui/migrations/versions/0001_core.py"):
        assert required in names, required
    for source in (ROOT / "data").glob("*.toml"):
        assert f"wuye_tui/data/{source.name}" in names
    for source in (ROOT / "wuye_tui" / "locale" / "zh_CN").glob("*.json"):
        assert f"wuye_tui/locale/zh_CN/{source.name}" in names
    for source in (ROOT / "screens").rglob("*.tcss"):
        assert source.relative_to(ROOT).as_posix() in names
    for source in (ROOT / "screens").rglob("*.py"):
        assert source.relative_to(ROOT).as_posix() in names
    for source in (ROOT / "wuye_tui" / "migrations" / "versions").glob("*.py"):
        assert f"wuye_tui/migrations/versions/{source.name}" in names
    assert not any(n.startswith("tests/") for n in names)


def test_installed_copy_runs_from_another_folder(wheel, tmp_path):
    target = tmp_path / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target),
                           str(wheel)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import wuye_tui, screens, sys;"
        "from wuye_tui.reference import load_reference;"
        "from wuye_tui.i18n import _, set_language;"
        "from wuye_tui.app import CSS_FILE;"
        "ref = load_reference();"
        "set_language('zh');"
        "print(wuye_tui.__file__); print(screens.__file__); print(CSS_FILE.exists());"
        "print(len(ref.major_types)); print(_('Staff login'))"
    )
    env = {"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(str(target)) and lines[1].startswith(str(target))
    assert lines[2] == "True" and lines[3] == "10" and lines[4] == "员工登录"
    db = tmp_path / "x.db"
    run = subprocess.run([sys.executable, "-m", "wuye_tui.cli", "--db", str(db), "init", "--name", "王主管",
                          "--pin", "1234"], capture_output=True, text=True, cwd=elsewhere, env=env)
    assert run.returncode == 0, run.stderr
    assert "王主管" in run.stdout
