"""UI tests: ``pilot.pause()`` (no delay) also waits for the screens' database jobs.

Desk saves run in a thread worker (``run_db``, group ``wuye-db``), as a user sees them: the
key returns at once, "保存中…" shows if the write is slow. A test that presses F2 and then
pauses wants what the user waits for, the save's outcome on the screen, so a plain pause
waits for every running database job and the redraw after it. ``pause(delay)`` keeps its
meaning (the held-lock tests look at the screen while a job still waits).
"""

from __future__ import annotations

from textual.pilot import Pilot

_pause = Pilot.pause


async def _pause_until_saved(self: Pilot, delay: float | None = None) -> None:
    await _pause(self, delay)
    if delay is not None:
        return
    for _ in range(5):  # a job's result may start another (a dialog's answer saves again)
        jobs = [w for w in self.app.workers if w.group == "wuye-db" and not w.is_finished]
        if not jobs:
            return
        await self.app.workers.wait_for_complete(jobs)
        await _pause(self)


Pilot.pause = _pause_until_saved  # type: ignore[method-assign]
