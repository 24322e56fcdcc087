"""Keys are handled one at a time, each to the end, before the next is routed.

Why: Textual routes every key the driver delivers to ``app.focused`` *at the moment the
app reads it* and posts it to that widget's message queue. What the key does happens
later, in other queues: Tab and Enter bubble from the Input to the screen (one queue hop
per ancestor) before ``focus_next`` or ``on_input_submitted`` runs, and ``Widget.focus()``
itself only schedules the change on the app's queue. When keys arrive in one burst (a fast
typist on a busy terminal, a keyboard-wedge scanner, a terminal paste of text with tabs),
the app has already routed the following characters to the *old* focused field before the
Tab moved focus: ``王测试\\t\\t4403…`` all ends up in the name field, a priority F2 saves
before the last characters reached their field, and characters typed right after F3/F4
land in the field before the clear that then wipes them.

The fix is at that root: ``KeyOrder`` holds a key the app receives while the previous one
is still being worked on, and routes it only when every message pump of the app and the
active screen has gone quiet (all queues empty after a full round of callbacks), so focus
moves, blur checks, Submitted handlers, clears and newly pushed dialogs have all happened.
No sleeps and no timers: a round is one callback through each queue. A round that does not
finish within ``STALL_SECONDS`` (a handler stuck on I/O) releases the held keys rather than
freezing the terminal.
"""

from __future__ import annotations

import asyncio
from collections import deque

from textual import events

STALL_SECONDS = 3.0
MAX_ROUNDS = 60


class KeyOrder:
    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.held: deque[events.Event] = deque()
        self.busy = False
        self._task: asyncio.Task | None = None  # type: ignore[type-arg]
        self.idle = asyncio.Event()
        self.idle.set()

    @staticmethod
    def wants(event: events.Event) -> bool:
        """Keys and pastes straight from the driver (not ones Textual forwards inside)."""
        return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded

    def hold(self, event: events.Event) -> bool:
        """True when ``event`` must wait (it is queued); False: route it now, then call
        ``routed``."""
        if self.busy or self.held:
            self.held.append(event)
            return True
        self.busy = True
        self.idle.clear()
        return False

    def routed(self) -> None:
        """The current key was routed: wait for it to be worked through, then route the next."""
        self._task = asyncio.create_task(self._settle_then_next())

    async def _settle_then_next(self) -> None:
        await self.quiet()
        if self.held:
            event = self.held.popleft()
            # back through the app's own queue, so it is routed in the app's task
            self.app.call_later(self._route, event)
        else:
            self.busy = False
            self.idle.set()

    async def _route(self, event: events.Event) -> None:
        await self.app.route_input_event(event)
        self.routed()

    async def quiet(self) -> None:
        """Return when the app and the active screen have no message left to handle."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STALL_SECONDS
        for _ in range(MAX_ROUNDS):
            try:
                pumps = [self.app, *self.app.screen.walk_children(with_self=True)]
            except Exception:  # no screen (starting or closing)
                return
            pending = 0
            done = asyncio.Event()

            def one_done() -> None:
                nonlocal pending
                pending -= 1
                if pending == 0:
                    done.set()

            for pump in pumps:
                if pump.call_later(one_done):
                    pending += 1
            if pending:
                try:
                    await asyncio.wait_for(done.wait(), max(0.05, deadline - loop.time()))
                except TimeoutError:
                    return
            try:
                pumps = [self.app, *self.app.screen.walk_children(with_self=True)]
            except Exception:
                return
            if all(p._message_queue.empty() for p in pumps):
                return
            if loop.time() >= deadline:
                return
