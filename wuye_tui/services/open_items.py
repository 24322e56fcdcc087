"""What is open now, gathered for the shift handover from every area.

Each area's service module registers a provider with ``@provider("kind")``; a provider
takes (ctx, now) and returns OpenItem rows. ``collect`` imports the known area modules
(skipping ones that are not there yet) and asks every provider.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from ..errors import WuyeError
from ..i18n import N_, _
from ..models import Escalation
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


def _load_areas() -> None:
    """Each area registers its providers when imported (here, not at the top: the area
    modules import this one)."""
    from . import complaints, dutylog, gate, keys, patrol  # noqa: F401


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
    from . import handover  # noqa: F401  (the handover's own kinds: equipment, notes)

    return KIND_LABELS


def providers() -> dict[str, Provider]:
    """The registered providers by kind (after loading every area)."""
    _load_areas()
    return dict(_providers)


@provider("escalation", N_("Unacknowledged escalations"))
def _escalations(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    from .escalation import major_label

    with ctx.db.read() as session:
        rows = session.execute(
            select(Escalation).where(Escalation.acknowledged_at.is_(None)).order_by(Escalation.id)
        ).scalars().all()
    return [OpenItem("escalation", f"escalation:{e.id}", f"[{major_label(e.major_type)}] {e.title}",
                     e.raised_at, True) for e in rows]
