"""Who may manage what: directory entries, knowledge-base entries, accounts, call history.

Built on `permissions.authorize` (sign-in and CSRF); a liaison's reach is their own
departments, and a department outside it is answered as not found, so codes cannot be
probed.
"""

from __future__ import annotations

from aiohttp import web

from agent_desk.auth import Principal, Role
from agent_desk.errors import Forbidden
from agent_desk.permissions import Action, authorize

# The department itself (its liaison) and the hotline's oversight.
DEPARTMENT_EDITORS = frozenset({Role.LIAISON, Role.SUPERVISOR, Role.ADMIN})
KB_EDITORS = DEPARTMENT_EDITORS
CALL_READERS = frozenset({Role.OPERATOR, Role.SUPERVISOR, Role.ADMIN})


async def require_role(request: web.Request, roles: frozenset[Role], what: str) -> Principal:
    principal = await authorize(request, Action.SIGNED_IN)
    if principal.role not in roles:
        raise Forbidden(f"a {principal.role.value} may not {what}")
    return principal


def department_scope(principal: Principal) -> frozenset[str] | None:
    """The departments this principal manages; None means all of them."""
    return principal.departments if principal.role is Role.LIAISON else None


def in_scope(principal: Principal, department_code: str) -> bool:
    scope = department_scope(principal)
    return scope is None or department_code in scope
