"""The handover report as Rich markup text (for the supervisor screen and the CLI)."""

from __future__ import annotations

from ...textsafe import escape_markup as escape

from ...i18n import _
from ...reference import load_reference
from . import reports as guard_reports
from ..core.open_items import KIND_LABELS


def render_handover_report(ctx, rep: guard_reports.HandoverReport, markup: bool = True) -> str:  # type: ignore[no-untyped-def]
    """Textual content markup when ``markup``; plain text (for the CLI and files) otherwise."""
    def esc(text: str) -> str:
        return escape(text) if markup else text

    def em(text: str) -> str:
        return f"[b $error]{text}[/]" if markup else f"!! {text}"

    def bold(text: str) -> str:
        return f"[b]{text}[/b]" if markup else text

    ref = load_reference()
    t = lambda d: ctx.local(d).strftime("%m-%d %H:%M") if d else "-"
    out: list[str] = []
    for s in rep.shifts:
        out.append(f"{bold(esc(s.label))}  {t(s.start)} - {t(s.end)}  " + _(
            "rounds {done}/{scheduled}, missed {missed}, anomalies {anomalies}").format(
            done=s.rounds_done, scheduled=s.rounds_scheduled, missed=len(s.missed), anomalies=len(s.anomalies)))
        if s.missing:
            out.append("  " + em(_("No signed handover for this shift")))
        for w in s.left_without_handover:
            out.append("  " + em(esc(_("{name} logged out without handover at {t}").format(
                name=w.staff, t=t(w.logged_out)))))
        for h in s.handovers:
            state = _("signed") if h.status == "signed" else _("draft")
            line = _("#{id} {out} -> {inc}, opened {opened}, {state} {signed}").format(
                id=h.id, out=h.outgoing, inc=h.incoming or "-", opened=t(h.opened_at), state=state,
                signed=t(h.signed_at) if h.signed_at else "")
            if h.late:
                line += "  " + _("LATE")
            if h.failed_signatures:
                line += "  " + _("{n} wrong PINs").format(n=h.failed_signatures)
            out.append("  " + esc(line))
            for it in h.items:
                mark = ((em("!") if markup else "!") + " ") if it.overdue else "  "
                out.append(f"    {mark}{esc(_(KIND_LABELS.get(it.kind, it.kind)))}: {esc(it.title)}")
            if h.equipment:
                out.append("    " + esc("，".join(f"{n} {c}" + (f"（{note}）" if note else "")
                                                    for n, c, note in h.equipment)))
            if h.notes:
                out.append("    " + esc(_("Notes: {text}").format(text=h.notes.replace("\n", " "))))
        for a in s.anomalies:
            out.append("  " + esc(_("Anomaly {t} {cp} {item}: {note}").format(
                t=t(a.at), cp=ref.label("checkpoint", a.checkpoint), item=ref.label("item", a.item), note=a.note)))
        for m in s.missed:
            reason = ref.label("missed_round_reason", m.reason) if m.reason else _("no reason given")
            out.append("  " + esc(_("Missed {t} {route} ({reason})").format(
                t=t(m.slot_at), route=ref.label("route", m.route), reason=reason)))
        out.append("")
    return "\n".join(out)
