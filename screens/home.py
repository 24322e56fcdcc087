"""The home screen of a role: every desk one key away."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from wuye_tui.i18n import N_, _
from wuye_tui.services.core.permissions import role_label

from .base import WuyeScreen
from .desks import desks_for
from .guard.flags import SupervisorFlags


class HomeScreen(WuyeScreen):
    BINDINGS = [
        Binding("f10", "app.logout", N_("Log out"), id="logout"),
        Binding("f11", "app.toggle_language", N_("中文/English"), id="language"),
    ]

    def compose_body(self) -> ComposeResult:
        actor = self.ctx.actor
        with Vertical(id="home"):
            yield Static(_("Welcome, {name} ({role})").format(name=actor.name, role=role_label(actor.role)),
                         id="home-title", classes="title")
            for desk in desks_for(actor.role):
                yield Static(Text.assemble((f"[{desk.key.upper()}]", "bold"), "  ", _(desk.label)), classes="desk-line")
            yield Static(_("Press a key to open a desk. F10 logs out."), classes="hint")
            if actor.is_supervisor:

                yield SupervisorFlags(id="home-flags")

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        key = (event.character or "").lower()
        if not key:
            return
        for desk in desks_for(self.ctx.actor.role):
            if desk.key == key:
                event.stop()
                self.app.push_screen(desk.load()())
                return

    def action_back(self) -> None:
        return
