"""The desks reachable from the home screen, by role. Each desk screen lives in its own
module and is imported when opened, so start-up stays light."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from wuye_tui.i18n import N_

GATE_ROLES = ("guard", "supervisor", "manager")
OFFICE_ROLES = ("front_desk", "supervisor", "manager")
SUP_ROLES = ("supervisor", "manager")
ALL_ROLES = ("guard", "front_desk", "supervisor", "manager")


@dataclass(frozen=True)
class Desk:
    key: str
    label: str  # English id, translated when shown
    roles: tuple[str, ...]
    target: str  # "module:ClassName"

    def load(self):  # type: ignore[no-untyped-def]
        module, cls = self.target.split(":")
        return getattr(importlib.import_module(module), cls)


DESKS: tuple[Desk, ...] = (
    Desk("1", N_("Visitor check-in"), GATE_ROLES, "screens.gate.checkin:CheckInScreen"),
    Desk("2", N_("On site now"), GATE_ROLES, "screens.gate.onsite:OnSiteScreen"),
    Desk("3", N_("Vehicles"), GATE_ROLES, "screens.gate.vehicles:VehicleScreen"),
    Desk("4", N_("Passes and release slips"), ALL_ROLES, "screens.gate.passes:PassDeskScreen"),
    Desk("5", N_("Complaints and requests"), OFFICE_ROLES, "screens.complaints.list:ComplaintListScreen"),
    Desk("6", N_("Return visits and suggestions"), OFFICE_ROLES, "screens.complaints.returns:ReturnVisitScreen"),
    Desk("7", N_("Duty log"), ALL_ROLES, "screens.guard.dutylog:DutyLogScreen"),
    Desk("8", N_("Patrol"), GATE_ROLES, "screens.guard.patrol:PatrolScreen"),
    Desk("9", N_("Shift handover"), GATE_ROLES, "screens.guard.handover:HandoverScreen"),
    Desk("k", N_("Keys"), ALL_ROLES, "screens.guard.keys:KeyScreen"),
    Desk("e", N_("Escalations"), ALL_ROLES, "screens.escalations:EscalationScreen"),
    Desk("r", N_("Reports"), SUP_ROLES, "screens.reports.home:ReportScreen"),
    Desk("m", N_("Monthly statistics"), SUP_ROLES, "screens.complaints.stats:MonthlyStatsScreen"),
    Desk("h", N_("Handover report"), SUP_ROLES, "screens.guard.reports:HandoverReportScreen"),
    Desk("c", N_("Patrol coverage"), SUP_ROLES, "screens.guard.reports:PatrolCoverageScreen"),
    Desk("w", N_("Watch list"), SUP_ROLES, "screens.gate.watch:WatchListScreen"),
    Desk("s", N_("Staff"), SUP_ROLES, "screens.staff_admin:StaffAdminScreen"),
)


def desks_for(role: str) -> list[Desk]:
    return [d for d in DESKS if role in d.roles]
