"""Account administration (admin only): details, contacts, (de)activation, password reset."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from agent_desk.auth import Role
from agent_desk.desk import DESK
from agent_desk.desk_tools import DESK_TOOLS
from agent_desk.http.api_my_seat import free_seat
from agent_desk.http.common import json_body, path_id
from agent_desk.permissions import Action, authorize
from agent_desk.user_admin import KEEP, Keep
from base.errors import InvalidInput


def _contact(body: dict[str, Any], name: str) -> str | Keep | None:
    if name not in body:
        return KEEP
    value = body[name]
    if value is not None and not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string or null", details={"field": name})
    return value


def _role(body: dict[str, Any]) -> Role | None:
    if "role" not in body:
        return None
    try:
        return Role(body["role"])
    except ValueError:
        raise InvalidInput(f"role must be one of {', '.join(r.value for r in Role)}",
                           details={"field": "role"}) from None  # fmt: skip


def _departments(request: web.Request, body: dict[str, Any]) -> list[str] | None:
    if "departments" not in body:
        return None
    value = body["departments"]
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise InvalidInput("departments must be a list of department codes",
                           details={"field": "departments"})  # fmt: skip
    unknown = [code for code in value if request.app[DESK].directory.get(code) is None]
    if unknown:
        raise InvalidInput(f"unknown departments: {', '.join(unknown)[:200]}",
                           details={"field": "departments"})  # fmt: skip
    return value


async def get_user(request: web.Request) -> web.Response:
    await authorize(request, Action.USERS_MANAGE)
    account = await request.app[DESK_TOOLS].users.account(path_id(request, "user_id"))
    return web.json_response(account.to_json())


async def patch_user(request: web.Request) -> web.Response:
    """Change `email`, `phone` (null or "" clears), `active`, `role` and/or `departments`.

    A new role or departments end the user's sessions (as deactivation does)."""
    principal = await authorize(request, Action.USERS_MANAGE)
    users = request.app[DESK_TOOLS].users
    user_id = path_id(request, "user_id")
    await users.account(user_id)  # 404 before a complaint about the body
    body = await json_body(request)
    unknown = sorted(set(body) - {"email", "phone", "active", "role", "departments"})
    if unknown:
        raise InvalidInput(f"cannot change {', '.join(unknown)}", details={"field": unknown[0]})
    active = body.get("active")
    if active is not None and not isinstance(active, bool):
        raise InvalidInput("active must be true or false", details={"field": "active"})
    role, departments = _role(body), _departments(request, body)
    email, phone = _contact(body, "email"), _contact(body, "phone")
    account = await users.account(user_id)
    if role is not None or departments is not None:
        account = await users.set_role(user_id, role or account.role, departments=departments,
                                       actor=principal.name)  # fmt: skip
    if not (isinstance(email, Keep) and isinstance(phone, Keep)):
        account = await users.set_contact(user_id, email=email, phone=phone, actor=principal.name)
    if active is not None and active != account.active:
        account = await users.set_active(user_id, active, actor=principal.name)
        if not active:
            await free_seat(request.app[DESK], user_id)  # their seat rings no more
    return web.json_response(account.to_json())


async def reset_password(request: web.Request) -> web.Response:
    """A new one-time password, shown in this answer only."""
    principal = await authorize(request, Action.USERS_MANAGE)
    account, password = await request.app[DESK_TOOLS].users.reset_password(
        path_id(request, "user_id"), actor=principal.name
    )
    response = web.json_response({"user": account.to_json(), "one_time_password": password})
    response.headers["Cache-Control"] = "no-store"
    return response


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/users/{user_id}", get_user),
        web.patch("/api/users/{user_id}", patch_user),
        web.post("/api/users/{user_id}/password", reset_password),
    ]
