"""Sign-in, sign-out, who am I, and user management (admin)."""

from __future__ import annotations

from aiohttp import web

from agent_desk.auth import Role
from agent_desk.desk import DESK
from agent_desk.http.common import client_ip, json_body, text_field
from agent_desk.permissions import SESSION_COOKIE, Action, authorize
from base.errors import InvalidInput


async def sign_in(request: web.Request) -> web.Response:
    desk = request.app[DESK]
    body = await json_body(request)
    name = text_field(body, "name", required=True, max_length=64) or ""
    password = text_field(body, "password", required=True, max_length=256) or ""
    signed = await desk.auth.sign_in(name, password, ip=client_ip(request))
    response = web.json_response(
        {"user": signed.principal.to_json(), "csrf_token": signed.principal.csrf_token}
    )
    response.set_cookie(
        SESSION_COOKIE,
        signed.cookie,
        httponly=True,
        samesite="Strict",
        secure=desk.https or request.secure,
        path="/",
    )
    return response


async def sign_out(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.OWN_ACCOUNT)
    await request.app[DESK].auth.sign_out(principal)
    response = web.json_response({"signed_out": True})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


async def me(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.OWN_ACCOUNT)
    return web.json_response({"user": principal.to_json(), "csrf_token": principal.csrf_token})


async def change_password(request: web.Request) -> web.Response:
    """The signed-in user's own password: the current one, then a new one within the policy."""
    principal = await authorize(request, Action.OWN_ACCOUNT)
    body = await json_body(request)
    current = text_field(body, "current_password", required=True, max_length=256) or ""
    new = text_field(body, "new_password", required=True, max_length=256) or ""
    changed = await request.app[DESK].auth.change_password(
        principal, current=current, new=new, ip=client_ip(request)
    )
    return web.json_response({"user": changed.to_json(), "csrf_token": changed.csrf_token})


async def list_users(request: web.Request) -> web.Response:
    await authorize(request, Action.USERS_MANAGE)
    users = await request.app[DESK].auth.users()
    return web.json_response({"users": [u.to_json() for u in users]})


async def add_user(request: web.Request) -> web.Response:
    await authorize(request, Action.USERS_MANAGE)
    body = await json_body(request)
    name = text_field(body, "name", required=True, max_length=64) or ""
    try:
        role = Role(text_field(body, "role", required=True) or "")
    except ValueError:
        raise InvalidInput(f"role must be one of {', '.join(r.value for r in Role)}") from None
    departments = body.get("departments", [])
    if not isinstance(departments, list) or not all(isinstance(d, str) for d in departments):
        raise InvalidInput("departments must be a list of department codes")
    desk = request.app[DESK]
    unknown = [d for d in departments if desk.directory.get(d) is None]
    if unknown:
        raise InvalidInput(f"unknown departments: {', '.join(unknown)}")
    user, password = await desk.auth.add_user(name, role, departments=departments)
    return web.json_response(
        {"id": user.id, "name": user.name, "role": role.value, "one_time_password": password},
        status=201,
    )


def routes() -> list[web.RouteDef]:
    return [
        web.post("/api/auth/login", sign_in),
        web.post("/api/auth/logout", sign_out),
        web.get("/api/auth/me", me),
        web.post("/api/auth/password", change_password),
        web.get("/api/users", list_users),
        web.post("/api/users", add_user),
    ]
