"""Reveal a masked ID number: the acting supervisor, or a guard with a supervisor's PIN.
Every reveal is audited by the service; the number is shown briefly, never stored on screen."""

from __future__ import annotations

from textual.screen import Screen

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import _
from wuye_tui.services.gate import watch as gate_watch

from ..dialogs.pin import SupervisorPinDialog


def reveal_visit_id(screen: Screen, visit_id: int) -> None:

    ctx = screen.app.ctx  # type: ignore[attr-defined]

    def show(supervisor) -> None:  # type: ignore[no-untyped-def]
        if supervisor is None:
            return
        try:
            number = gate_watch.reveal_id_number(ctx, visit_id, supervisor=supervisor)
        except WuyeError as exc:
            screen.notify(exc.message, severity="error")
            return
        screen.notify(_("ID number of visit No. {id}: {number}").format(id=visit_id, number=number),
                      title=_("Revealed (recorded)"), timeout=10)

    if ctx.actor.is_supervisor:
        show(ctx.actor)
        return

    screen.app.push_screen(SupervisorPinDialog(_("Reveal the full ID number (recorded)")), show)
