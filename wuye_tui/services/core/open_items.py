"""What is open now, gathered for the shift handover from every area.

Each area's service module registers a provider with ``@provider("kind")``; a provider
takes (ctx, now) and returns OpenItem rows. ``collect`` imports the known area modules
listed in ``PROVIDER_MODULES`` and asks every provider.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ...errors import WuyeError
from ...i18n import N_, _
from ...models import Escalation
from .context import ServiceContext


@dataclass(frozen=True)
class OpenItem:
    kind: str  # "visitor_on_site", "escalation", "key_out", ...
    ref: str  # the id in its register, e.g. "visit:12"
    title: str  # one line for the handover list, already translated
    since: datetime | None = None
    overdue: bool = False
    detail: dict = field(default_factory=dict)


Provider = Callable[[ServiceContext, datetime], list[OpenItem]]
_providers: dict[str, Provider] = {}
KIND_LABELS: dict[str, str] = {}


def provider(kind: str, label: str) -> Callable[[Provider], Provider]:
    def deco(fn: Provider) -> Provider:
        _providers[kind] = fn
        KIND_LABELS[kind] = label
        return fn

    return deco


# The one list of the modules that register providers. They import this module, so it
# names them instead of importing them (no import circle); ``collect`` loads them.
PROVIDER_MODULES = (
    "wuye_tui.services.complaints.intake",
    "wuye_tui.services.guard.dutylog",
    "wuye_tui.services.gate.open_items",
    "wuye_tui.services.guard.handover_items",  # the handover's own kinds (equipment, notes)
    "wuye_tui.services.guard.keys",
    "wuye_tui.services.guard.patrol",
)


def _load_areas() -> None:
    for name in PROVIDER_MODULES:
        importlib.import_module(name)


def collect(ctx: ServiceContext, now: datetime | None = None) -> list[OpenItem]:
    _load_areas()
    now = now or ctx.now()
    items: list[OpenItem] = []
    for kind in sorted(_providers):
        try:
            items.extend(_providers[kind](ctx, now))
        except WuyeError as exc:  # one area's refusal must not keep the handover from opening
            items.append(OpenItem(kind, f"{kind}:error", _("Could not read {what}: {err}").format(
                what=_(KIND_LABELS.get(kind, kind)), err=exc), now, True))
    return items


def kind_labels() -> dict[str, str]:
    """Every kind's label id (after loading every area, so no raw kind is shown)."""
    _load_areas()
    return KIND_LABELS


def providers() -> dict[str, Provider]:
    """The registered providers by kind (after loading every area)."""
    _load_areas()
    return dict(_providers)


@provider("escalation", N_("Unresolved escalations"))
def _escalations(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    """Every escalation not yet resolved is carried into the handover (#12), with its state."""
    from .escalation import alert_text, state_label

    with ctx.db.read() as session:
        rows = session.execute(
            select(Escalation).where(Escalation.resolved_at.is_(None)).order_by(Escalation.id)
        ).scalars().all()
    return [OpenItem("escalation", f"escalation:{e.id}", f"#{e.id} {alert_text(ctx, e, now, waited=False)} · {state_label(e)}",
                     e.raised_at, e.acknowledged_at is None,
                     {"state": "acknowledged" if e.acknowledged_at else "raised"}) for e in rows]
