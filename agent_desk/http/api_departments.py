"""Directory entries edited by their own departments: read with history, and change."""

from __future__ import annotations

from aiohttp import web

from agent_desk.departments import (
    DepartmentNotFound,
    change_to_json,
    record_to_json,
)
from agent_desk.desk import DESK
from agent_desk.desk_tools import DESK_TOOLS
from agent_desk.http.access import DEPARTMENT_EDITORS, department_scope, in_scope, require_role
from agent_desk.http.common import client_ip, json_body, no_nul
from base.web import query_int


def _code(request: web.Request) -> str:
    code = request.match_info["code"]
    return no_nul(code, "code")[:128]


async def list_departments(request: web.Request) -> web.Response:
    """The departments whose entry this user may edit (code and name)."""
    principal = await require_role(request, DEPARTMENT_EDITORS, "edit directory entries")
    scope = department_scope(principal)
    directory = request.app[DESK].directory
    codes = sorted(scope) if scope is not None else sorted(t.code for t in directory.targets())
    records = [r for r in (directory.get(c) for c in codes) if r is not None]
    return web.json_response(
        {"departments": [{"code": r.code, "name": r.name, "city": r.city} for r in records]}
    )


async def get_department(request: web.Request) -> web.Response:
    principal = await require_role(request, DEPARTMENT_EDITORS, "edit directory entries")
    code = _code(request)
    if not in_scope(principal, code):
        raise DepartmentNotFound(f"no department with code {code!r}")
    tools = request.app[DESK_TOOLS]
    record = await tools.departments.get(code)
    history = await tools.departments.history(
        code, limit=query_int(request, "limit", 50, low=1, high=500)
    )
    return web.json_response(
        {"department": record_to_json(record), "history": [change_to_json(c) for c in history]}
    )


async def put_department(request: web.Request) -> web.Response:
    """Change some of the editable fields; the answer is the saved entry and its history."""
    principal = await require_role(request, DEPARTMENT_EDITORS, "edit directory entries")
    code = _code(request)
    if not in_scope(principal, code):
        raise DepartmentNotFound(f"no department with code {code!r}")
    body = await json_body(request)
    tools = request.app[DESK_TOOLS]
    edit = await tools.departments.edit(code, body, actor=principal.name, ip=client_ip(request))
    history = await tools.departments.history(code, limit=50)
    return web.json_response(
        {
            "department": record_to_json(edit.record),
            "changed": [c.field for c in edit.changes],
            "history": [change_to_json(c) for c in history],
        }
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/departments", list_departments),
        web.get("/api/departments/{code}", get_department),
        web.put("/api/departments/{code}", put_department),
    ]
