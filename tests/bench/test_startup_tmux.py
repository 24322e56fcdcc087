"""Start-up as a user starts it (issue 11 item 4): the ``wuye`` console script in a real
terminal (tmux, 120x36) on the demo database, against a bare Textual app with a label and an
input started the same way (a script run by the same Python) in the same run.

Two moments are read off the screen by polling ``tmux capture-pane``:
- drawn: the login screen is on the screen (its "PIN" label; for the bare app its label);
- names: the staff names are shown, so the user can type the login (kept until it can be
  checked);
- ready: the database is open ("正在打开数据库" has gone), a typed login is checked at once.
Targets: drawn <= 1.3x the bare app's drawn, names <= 2x. Median of RUNS alternating runs;
"ready" is printed, not asserted.

Run: pytest tests/bench/test_startup_tmux.py -o addopts="" -s   (needs tmux)
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

RUNS = int(os.environ.get("WUYE_BENCH_STARTUP_RUNS", "7"))
POLL = 0.001
SESSION = "wuye-bench-start"

BARE = """
from textual.app import App
from textual.widgets import Input, Label
class Bare(App):
    def compose(self):
        yield Label("BARE-LOGIN")
        yield Input()
Bare().run()
"""

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def _screen() -> str:
    return _tmux("capture-pane", "-p", "-t", SESSION)


def _run(command: list[str], env: dict[str, str], marks: list, workdir: Path,
         timeout: float = 30) -> list[float]:
    """Start ``command`` in a fresh 120x36 tmux session; the seconds until each mark is on the
    screen (a mark is a text, or a function of the screen's text).

    The screen is rebuilt from what the program writes to the terminal (``pipe-pane`` into a
    file, fed to the ``pyte`` terminal emulator as it arrives) rather than by polling
    ``capture-pane``: a capture every few milliseconds is a new process each time, and on a
    small machine those processes take the CPU from the program being timed. The program is
    held at a prompt until the pipe is in place, then released with Enter (time zero)."""
    import pyte

    _tmux("kill-session", "-t", SESSION)
    out = workdir / "pane.out"
    out.write_bytes(b"")
    shell = "read _go; " + " ".join(f"{k}={v}" for k, v in env.items()) + " exec " + " ".join(command)
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", "120", "-y", "36", shell], check=True)
    subprocess.run(["tmux", "pipe-pane", "-t", SESSION, f"cat >> {out}"], check=True)
    screen = pyte.Screen(120, 36)
    stream = pyte.ByteStream(screen)
    found: list[float] = []
    try:
        with out.open("rb") as pane:
            t0 = time.perf_counter()
            subprocess.run(["tmux", "send-keys", "-t", SESSION, "Enter"], check=True)
            while len(found) < len(marks):
                now = time.perf_counter()
                if now - t0 > timeout:
                    raise AssertionError(f"not on the screen after {timeout}s: {marks[len(found)]!r}\n{_screen()}")
                chunk = pane.read()
                if not chunk:
                    time.sleep(POLL)
                    continue
                stream.feed(chunk)
                text = "\n".join(screen.display)
                while len(found) < len(marks):
                    mark = marks[len(found)]
                    if not (mark(text) if callable(mark) else mark in text):
                        break
                    found.append(now - t0)
    finally:
        _tmux("kill-session", "-t", SESSION)
    return found


def _bytecode_as_installed() -> None:
    """``pip install .`` (the README's start command) leaves compiled bytecode beside every
    module, as it did for Textual in this venv. An editable checkout run with
    PYTHONDONTWRITEBYTECODE=1 (set on machines like CI's) has none for wuye and compiles the
    login path's ~30 modules from source at every start (~27 ms here), which no installed
    terminal does: compile them once first, so both apps start from bytecode."""
    import compileall

    import screens
    import wuye_tui

    for package in (wuye_tui, screens):
        compileall.compile_dir(str(Path(package.__file__).parent), quiet=1)


def test_startup_through_console_script(tmp_path: Path):
    wuye = Path(sys.executable).with_name("wuye")
    assert wuye.exists(), "install the package first (pip install -e .)"
    _bytecode_as_installed()
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "TERM": "xterm-256color", "WUYE_LANG": "zh",
           "TEXTUAL_ANIMATIONS": "none"}
    db = tmp_path / "demo.db"
    subprocess.run([str(wuye), "--db", str(db), "demo", "--households", "200", "--days", "10",
                    "--no-launch"], check=True, capture_output=True,
                   env={**os.environ, **env})
    bare_script = tmp_path / "bare.py"
    bare_script.write_text(BARE)
    wuye_cmd = [str(wuye), "--db", str(db)]
    bare_cmd = [sys.executable, str(bare_script)]
    marks = ["PIN", "王主管", lambda screen: "正在打开数据库" not in screen]
    _run(bare_cmd, env, ["BARE-LOGIN"], tmp_path), _run(wuye_cmd, env, marks, tmp_path)  # warm the caches
    bare, drawn, names, ready = [], [], [], []
    for _ in range(RUNS):
        bare.append(_run(bare_cmd, env, ["BARE-LOGIN"], tmp_path)[0])
        d, n, r = _run(wuye_cmd, env, marks, tmp_path)
        drawn.append(d)
        names.append(n)
        ready.append(r)
    b, d, n = statistics.median(bare), statistics.median(drawn), statistics.median(names)
    r = statistics.median(ready)
    print(f"\n[tmux 120x36, console script] bare Textual app drawn: {b * 1000:.0f} ms; "
          f"wuye login drawn: {d * 1000:.0f} ms ({d / b:.2f}x, target <= 1.30x); "
          f"staff names shown: {n * 1000:.0f} ms ({n / b:.2f}x, target <= 2.00x); "
          f"database ready: {r * 1000:.0f} ms ({r / b:.2f}x)")
    assert d <= 1.3 * b and n <= 2.0 * b
