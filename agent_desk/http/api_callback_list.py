"""The console's call-back list: pending callers of the operator's site, newest first, paged.

The full list (`/api/callbacks`) stays as routing keeps it; this one is what fits a
screen: one site, the latest missed caller on top, a page at a time, with the total.
"""

from __future__ import annotations

import contextlib

from aiohttp import web
from sqlalchemy import func, select

from agent_desk.desk import DESK, Desk
from agent_desk.http.api_my_seat import home_site
from agent_desk.permissions import Action, authorize
from agent_desk.seats import SeatDesk, callback_json
from base.errors import ServiceUnavailable
from base.web import query_int
from routing import CallbackRequest
from routing.models import CALLBACK_PENDING


async def _site_of_user(desk: Desk, seats: SeatDesk, user_id: int) -> str:
    """The site of the seat the user sits at; the desk's home site when they sit nowhere."""
    held = await desk.occupants.seat_of(user_id)
    if held is not None:
        with contextlib.suppress(KeyError):  # a seat since dropped from the sites file
            return seats.sites.site_of_seat(held).id
    return home_site(desk, seats).id


async def site_callbacks(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.SEATS)
    desk = request.app[DESK]
    if desk.seats is None:
        raise ServiceUnavailable("operator seats are not running (no sites are loaded)")
    site = await _site_of_user(desk, desk.seats, principal.user_id)
    page = query_int(request, "page", 1, low=1, high=100_000)
    per_page = query_int(request, "per_page", 10, low=1, high=100)
    where = (CallbackRequest.status == CALLBACK_PENDING, CallbackRequest.site == site)
    async with desk.sessions() as session:
        total = int(
            await session.scalar(select(func.count()).select_from(CallbackRequest).where(*where))
            or 0
        )
        rows = await session.scalars(
            select(CallbackRequest)
            .where(*where)
            .order_by(CallbackRequest.last_at.desc(), CallbackRequest.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
        entries = list(rows.all())
    return web.json_response({
        "site": site, "callbacks": [callback_json(e) for e in entries], "total": total,
        "page": page, "pages": max(1, -(-total // per_page)),
    })  # fmt: skip


def routes() -> list[web.RouteDef]:
    return [web.get("/api/my-seat/callbacks", site_callbacks)]
