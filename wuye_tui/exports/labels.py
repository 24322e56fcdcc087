"""Readable names for the status and source codes stored by the guard post, return visits
and escalations, for every export and report a person reads. (Complaint statuses and
steps have theirs in services.complaint_common; reference codes in data/*.toml.)"""

from __future__ import annotations

from ..i18n import N_, _

STATUS_LABELS: dict[str, dict[str, str]] = {
    "duty": {"open": N_("Open, not dealt with"), "closed": N_("Dealt with"), "": N_("Log entry only")},
    "patrol_round": {"in_progress": N_("Under way"), "done": N_("Done"), "abandoned": N_("Abandoned")},
    "patrol_slot": {"done": N_("Done"), "in_progress": N_("Under way"), "missed": N_("Missed"),
                    "due": N_("Due now"), "upcoming": N_("Upcoming")},
    "handover": {"draft": N_("Not signed yet"), "signed": N_("Signed off")},
    "return_visit": {"planned": N_("Planned"), "done": N_("Done"), "unreachable": N_("Could not be reached")},
    "return_visit_source": {"complaint": N_("Complaint"), "zone": N_("Zone round")},
    "escalation_source": {"complaint": N_("Complaint"), "incident": N_("Duty-log incident"),
                          "collective": N_("Collective complaint"), "manual": N_("Raised by hand"),
                          "patrol": N_("Patrol anomaly"), "correction": N_("Duty-log correction")},
}


def status_label(kind: str, code: str | None) -> str:
    """The name of ``code`` among the ``kind`` statuses; an unknown code shows as itself."""
    if code is None:
        return ""
    known = STATUS_LABELS.get(kind, {})
    return _(known[code]) if code in known else code


def notify_label(status: str | None) -> str:
    """The outcome of the notification command ("ok", "failed: ...", "timeout after 10s")."""
    if not status:
        return ""
    if status == "ok":
        return _("Sent")
    if status.startswith("failed: "):
        return _("Failed: {reason}").format(reason=status[len("failed: "):])
    if status.startswith("timeout after "):
        return _("No answer after {time}").format(time=status[len("timeout after "):])
    return status
