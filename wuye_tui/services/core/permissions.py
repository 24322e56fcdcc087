"""Who may do what, checked below the screens so the CLI obeys it too.

Each service names the roles it admits with these sets; ``require`` raises
``PermissionDenied`` with a translated message.
"""

from __future__ import annotations

from ...errors import PermissionDenied
from ...i18n import _
from .context import Actor

GUARD = "guard"
FRONT_DESK = "front_desk"
SUPERVISOR = "supervisor"
MANAGER = "manager"

SUPERVISORS = frozenset({SUPERVISOR, MANAGER})
MANAGERS = frozenset({MANAGER})
GATE = frozenset({GUARD, SUPERVISOR, MANAGER})
OFFICE = frozenset({FRONT_DESK, SUPERVISOR, MANAGER})
STAFF = frozenset({GUARD, FRONT_DESK, SUPERVISOR, MANAGER})


def role_label(role: str) -> str:
    return {
        GUARD: _("Guard"),
        FRONT_DESK: _("Front desk"),
        SUPERVISOR: _("Supervisor"),
        MANAGER: _("Manager"),
    }.get(role, role)


def allowed(actor: Actor, roles: frozenset[str] | set[str]) -> bool:
    return actor.role in roles


def require(actor: Actor, roles: frozenset[str] | set[str], action: str = "") -> None:
    if actor.role not in roles:
        wanted = "、".join(role_label(r) for r in sorted(roles))
        raise PermissionDenied(
            _("{name} ({role}) may not do this: {action} needs {roles}.").format(
                name=actor.name, role=role_label(actor.role), action=action or _("this action"), roles=wanted
            )
        )
