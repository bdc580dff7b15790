"""Knowledge-base entries written by the departments they belong to."""

from __future__ import annotations

from aiohttp import web

from agent_desk.desk import DESK
from agent_desk.http.access import KB_EDITORS, department_scope, in_scope, require_role
from agent_desk.http.common import json_body, path_id, text_field
from agent_desk.kb import FaqText, KbEntryNotFound, entry_to_json
from base.errors import InvalidInput

WHAT = "edit the knowledge base"


def _text(body: dict[str, object]) -> FaqText:
    return FaqText(
        question=text_field(body, "question", required=True, max_length=500) or "",
        answer=text_field(body, "answer", required=True, max_length=8000) or "",
        keywords=text_field(body, "keywords", max_length=500) or "",
    )


async def create_entry(request: web.Request) -> web.Response:
    principal = await require_role(request, KB_EDITORS, WHAT)
    body = await json_body(request)
    code = text_field(body, "department_code", required=True, max_length=128) or ""
    desk = request.app[DESK]
    if not in_scope(principal, code):
        raise KbEntryNotFound(f"no department {code!r} among yours")
    if desk.directory.get(code) is None:
        raise InvalidInput(
            f"no department with code {code!r}", details={"field": "department_code"}
        )
    entry = await desk.kb.create(code, _text(body), actor=principal.name)
    return web.json_response(entry_to_json(entry), status=201)


async def get_entry(request: web.Request) -> web.Response:
    principal = await require_role(request, KB_EDITORS, WHAT)
    entry = await request.app[DESK].kb.get(
        path_id(request, "entry_id"), departments=department_scope(principal)
    )
    return web.json_response(entry_to_json(entry))


async def update_entry(request: web.Request) -> web.Response:
    principal = await require_role(request, KB_EDITORS, WHAT)
    entry_id = path_id(request, "entry_id")
    kb = request.app[DESK].kb
    scope = department_scope(principal)
    await kb.get(entry_id, departments=scope)  # 404 before a complaint about the body
    body = await json_body(request)
    entry = await kb.update(entry_id, _text(body), departments=scope, actor=principal.name)
    return web.json_response(entry_to_json(entry))


async def delete_entry(request: web.Request) -> web.Response:
    principal = await require_role(request, KB_EDITORS, WHAT)
    await request.app[DESK].kb.delete(
        path_id(request, "entry_id"), departments=department_scope(principal), actor=principal.name
    )
    return web.json_response({"deleted": True})


def routes() -> list[web.RouteDef]:
    return [
        web.post("/api/kb/entries", create_entry),
        web.get("/api/kb/entries/{entry_id}", get_entry),
        web.put("/api/kb/entries/{entry_id}", update_entry),
        web.delete("/api/kb/entries/{entry_id}", delete_entry),
    ]
