"""The status line: site, staff, role, shift and clock."""

from __future__ import annotations

from textual.widgets import Static

from wuye_tui.i18n import _
from wuye_tui.services.core.permissions import role_label


class StatusBar(Static):
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $primary; color: $text; padding: 0 1; }
    """

    _shown = None

    def on_mount(self) -> None:
        self.update_status()
        self.set_interval(1.0, self.update_status)

    def update_status(self) -> None:
        app = self.app
        parts = [getattr(app, "site_name", "") or _("wuye")]
        ctx = getattr(app, "ctx", None)
        actor = getattr(ctx, "actor", None)
        if actor is not None and actor.id is not None:

            parts.append(f"{actor.name}（{role_label(actor.role)}）")
        if ctx is not None:
            now = ctx.local(ctx.now())
            shift = app.shift_label(now) if hasattr(app, "shift_label") else ""
            if shift:
                parts.append(shift)
            parts.append(now.strftime("%Y-%m-%d %H:%M:%S"))
        # Storage state (issue #16): the database away, or a save under way; first, so that
        # an 80-column line still shows it.
        flags = [f for f in (getattr(app, "db_down", None), getattr(app, "db_busy_text", None)) if f]
        text = "  |  ".join(flags + parts)
        if text != self._shown:
            self._shown = text
            self.update(text, layout=False)  # one line, its size fixed: no layout of the screen each second
