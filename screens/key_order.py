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
active screen has gone quiet (nothing but repaints queued after a full round of callbacks), so focus
moves, blur checks, Submitted handlers, clears and newly pushed dialogs have all happened.
No sleeps and no timers: a round is one callback through each queue. A round that does not
finish within ``STALL_SECONDS`` (a handler stuck on I/O) releases the held keys rather than
freezing the terminal.
"""

from __future__ import annotations

import asyncio
from collections import deque

from textual import events, messages

REPAINT = (messages.Update, messages.Layout, messages.UpdateScroll, messages.Prompt)

STALL_SECONDS = 3.0
BLOCK_SECONDS = 120.0  # longest a typed-ahead login holds the keys after it
MAX_ROUNDS = 60


class KeyOrder:
    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.held: deque[events.Event] = deque()
        self.busy = False
        self._task: asyncio.Task | None = None  # type: ignore[type-arg]
        self.idle = asyncio.Event()
        self.idle.set()
        self._open = asyncio.Event()  # cleared while a typed-ahead step waits (login)
        self._open.set()

    def block(self) -> None:
        """Hold every following key until ``unblock``: a login typed ahead waits for the
        database, and what is typed after its Enter belongs to the screen that follows."""
        self._open.clear()

    def unblock(self) -> None:
        self._open.set()

    @staticmethod
    def wants(event: events.Event) -> bool:
        """Keys and pastes straight from the driver (not ones Textual forwards inside)."""
        return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded

    @staticmethod
    def typed_enter(event: events.Event) -> events.Event:
        """Enter typed before the terminal was put in raw mode (while wuye starts) reaches
        us as LF, i.e. ctrl+j: the tty's ICRNL turned the CR into LF. A terminal cannot
        tell ctrl+j from that LF, and no desk binds ctrl+j, so it is Enter."""
        if isinstance(event, events.Key) and event.key == "ctrl+j":
            enter = events.Key("enter", "\r")
            if event._sender is not None:
                enter.set_sender(event._sender)
            return enter
        return event

    def plain(self, event: events.Event) -> bool:
        """A printable character typed into a text field: the field itself takes it (no
        binding, no focus change), so a run of them may go to it together."""
        from textual.widgets import Input

        return (isinstance(event, events.Key) and event.is_printable and event.character is not None
                and isinstance(self.app.focused, Input))

    def hold(self, event: events.Event) -> bool:
        """True when ``event`` must wait (it is queued); False: route it now, then call
        ``routed``. A run of printable characters goes straight to the focused field (its
        queue keeps them in order); any other key, and the first character after one,
        waits until the app is quiet."""
        if self.held or (self.busy and not (self.plain(event) and self._last_plain)):
            self.held.append(event)
            return True
        self._last_plain = self.plain(event)
        self.busy = True
        self.idle.clear()
        return False

    _last_plain = False

    def routed(self) -> None:
        """The current key was routed: wait for it to be worked through, then route the next."""
        if self._task is not None and not self._task.done():
            return  # a run of characters: the settle already waiting covers this one too
        self._task = asyncio.create_task(self._settle_then_next())

    async def _settle_then_next(self) -> None:
        await self.quiet()
        if self.held:
            batch = [self.held.popleft()]
            while self.plain(batch[0]) and self.held and self.plain(self.held[0]):
                batch.append(self.held.popleft())  # a run of characters goes together
            # back through the app's own queue, so it is routed in the app's task
            self.app.call_later(self._route, batch)
        else:
            self.busy = False
            self.idle.set()

    async def _route(self, batch: list[events.Event]) -> None:
        self._last_plain = self.plain(batch[-1])
        for event in batch:
            await self.app.route_input_event(event)
        self.routed()

    @staticmethod
    def _pending_work(pump) -> bool:  # type: ignore[no-untyped-def]
        """Messages waiting that could change where the next key goes (repaints cannot)."""
        return any(not isinstance(m, REPAINT) for m in pump._message_queue.values)

    async def quiet(self) -> None:
        """Return when the app and the active screen have no message left to handle (and
        no typed-ahead step holds the keys)."""
        await self._rounds()
        while not self._open.is_set():
            try:
                await asyncio.wait_for(self._open.wait(), BLOCK_SECONDS)
            except TimeoutError:
                self._open.set()
            await self._rounds()

    async def _rounds(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + STALL_SECONDS
        for _ in range(MAX_ROUNDS):
            try:
                pumps = [self.app, *self.app.screen.walk_children(with_self=True)]
            except Exception:  # no screen (starting or closing)
                return
            pending = 0
            done = asyncio.Event()

            def one_done(done: asyncio.Event = done) -> None:
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
            if not any(self._pending_work(p) for p in pumps):
                return
            if loop.time() >= deadline:
                return
