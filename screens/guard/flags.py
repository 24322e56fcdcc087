"""The supervisor's home screen: what the guard post left undone (logins ended without a
signed handover in the last day, missed rounds still without a reason). Shown only when
there is something to see."""

from __future__ import annotations

from datetime import timedelta

from rich.markup import escape
from textual.widgets import Static

from wuye_tui.errors import WuyeError
from wuye_tui.i18n import _
from wuye_tui.reference import load_reference
from wuye_tui.services.guard import missed as guard_missed
from wuye_tui.services.guard import sessions as guard_sessions

SHOW = 4  # lines of each list, then "and N more"


def flag_lines(ctx) -> list[str]:  # type: ignore[no-untyped-def]
    now = ctx.now()
    lines: list[str] = []
    left = guard_sessions.departures_without_handover(ctx, now - timedelta(hours=24))
    how = {"logout": _("logged out"), "idle_lock": _("idle lock"), "stale": _("terminal stopped")}
    if left:
        lines.append(_("Left without handover (24 h): {n}").format(n=len(left)))
        for d in left[:SHOW]:
            line = "  " + _("{name} {t} ({how})").format(
                name=d.staff, t=ctx.local(d.left).strftime("%m-%d %H:%M"), how=how.get(d.how, _("logged out")))
            lines.append(line + (f"：{d.reason}" if d.reason else ""))
    missed = guard_missed.unexplained(ctx, now)
    if missed:
        ref = load_reference()
        lines.append(_("Missed rounds without a reason (48 h): {n}").format(n=len(missed)))
        for slot, _who in missed[:SHOW]:
            lines.append("  " + f"{ref.label('route', slot.route)} {ctx.local(slot.at).strftime('%m-%d %H:%M')}")
        if len(missed) > SHOW:
            lines.append("  " + _("and {n} more").format(n=len(missed) - SHOW))
    return lines


class SupervisorFlags(Static):
    DEFAULT_CSS = """
    SupervisorFlags { height: auto; margin: 1 0 0 0; padding: 0 1; color: $text-warning; }
    """

    def on_mount(self) -> None:
        try:
            lines = flag_lines(self.app.ctx)  # type: ignore[attr-defined]
        except WuyeError:
            lines = []
        self.update(escape("\n".join(lines)))
        self.display = bool(lines)
