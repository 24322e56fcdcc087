"""The alert area: unacknowledged escalations, on every screen, until acknowledged."""

from __future__ import annotations

from textual.widgets import Static

from wuye_tui.i18n import _


class AlertBar(Static):
    DEFAULT_CSS = """
    AlertBar { height: auto; max-height: 3; background: $error; color: $text; padding: 0 1; display: none; }
    AlertBar.-active { display: block; }
    """

    def show_alerts(self, alerts: list[tuple[int, str]]) -> None:
        """alerts: (escalation id, one-line text), newest first."""
        if not alerts:
            self.remove_class("-active")
            self.update("")
            return
        self.add_class("-active")
        first_id, first = alerts[0]
        more = _("(+{n} more)").format(n=len(alerts) - 1) if len(alerts) > 1 else ""
        self.update(_("ALERT #{id}: {text} {more}  F9 acknowledge (supervisor PIN)").format(
            id=first_id, text=first, more=more))
