"""The gate register (门岗): the public face of the gate services, split by topic:

- ``gate_visits``: check-in, refusal, check-out, on-site board, returning visitors
- ``gate_prereg``: pre-registration codes
- ``gate_vehicles``: resident and strange vehicles
- ``gate_passes``: renovation permits, contractor passes
- ``gate_slips``: item-release slips
- ``gate_watch``: the watch list, revealing ID numbers, purging visitor data

This module registers the shift-handover providers: visitors on site, strange vehicles
on site and active contractor passes.
"""

from __future__ import annotations

from datetime import datetime

from ...i18n import N_, _
from ..core.context import ServiceContext
from .common import WatchListHit  # noqa: F401
from .visits import check_in, check_out, check_out_group, find_visitors, on_site, refuse  # noqa: F401
from ..core.open_items import OpenItem, provider
from ..core.permissions import STAFF, require


@provider("visitor_on_site", N_("Visitors on site"))
def _visitors_on_site(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    require(ctx.actor, STAFF, _("see who is on site"))
    from .visits import on_site as rows

    return [OpenItem("visitor_on_site", f"visit:{r.visit_id}",
                     _("{name} ({n}) visiting {unit}").format(name=r.name, n=r.headcount, unit=r.unit),
                     r.checked_in_at, r.overstay, {"plate": r.plate})
            for r in _as_gate(ctx, rows)]


@provider("vehicle_on_site", N_("Strange vehicles on site"))
def _vehicles_on_site(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    require(ctx.actor, STAFF, _("see who is on site"))
    from .vehicles import vehicles_on_site

    return [OpenItem("vehicle_on_site", f"vehicle:{r.move_id}",
                     _("{plate} driven by {driver}, for {unit}").format(plate=r.plate, driver=r.driver or "-",
                                                                        unit=r.unit or "-"),
                     r.in_at, r.overstay)
            for r in _as_gate(ctx, vehicles_on_site)]


@provider("contractor_pass", N_("Active contractor passes"))
def _active_passes(ctx: ServiceContext, now: datetime) -> list[OpenItem]:
    require(ctx.actor, STAFF, _("see active contractor passes"))
    from .passes import active_permits

    return [OpenItem("contractor_pass", f"permit:{p.permit_id}",
                     _("{unit}: {company}, {n} passes until {end}").format(unit=p.unit, company=p.company,
                                                                          n=p.passes, end=p.end_date.isoformat()),
                     p.issued_at, False)
            for p in active_permits(ctx.as_actor(_gate_reader(ctx)), now)]


def _gate_reader(ctx: ServiceContext):  # type: ignore[no-untyped-def]
    """The handover is read by the guard; office staff may read it too: read as a gate role."""
    from ..core.context import Actor

    a = ctx.actor
    return a if a.role in ("guard", "supervisor", "manager") else Actor(a.id, a.name, "guard")


def _as_gate(ctx: ServiceContext, fn):  # type: ignore[no-untyped-def]
    return fn(ctx.as_actor(_gate_reader(ctx)), limit=500)
