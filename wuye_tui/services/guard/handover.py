"""Shift handover (交接班): "接班人员未上岗，不准下岗；交接清楚，职责明确".

Roles come from the duty roster (``guard_duty``): the outgoing guard is the one on duty
for the ending shift at the post, the incoming guard the one on duty for the next shift
there (with nobody rostered: the guard logged in during the shift, and any other guard).
The software copies in everything open (``open_items.collect``: visitors and vehicles on
site, passes, incidents, patrol rounds done and missed, keys out, escalations, overdue
complaints); the equipment handed over and the notes are items too. Every change is
written at once, so a half-written handover survives the terminal being closed.

Only the incoming guard acknowledges, on his own login; a later change of an item (by the
outgoing guard or because the register changed) undoes its acknowledgement and says so.
At signing the items are gathered again: anything new or changed since the review must be
acknowledged before the signature is accepted. The signed handover is sealed: a sha256 of
its content (``sealed_content``) is kept in ``Handover.content_hash`` and in the audit
row of the signature, so an edit in the database is caught (``verify_seal``).

The service is in four modules; this one names what the screens, the CLI and the tests use:
``handover_items`` (the items gathered into a draft and the outgoing guard's own items),
``handover_draft`` (the outgoing guard: opening the draft, post, equipment, notes),
``handover_sign`` (the incoming guard: acknowledgement, signature, seal, corrections) and
``handover_views`` (what a handover shows, who receives it, the handover desk).
"""

from __future__ import annotations

from .handover_draft import (  # noqa: F401  (the outgoing guard's draft)
    NOTES_MAX,
    open_handover,
    refresh_items,
    set_equipment,
    set_notes,
    set_post,
)
from .handover_items import EQUIPMENT, NOTES, OWN_KINDS  # noqa: F401  (the outgoing guard's own kinds of item)
from .handover_sign import (  # noqa: F401  (the incoming guard: acknowledgement, signature, seal)
    acknowledge_group,
    acknowledge_item,
    add_correction,
    content_hash,
    sealed_content,
    sign,
    verify_seal,
)
from .handover_views import (  # noqa: F401  (what a handover shows, who receives it, the desk)
    PENDING_WITHIN,
    Desk,
    HandoverView,
    desk,
    expected_incoming,
    fingerprint,
    get_view,
    left_without_handover,
    own_draft,
    pending_to_sign,
    window_of,
)
