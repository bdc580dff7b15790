"""The call page `/desk/calls/<call id>`: one call record, its orders and, for supervisors
and admins, its 质检 recordings with the score form (the order page shows them too)."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from agent_desk.desk import DESK
from agent_desk.http.access import CALL_READERS
from agent_desk.http.pages import HOME, render
from agent_desk.http.pages_orders import department_names, quality_context
from agent_desk.orders.models import WorkOrder
from agent_desk.permissions import current_principal, sees_platform
from agent_desk.timeutil import china
from base.errors import NotFound
from ivr.call_records import CallRecord


class CallNotFound(NotFound):
    code = "call-not-found"


async def call_page(request: web.Request) -> web.Response:
    principal = await current_principal(request)
    if principal is None:
        raise web.HTTPFound("/desk/login")
    if principal.role not in CALL_READERS:
        raise web.HTTPFound(HOME[principal.role])
    desk = request.app[DESK]
    call_id = request.match_info["call_id"][:64]
    async with desk.sessions() as session:
        call = await session.scalar(select(CallRecord).where(CallRecord.call_id == call_id))
        # A user bound to a platform sees the calls filed under it (and those below).
        if call is None or not sees_platform(principal, call.platform):
            raise CallNotFound("no such call")
        orders = list(
            await session.scalars(
                select(WorkOrder.number).where(WorkOrder.call_id == call_id).order_by(WorkOrder.id)
            )
        )
    return render(
        request, "call.html", principal, page="call", call=call, orders=orders,
        names=department_names(desk), china=china,
        **(await quality_context(desk, principal, call_id)),
    )  # fmt: skip


def routes() -> list[web.RouteDef]:
    return [web.get("/desk/calls/{call_id}", call_page)]
