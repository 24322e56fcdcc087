"""Start-up (SPEC §5, issue 2 item 13): time from process start to an interactive login
screen of wuye, against a bare Textual app measured the same way in the same run; target
at most 1.3x. Each is a fresh ``python`` process that builds the app, runs it headless
(``App.run_test``) and prints READY once the first screen is mounted (for wuye: the
LoginScreen; the database opens afterwards in a worker). The parent times Popen -> READY.
Median of 7 alternating runs.

Run: pytest tests/bench/test_startup.py -o addopts="" -s
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 7

WUYE = """
import asyncio, sys
from wuye_tui.app import create_app
app = create_app(sys.argv[1], lang="zh", terminal="bench")
async def main():
    async with app.run_test(size=(120, 36)) as pilot:
        while type(app.screen).__name__ != "LoginScreen" or not app.screen.is_mounted:
            await pilot.pause(0.002)
        print("READY", flush=True)
        while not getattr(app, "db_ready", False):
            await pilot.pause(0.005)
        print("DB", flush=True)
asyncio.run(main())
"""

BARE = """
import asyncio
from textual.app import App
from textual.widgets import Input, Label
class Bare(App):
    def compose(self):
        yield Label("login")
        yield Input()
app = Bare()
async def main():
    async with app.run_test(size=(120, 36)) as pilot:
        while not app.screen.is_mounted or not app.screen.query(Input):
            await pilot.pause(0.002)
        print("READY", flush=True)
asyncio.run(main())
"""


def _time(code: str, *args: str) -> tuple[float, float | None]:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None
    ready = db = None
    for line in proc.stdout:
        if line.startswith("READY"):
            ready = time.perf_counter() - t0
        elif line.startswith("DB"):
            db = time.perf_counter() - t0
    proc.wait(60)
    assert proc.returncode == 0 and ready is not None, proc.stderr.read() if proc.stderr else ""
    return ready, db


def test_startup_against_bare_textual(tmp_path: Path):
    from wuye_tui.db import Database

    db_path = tmp_path / "start.db"
    db = Database(f"sqlite:///{db_path}")
    db.upgrade()  # an existing, current database: the normal start
    db.dispose()
    url = f"sqlite:///{db_path}"
    _time(BARE), _time(WUYE, url)  # warm the file cache
    bare, wuye, dbs = [], [], []
    for _ in range(RUNS):
        bare.append(_time(BARE)[0])
        w, d = _time(WUYE, url)
        wuye.append(w)
        dbs.append(d or 0.0)
    b, w, d = statistics.median(bare), statistics.median(wuye), statistics.median(dbs)
    print(f"\nbare Textual app: {b * 1000:.0f} ms; wuye to login screen: {w * 1000:.0f} ms "
          f"({w / b:.2f}x, target <= 1.30x); database ready at {d * 1000:.0f} ms")
    assert w <= 1.3 * b
