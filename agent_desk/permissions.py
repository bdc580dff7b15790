"""Who may do what on the desk — the one place permissions are decided.

Every handler starts with `await authorize(request, action)`. A liaison's view is narrowed
to their departments here (`order_visibility`, `voicemail_visibility`); anything outside it
is answered as if it did not exist (404), so ids cannot be probed.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable
from enum import StrEnum

from aiohttp import web

from agent_desk.auth import Principal, Role
from agent_desk.desk import DESK
from agent_desk.errors import (
    ApiScopeInsufficient,
    ApiTokenInvalid,
    CsrfRejected,
    Forbidden,
    NotSignedIn,
    PasswordChangeRequired,
)
from agent_desk.http.common import client_ip
from agent_desk.integrations.clients import WRITE, client_principal
from agent_desk.orders import Scope, Transition, Visibility
from directory import MatchTarget
from routing.platforms import PlatformTree

SESSION_COOKIE = "hotline_desk"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

OPERATOR, LIAISON, SUPERVISOR, ADMIN = Role.OPERATOR, Role.LIAISON, Role.SUPERVISOR, Role.ADMIN
EVERYONE = frozenset(Role)


# Looked up once per request; the list is empty when nobody is signed in.
_PRINCIPAL = web.RequestKey[list[Principal]]("agent_desk_principal")
# The API client a bearer request resolved to, for the audit of the call.
API_CALLER = web.RequestKey[str]("agent_desk_api_caller")
BEARER = "bearer "


class Action(StrEnum):
    ORDERS_READ = "orders.read"
    ORDERS_CREATE = "orders.create"
    VOICEMAILS_READ = "voicemails.read"
    VOICEMAILS_HANDLE = "voicemails.handle"
    KB_READ = "kb.read"
    CALLS_TRANSFER = "calls.transfer"
    SEATS = "seats"  # seat presence and missed-call callbacks
    AUDIT_READ = "audit.read"
    QUALITY = "quality"  # play bridged calls' recordings and save 质检 scores
    USERS_MANAGE = "users.manage"
    INTEGRATIONS_MANAGE = "integrations.manage"  # API clients, webhooks, deliveries
    CALENDAR_READ = "calendar.read"  # the holiday calendar
    CALENDAR_MANAGE = "calendar.manage"  # entering next year's holidays
    EVENTS = "events"
    SIGNED_IN = "signed-in"
    OWN_ACCOUNT = "own-account"  # who am I, sign out, change my password


ACTION_ROLES: dict[Action, frozenset[Role]] = {
    Action.ORDERS_READ: EVERYONE,
    Action.ORDERS_CREATE: frozenset({OPERATOR, SUPERVISOR, ADMIN}),
    Action.VOICEMAILS_READ: EVERYONE,
    Action.VOICEMAILS_HANDLE: frozenset({LIAISON, SUPERVISOR, ADMIN}),
    Action.KB_READ: EVERYONE,
    Action.CALLS_TRANSFER: frozenset({OPERATOR, SUPERVISOR, ADMIN}),
    Action.SEATS: frozenset({OPERATOR, SUPERVISOR, ADMIN}),
    Action.AUDIT_READ: frozenset({SUPERVISOR, ADMIN}),
    Action.QUALITY: frozenset({SUPERVISOR, ADMIN}),
    Action.USERS_MANAGE: frozenset({ADMIN}),
    Action.INTEGRATIONS_MANAGE: frozenset({ADMIN}),
    Action.CALENDAR_READ: frozenset({SUPERVISOR, ADMIN}),
    Action.CALENDAR_MANAGE: frozenset({ADMIN}),
    Action.EVENTS: EVERYONE,
    Action.SIGNED_IN: EVERYONE,
    Action.OWN_ACCOUNT: EVERYONE,
}

_INTAKE = frozenset({OPERATOR, SUPERVISOR, ADMIN})  # the hotline's own staff
_UNIT = frozenset({LIAISON, SUPERVISOR, ADMIN})  # the handling unit
_OVERSIGHT = frozenset({SUPERVISOR, ADMIN})
TRANSITION_ROLES: dict[Transition, frozenset[Role]] = {
    Transition.ANSWER: _INTAKE,
    Transition.DISPATCH: _INTAKE,
    Transition.NOT_ACCEPT: _INTAKE,
    Transition.REASSIGN: _INTAKE,
    Transition.CALLBACK: _INTAKE,
    Transition.CLOSE: _INTAKE,
    Transition.MERGE: _INTAKE,
    Transition.START: _UNIT,
    Transition.RETURN: _UNIT,
    Transition.REPLY: _UNIT,
    Transition.REDO: _OVERSIGHT,
    Transition.SUPERVISE: _OVERSIGHT,
    Transition.ARCHIVE: _OVERSIGHT,
    Transition.HAND_DOWN: _INTAKE,
    Transition.HAND_UP: _INTAKE,
}


async def current_principal(request: web.Request) -> Principal | None:
    """The signed-in user of this request, or None (the lookup is done once per request)."""
    if _PRINCIPAL in request:
        cached = request[_PRINCIPAL]
        return cached[0] if cached else None
    cookie = request.cookies.get(SESSION_COOKIE)
    principal = await request.app[DESK].auth.resolve(cookie) if cookie else None
    request[_PRINCIPAL] = [principal] if principal else []
    return principal


# What a department's system may do with its token: read its orders and (write scope)
# move them; everything else answers 403 however the token is scoped. Both the action
# and the route must be listed, so a new handler is never opened to tokens by accident.
MACHINE_ACTIONS = frozenset({Action.ORDERS_READ})
MACHINE_ROUTES = frozenset({
    ("GET", "/api/orders"), ("GET", "/api/orders/page"), ("GET", "/api/orders/late"),
    ("GET", "/api/orders/referrals"), ("GET", "/api/orders/{order_id}"),
    ("POST", "/api/orders/{order_id}/transitions"),
})  # fmt: skip


def _machine_route(request: web.Request) -> bool:
    resource = request.match_info.route.resource
    template = resource.canonical if resource is not None else ""
    method = "GET" if request.method == "HEAD" else request.method
    return (method, template) in MACHINE_ROUTES


def bearer_token(request: web.Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, or None without one."""
    header = request.headers.get("Authorization", "")
    return header[len(BEARER) :].strip() if header.lower().startswith(BEARER) else None


async def _authorize_client(request: web.Request, token: str, action: Action) -> Principal:
    """A bearer request: no cookie is read (so no CSRF token is needed: a browser cannot
    send this header cross-site without CORS, which the desk never grants), and a bad
    token is a 401, never a fall-back to a session cookie sent alongside."""
    if request.get(_PRINCIPAL):
        principal = request[_PRINCIPAL][0]
    else:
        client = await request.app[DESK].api_clients.resolve(token, ip=client_ip(request))
        if client is None:
            raise ApiTokenInvalid("the API token is unknown, revoked or expired")
        principal = client_principal(client)
        request[_PRINCIPAL] = [principal]
        request[API_CALLER] = principal.name
    if action not in MACHINE_ACTIONS or not _machine_route(request):
        raise Forbidden(f"an API client may not do {action.value} here")
    if request.method not in SAFE_METHODS and WRITE not in principal.scopes:
        raise ApiScopeInsufficient("this API client's token has the read scope only")
    return principal


async def authorize(request: web.Request, action: Action) -> Principal:
    """The principal allowed to do `action`, or 401 / 403; changes also need the CSRF token.

    A session signed in with a one-time password may only see and change its own account.
    A bearer token (a department's system) is checked by `_authorize_client` instead.
    """
    token = bearer_token(request)
    if token is not None:
        return await _authorize_client(request, token, action)
    principal = await current_principal(request)
    if principal is None:
        raise NotSignedIn("sign in first")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), principal.csrf_token.encode()):
            raise CsrfRejected(f"missing or wrong {CSRF_HEADER} header")
    if principal.must_change_password and action is not Action.OWN_ACCOUNT:
        raise PasswordChangeRequired("change your one-time password first")
    if principal.role not in ACTION_ROLES[action]:
        raise Forbidden(f"a {principal.role.value} may not do {action.value}")
    return principal


def may_transition(principal: Principal, transition: Transition) -> bool:
    return principal.role in TRANSITION_ROLES[transition]


def require_transition(principal: Principal, transition: Transition) -> None:
    if not may_transition(principal, transition):
        raise Forbidden(f"a {principal.role.value} may not {transition.value} an order")


def order_visibility(principal: Principal) -> Visibility:
    """A liaison's departments, and the platforms of a user bound to one (their own and
    those below it: a county's staff see the county, a city's see the city and counties)."""
    departments = principal.departments if principal.role is Role.LIAISON else None
    if departments is None and principal.platforms is None:
        return None
    return Scope(departments=departments, platforms=principal.platforms)


def voicemail_visibility(principal: Principal) -> Visibility:
    return order_visibility(principal)


def sees_department(principal: Principal, department_code: str | None) -> bool:
    """Whether the principal's departments (a liaison's) include `department_code`."""
    if principal.role is not Role.LIAISON:
        return True
    return department_code is not None and department_code in principal.departments


def sees_platform(principal: Principal, platform: str | None) -> bool:
    return principal.platforms is None or platform in principal.platforms


def choosable_departments(
    principal: Principal, targets: Iterable[MatchTarget], platforms: PlatformTree
) -> list[MatchTarget]:
    """The departments a principal may pick (filters, dispatch): a liaison's own, and those
    of the platforms they see (a department's platform is the one named as its city)."""
    chosen: list[MatchTarget] = []
    for target in targets:
        city = platforms.by_city(target.city)
        if not sees_department(principal, target.code):
            continue
        if city is not None and not sees_platform(principal, city.id):
            continue
        chosen.append(target)
    return sorted(chosen, key=lambda t: (t.city, t.name))
