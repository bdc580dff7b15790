"""The rest of the desk API: knowledge base, call transfer, audit log, live events (SSE)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web

from agent_desk import audit
from agent_desk.desk import DESK
from agent_desk.errors import CallControlAbsent
from agent_desk.http.access import department_scope
from agent_desk.http.common import json_body, no_nul, query_text, text_field
from agent_desk.kb import entry_to_json
from agent_desk.notifier import OUTBOX, SESSIONS_ENDED, DeskEvent
from agent_desk.permissions import Action, authorize, sees_department
from agent_desk.timeutil import china
from base.errors import InvalidInput
from base.web import query_int

logger = logging.getLogger(__name__)
KEEPALIVE_S = 15.0


async def kb_search(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.KB_READ)
    text = query_text(request, "q") or ""
    entries = await request.app[DESK].kb.search(
        text,
        department_code=query_text(request, "department"),
        within=department_scope(principal),  # a liaison: their own departments only
        limit=query_int(request, "limit", 20, low=1, high=100),
    )
    return web.json_response({"entries": [entry_to_json(e) for e in entries]})


async def transfer_call(request: web.Request) -> web.Response:
    """Ask the call controller to put the live call through to the department's liaison."""
    principal = await authorize(request, Action.CALLS_TRANSFER)
    desk = request.app[DESK]
    call_id = no_nul(request.match_info["call_id"], "call_id")
    body = await json_body(request)
    code = text_field(body, "department_code", required=True, max_length=128) or ""
    if desk.directory.get(code) is None:
        raise InvalidInput(f"no department with code {code!r}")
    if desk.call_control is None:
        raise CallControlAbsent("the call controller is not connected to Asterisk")
    await desk.call_control.transfer_to_department(call_id=call_id, department_code=code)
    async with desk.sessions() as session:
        audit.record(session, at=china(desk.clock.now()), actor=principal.name,
                     action="call.transfer", target=call_id[:100], detail=code)  # fmt: skip
        await session.commit()
    return web.json_response({"call_id": call_id, "department_code": code, "requested": True})


async def audit_log(request: web.Request) -> web.Response:
    await authorize(request, Action.AUDIT_READ)
    entries = await audit.recent(
        request.app[DESK].sessions,
        limit=query_int(request, "limit", 100, low=1, high=1000),
        action=query_text(request, "action"),
    )
    return web.json_response({"entries": [audit.entry_to_json(e) for e in entries]})


async def events(request: web.Request) -> web.StreamResponse:
    """Server-sent events: order and voicemail changes the user may see, as they happen.

    The stream ends when its session does (sign-out, deactivation, role change, password
    reset): at once when this process made the change, else at the next keep-alive.
    """
    principal = await authorize(request, Action.EVENTS)
    desk = request.app[DESK]
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    queue = desk.notifier.subscribe()
    closing = asyncio.ensure_future(desk.closing.wait())
    try:
        await response.write(b"retry: 3000\n\n")
        while not desk.closing.is_set():
            getter: asyncio.Future[DeskEvent] = asyncio.ensure_future(queue.get())
            waiting: list[asyncio.Future[Any]] = [getter, closing]
            done, _ = await asyncio.wait(
                waiting, timeout=KEEPALIVE_S, return_when=asyncio.FIRST_COMPLETED
            )
            if getter not in done:
                getter.cancel()
                if not done:
                    if not await desk.auth.still_valid(principal):
                        break
                    await response.write(b": keep-alive\n\n")
                continue
            event = getter.result()
            if event.kind == SESSIONS_ENDED and event.id != principal.user_id:
                continue
            if not await desk.auth.still_valid(principal):
                break
            if event.kind not in (SESSIONS_ENDED, OUTBOX) and sees_department(
                principal, event.department_code
            ):
                data = json.dumps(event.to_json(), ensure_ascii=False)
                await response.write(f"event: {event.kind}\ndata: {data}\n\n".encode())
    except ConnectionResetError:
        logger.debug("event stream of %s closed by the browser", principal.name)
    finally:
        closing.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await closing
        desk.notifier.unsubscribe(queue)
    return response


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/kb/search", kb_search),
        web.post("/api/calls/{call_id}/transfer", transfer_call),
        web.get("/api/audit", audit_log),
        web.get("/api/events", events),
    ]
