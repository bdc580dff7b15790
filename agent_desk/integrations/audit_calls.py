"""Every call made with a bearer token goes into the audit log: who, what, the answer.

A middleware inside error_middleware, so it sees the status of refused calls too (a
revoked token's 401 is audited as `api.refused`, under the name it could not prove).
"""

from __future__ import annotations

import logging

from aiohttp import web

from agent_desk import audit
from agent_desk.desk import DESK
from agent_desk.http.common import client_ip
from agent_desk.permissions import API_CALLER, bearer_token
from agent_desk.timeutil import china
from base.errors import HotlineError
from base.web import Handler

logger = logging.getLogger(__name__)


@web.middleware
async def api_call_audit(request: web.Request, handler: Handler) -> web.StreamResponse:
    if bearer_token(request) is None or not request.path.startswith("/api/"):
        return await handler(request)
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except (HotlineError, web.HTTPException) as exc:
        status = exc.status
        raise
    finally:
        await _record(request, status)


async def _record(request: web.Request, status: int) -> None:
    desk = request.app[DESK]
    caller = request.get(API_CALLER)
    try:
        async with desk.sessions.begin() as session:
            audit.record(
                session, at=china(desk.clock.now()), actor=caller or "api:unknown-token",
                action="api.call" if caller else "api.refused",
                target=f"{request.method} {request.path}"[:100], detail=str(status),
                ip=client_ip(request)[:64],
            )  # fmt: skip
    except Exception:  # the call's own answer stands; the gap is in the log
        logger.exception("could not audit an API call to %s", request.path)
