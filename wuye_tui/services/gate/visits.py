"""Visitors: check-in, refusal, check-out, the on-site board and the returning-visitor
look-up.

Check-in and check-out are each one short write transaction with their audit row. All
input is validated before the transaction opens (``clean_checkin``), so nothing is saved
half. Check-out is a conditional UPDATE (``WHERE checked_out_at IS NULL``): of two guards
checking out the same visitor at once exactly one succeeds, the other gets ``Conflict``.

The service is in three modules; this one names what the screens, the CLI and the tests use:
``visits_checkin`` (check-in rules, refused entries), ``visits_checkout`` (check-out, a group
leaving, undo) and ``visits_lookup`` (the on-site board, past visitors, refusal and
watch-list lists).
"""

from __future__ import annotations

from .common import _blocked, check_watch, record_watch_hit, resolve_unit, watch_hits  # noqa: F401  (the watch list and units, shared by the gate desks)
from .visits_checkin import (  # noqa: F401  (check-in rules, refused entries)
    FIELDS,
    AlreadyOnSite,
    CleanCheckIn,
    check_in,
    clean_checkin,
    refuse,
    stored_id_number,
)
from .visits_checkout import (  # noqa: F401  (check-out, a group leaving, undo)
    UNDO_MINUTES,
    CheckOutPreview,
    check_out,
    check_out_group,
    check_out_preview,
    undo_check_out,
)
from .visits_lookup import (  # noqa: F401  (on site, past visitors, refusals, watch-list hits)
    OnSite,
    RefusalRow,
    VisitorHit,
    WatchHitRow,
    find_on_site,
    find_visitors,
    form_from_visit,
    history,
    is_overstay,
    on_site,
    recent_refusals,
    recent_watch_hits,
)
