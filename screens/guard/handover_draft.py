"""The outgoing guard's side of the handover desk: the post handed over, the equipment
counts and notes and the free notes, each saved as it changes (the notes a moment after
typing stops), and the notes area that refuses a paste longer than the service accepts.
Mixed into ``HandoverScreen``; it uses the screen's ``view``, ``load`` and ``ctx``."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.containers import Horizontal
from textual.css.query import NoMatches
from textual.widgets import Input, Select, Static, TextArea

from wuye_tui.errors import ValidationError, WuyeError
from wuye_tui.i18n import _
from wuye_tui.reference import load_reference
from wuye_tui.services.guard import handover

from .dutylog import _options

NOTES_SAVE_DELAY = 0.6
EQUIPMENT_NOTE_MAX = 200  # handover.set_equipment's limit: an Input refuses a longer paste whole


class NotesArea(TextArea):
    """The handover notes: a paste that would make them longer than the service accepts
    is refused whole (nothing inserted, the screen says why) rather than saved cut."""

    max_chars = handover.NOTES_MAX

    async def _on_paste(self, event: events.Paste) -> None:
        start, end = sorted(self.selection)
        selected = len(self.get_text_range(start, end)) if start != end else 0
        if len(self.text) - selected + len(event.text) > self.max_chars:
            event.stop()
            event.prevent_default()
            self.app.bell()
            self.screen.say(_("Pasted text too long ({n} characters, at most {max}): nothing pasted").format(  # type: ignore[attr-defined]
                n=len(event.text), max=self.max_chars))
        # else Textual goes on to TextArea._on_paste (handlers run down the class hierarchy)


class DraftEdits:
    """Post, equipment and notes of the draft, saved on every change."""

    view: Any
    _loading: bool
    _editable: bool
    _notes_timer: Any

    def show_post(self, code: str, editable: bool) -> None:
        """The Select is made with the draft's post (a Select set only after it is mounted
        would first report its initial value as a change)."""
        known = code in load_reference().codes("post")
        try:
            post = self.query_one("#sel-post", Select)
        except NoMatches:
            post = Select(_options("post"), allow_blank=False, compact=True, id="sel-post",
                          value=code if known else Select.NULL)
            self.query_one("#ho-post-row", Horizontal).mount(post, before="#err-post")
        else:
            if known and post.value != code:
                post.value = code
        post.disabled = not editable or not known  # a post since removed from data/ stays as it is

    def focus_post(self) -> None:
        post = self.query_one("#sel-post", Select)
        if not post.disabled:
            post.focus()

    def post_error(self, message: str) -> None:
        error = self.query_one("#err-post", Static)
        error.update(message)
        error.display = bool(message)
        self.query_one("#sel-post", Select).set_class(bool(message), "-invalid")

    def on_select_changed(self, event: Select.Changed) -> None:
        if (event.select.id != "sel-post" or event.select.disabled or self.view is None
                or event.value is Select.NULL):
            return
        h = self.view.handover
        if event.value == h.post or self.view.locked:
            return
        try:
            handover.set_post(self.ctx, h.id, event.value)
        except WuyeError as exc:
            self.post_error(getattr(exc, "message", "") or str(exc))
            event.select.value = h.post
            return
        self.post_error("")
        self.notify(_("Post handed over: {post}").format(post=load_reference().label("post", str(event.value))))
        self.load()

    # ---- the outgoing guard's draft, saved on every change ----------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        wid = event.input.id or ""
        if self._loading or self.view is None or not self._editable or not wid.startswith(("eq-", "eqn-")):
            return  # (the values a load puts in arrive here later: not an edit on a read-only view)
        code = wid.split("-", 1)[1]
        count = self.query_one(f"#eq-{code}", Input).value
        note = self.query_one(f"#eqn-{code}", Input).value
        error = self.query_one("#ho-eq-error", Static)
        try:
            handover.set_equipment(self.ctx, self.view.handover.id, code, count, note)  # type: ignore[arg-type]
        except ValidationError as exc:
            error.update(f"{load_reference().label('equipment', code)}: {exc.message}")
            return
        except WuyeError as exc:
            error.update(str(exc))
            return
        error.update("")

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self._loading or self.view is None or self.view.locked or not self._editable:
            return
        if self._notes_timer is not None:
            self._notes_timer.stop()
        self._notes_timer = self.set_timer(NOTES_SAVE_DELAY, self.save_notes)

    def save_notes(self) -> None:
        self._notes_timer = None
        if self.view is None or self.view.locked:
            return
        try:
            handover.set_notes(self.ctx, self.view.handover.id, self.query_one("#ho-notes", TextArea).text)  # type: ignore[arg-type]
        except WuyeError as exc:
            self.query_one("#ho-error", Static).update(str(exc))

    def on_unmount(self) -> None:
        if self._notes_timer is not None:
            self._notes_timer.stop()
            self.save_notes()
