"""The caller's recent calls for the console (hotline staff only: liaisons see orders)."""

from __future__ import annotations

import re

from aiohttp import web

from agent_desk.calls import call_to_json
from agent_desk.desk import DESK
from agent_desk.desk_tools import DESK_TOOLS
from agent_desk.http.access import CALL_READERS, require_role
from agent_desk.http.api_my_seat import translator_for
from agent_desk.http.common import query_text
from agent_desk.permissions import order_visibility
from agent_desk.screen_pop import path_in_words
from base.errors import InvalidInput
from base.web import query_int

CALLER = re.compile(r"[0-9+][0-9+-]{0,63}")


async def list_calls(request: web.Request) -> web.Response:
    principal = await require_role(request, CALL_READERS, "read call records")
    caller = query_text(request, "caller", max_length=64)
    if caller is None or not CALLER.fullmatch(caller):
        raise InvalidInput("give the caller's number (digits, '+', '-') in caller",
                           details={"field": "caller"})  # fmt: skip
    calls = await request.app[DESK_TOOLS].calls.recent(
        caller,
        limit=query_int(request, "limit", 10, low=1, high=100),
        visibility=order_visibility(principal),
    )
    t = translator_for(request)
    names = {target.code: target.name for target in request.app[DESK].directory.targets()}
    listed = []
    for call in calls:
        row = call_to_json(call)
        row["path"] = path_in_words(list(call.steps or []), t, names)  # in words, for people
        row["department_name"] = names.get(call.department_code or "", "")
        listed.append(row)
    return web.json_response({"calls": listed})


def routes() -> list[web.RouteDef]:
    return [web.get("/api/calls", list_calls)]
