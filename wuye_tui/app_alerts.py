"""The app's alert side (issue #12): polling escalations and reminders from every terminal,
the alert bar on every screen and over every dialog, the bell, the outbox sender and the
reminder check. Mixed into ``WuyeApp``."""

from __future__ import annotations


from textual import work
from textual.screen import Screen


from .errors import WuyeError
from .i18n import _

ALERT_POLL_SECONDS = 2.0
NOTIFY_SEND_SECONDS = 5.0  # the outbox sender (services/notify.py) on every terminal
REMINDER_CHECK_SECONDS = 30.0  # time-based reminders (services/reminders.py)


class AlertsMixin:
    # ---- alerts -------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="alerts")
    def poll_alerts(self) -> None:
        if self.ctx is None:
            return
        from .services.core import escalation, reminders, settings

        ctx = self.ctx
        try:
            rows = escalation.unacknowledged(ctx)
            now = ctx.now()
            alerts = [(e.id, escalation.alert_text(ctx, e, now)) for e in rows]
            notes = reminders.active_for(ctx, ctx.actor.role if ctx.actor.id is not None else None)
            version = escalation.version(ctx)
            self.alert_bell = settings.load(ctx).alert_bell
        except Exception as exc:  # a lost connection must not kill the terminal: say so, probe
            from .storage_errors import classify

            if classify(exc) == "connection":
                self.call_from_thread(self.start_reconnect)
            return
        self.call_from_thread(self._show_alerts, alerts, [r.text for r in notes], version)

    def refresh_alerts_now(self) -> None:
        self._show_alerts(self.alerts, self.reminders)

    def _show_alerts(self, alerts: list[tuple[int, str]], reminders: list[str] | None = None,
                     version: tuple | None = None) -> None:
        from screens.widgets.alert_bar import AlertBar

        self.alerts = alerts
        self.reminders = list(reminders or [])
        newest = max((a[0] for a in alerts), default=0)
        if self.alert_bell and (newest > self.seen_alert_id >= 0 or (self.seen_alert_id < 0 and alerts)):
            self.bell()
        self.seen_alert_id = max(self.seen_alert_id, newest, 0)
        self._ensure_overlay(self.screen)
        for screen in self.screen_stack:
            for bar in screen.query(AlertBar):
                bar.show_alerts(alerts, self.reminders)
        if version is not None and version != self.alarm_version:
            changed = bool(self.alarm_version)
            self.alarm_version = version
            if changed:  # lists that show escalations refresh by themselves
                for screen in self.screen_stack:
                    hook = getattr(screen, "alarms_changed", None)
                    if hook is not None:
                        hook()

    def _screen_changed(self, screen: Screen) -> None:
        self.call_after_refresh(self._ensure_overlay, screen)

    def _ensure_overlay(self, screen: Screen) -> None:
        """Screens without an alert bar of their own (login, lock, every dialog) get one above
        everything, so an alert is never hidden behind a dialog."""
        from screens.base import WuyeScreen
        from screens.widgets.alert_bar import AlertBar, AlertOverlay

        if isinstance(screen, WuyeScreen) or screen not in self.screen_stack:
            return  # desks compose their own bar
        if not screen.is_mounted:  # not composed yet: look again in a moment
            self.set_timer(0.1, lambda: self._ensure_overlay(screen))
            return
        if not screen.query(AlertBar):
            bar = AlertOverlay(classes="alert-overlay")
            screen.mount(bar)
            bar.show_alerts(self.alerts, self.reminders)

    @work(thread=True, exclusive=True, group="notify")
    def send_notifications(self) -> None:
        if self.ctx is None:
            return
        from .services.core import notify

        try:
            notify.deliver_due(self.ctx)
        except Exception:  # the rows stay in the outbox for the next round (or terminal)
            return

    @work(thread=True, exclusive=True, group="reminders")
    def check_reminders(self) -> None:
        if self.ctx is None:
            return
        from .services.core import reminders

        try:
            if reminders.run_due(self.ctx):
                self.call_from_thread(self.poll_alerts)
        except Exception:  # a lost connection must not kill the terminal
            return

    def action_acknowledge_alert(self) -> None:
        from screens.dialogs.pin import SupervisorPinDialog

        if isinstance(self.screen, SupervisorPinDialog) or self.ctx is None:
            return
        if not self.alerts:
            if self.reminders and self.ctx.actor.id is not None:
                self._dismiss_reminder()
                return
            self.notify(_("No alert waiting"))
            return

        esc_id, text = self.alerts[0]
        from rich.markup import escape

        def done(supervisor) -> None:  # type: ignore[no-untyped-def]
            if supervisor is None:
                return
            from .services.core import escalation

            try:
                escalation.acknowledge(self.ctx.as_actor(supervisor), esc_id)  # type: ignore[union-attr]
            except WuyeError as exc:
                self.notify(str(exc), severity="error")
            self.poll_alerts()

        self.push_screen(SupervisorPinDialog(_("Acknowledge #{id}: {text}").format(id=esc_id, text=escape(text))), done)

    def _dismiss_reminder(self) -> None:
        from .services.core import reminders

        try:
            reminders.dismiss_first(self.ctx, self.ctx.actor.role)  # type: ignore[arg-type,union-attr]
        except WuyeError as exc:
            self.notify(str(exc), severity="error")
        self.poll_alerts()
