"""Guard-post tests read a handover whose open items they control: the guard post's own
providers and the core's, plus fixed stand-ins for the gate's visitors on site (so the
items do not depend on another desk's data)."""

from __future__ import annotations

from datetime import datetime

from wuye_tui.services.core import open_items
from wuye_tui.services.core.open_items import OpenItem

GUARD_KINDS = ("escalation", "incident", "patrol_round", "patrol_missed", "key_out")


def visitor(ref: str, title: str, overdue: bool = False):  # type: ignore[no-untyped-def]
    """A stand-in visitor on site, stamped with the time the handover is read."""
    return lambda now: OpenItem("visitor_on_site", ref, title, now, overdue)


def keep_guard_providers(monkeypatch, *visitors) -> None:  # type: ignore[no-untyped-def]
    kept = {k: v for k, v in open_items.providers().items() if k in GUARD_KINDS}

    def on_site(ctx, now: datetime) -> list[OpenItem]:  # type: ignore[no-untyped-def]
        return [make(now) for make in visitors]

    kept["visitor_on_site"] = on_site
    monkeypatch.setattr(open_items, "_providers", kept)
