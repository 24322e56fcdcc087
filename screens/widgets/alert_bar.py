"""The alert area: unacknowledged escalations (and reminders), on every screen, until dealt with.

``AlertBar`` sits in the layout of every desk screen (under the status line). Screens that
are not desks (the login and idle-lock screen, every modal dialog, the command palette) get
an ``AlertOverlay`` from the app: the same bar docked at the top of that screen. A modal
screen is drawn above everything under it, so the bar is too; being docked, it takes its
lines from the screen and the dialog is laid out (centred) in the rest, so no field of the
dialog is ever covered, and the bar never takes the focus. The text is user text: it is shown as plain ``Text``, never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from wuye_tui.i18n import _


class AlertBar(Static):
    DEFAULT_CSS = """
    AlertBar { height: auto; max-height: 3; background: $error; color: $text; padding: 0 1; display: none; }
    AlertBar.-active { display: block; }
    """

    def show_alerts(self, alerts: list[tuple[int, str]], reminders: list[str] | None = None) -> None:
        """alerts: (escalation id, one-line text), newest first; reminders: one line each."""
        reminders = reminders or []
        if not alerts and not reminders:
            self.remove_class("-active")
            self.update("")
            return
        self.add_class("-active")
        lines: list[str] = []
        if alerts:
            first_id, first = alerts[0]
            more = _("(+{n} more)").format(n=len(alerts) - 1) if len(alerts) > 1 else ""
            lines.append(_("ALERT #{id}: {text} {more}  F9 acknowledge (supervisor PIN)").format(
                id=first_id, text=first, more=more))
        if reminders:
            more = _("(+{n} more)").format(n=len(reminders) - 1) if len(reminders) > 1 else ""
            lines.append(_("Reminder: {text} {more}").format(text=reminders[0], more=more).rstrip())
        self.update(Text("\n".join(lines)))


class AlertOverlay(AlertBar):
    DEFAULT_CSS = """
    AlertOverlay { dock: top; width: 100%; }
    """
