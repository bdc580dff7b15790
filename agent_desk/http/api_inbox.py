"""The liaison inbox over JSON: the open orders and unheard voicemails of the user's units.

Both lists are narrowed, sorted (by due date) and paged in SQL, so nothing falls off a
"latest 100" window however many orders the desk holds.
"""

from __future__ import annotations

from aiohttp import web

from agent_desk.desk import DESK
from agent_desk.http.order_filters import read_list_request
from agent_desk.orders.listing import OrderFilter, OrderSort, order_page, unheard_voicemails
from agent_desk.orders.views import order_to_json
from agent_desk.permissions import Action, authorize, order_visibility, voicemail_visibility
from agent_desk.timeutil import china
from agent_desk.voicemails import voicemail_to_json
from base.web import query_int


async def inbox(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.ORDERS_READ)
    desk = request.app[DESK]
    names = {t.code: t.name for t in desk.directory.targets()}
    async with desk.sessions() as session:
        orders = await order_page(
            session, filters=OrderFilter(open_only=True), visibility=order_visibility(principal),
            today=china(desk.clock.now()).date(), policy=desk.orders.deadlines,
            sort=OrderSort.DUE, page=query_int(request, "page", 1, low=1, high=100_000),
            per_page=query_int(request, "per_page", 20, low=1, high=100),
        )  # fmt: skip
        voicemails = await unheard_voicemails(
            session, visibility=voicemail_visibility(principal),
            page=query_int(request, "vm_page", 1, low=1, high=100_000),
            per_page=query_int(request, "vm_per_page", 10, low=1, high=100),
        )  # fmt: skip
    order_rows = []
    for order in orders.orders:
        row = order_to_json(order, desk.orders.deadline_of(order))
        row["department_name"] = names.get(order.department_code or "", "")
        order_rows.append(row)
    voicemail_rows = []
    for voicemail in voicemails.voicemails:
        row = voicemail_to_json(voicemail, None)
        row["department_name"] = names.get(voicemail.department_code or "", "")
        row["empty"] = voicemail.empty or not voicemail.audio_path
        voicemail_rows.append(row)
    return web.json_response({
        "orders": order_rows, "orders_total": orders.total, "page": orders.page,
        "pages": orders.pages, "voicemails": voicemail_rows,
        "voicemails_total": voicemails.total, "vm_page": voicemails.page,
        "vm_pages": voicemails.pages,
    })  # fmt: skip


async def orders_json(request: web.Request) -> web.Response:
    """The order list of `/desk/orders` as JSON (same filters, sort and pages)."""
    principal = await authorize(request, Action.ORDERS_READ)
    desk = request.app[DESK]
    listing = read_list_request(request, desk.directory)
    async with desk.sessions() as session:
        found = await order_page(
            session, filters=listing.filters, visibility=order_visibility(principal),
            today=china(desk.clock.now()).date(), policy=desk.orders.deadlines,
            sort=listing.sort, page=listing.page, per_page=listing.per_page,
        )  # fmt: skip
    names = {t.code: t.name for t in desk.directory.targets()}
    rows = []
    for order in found.orders:
        row = order_to_json(order, desk.orders.deadline_of(order))
        row["department_name"] = names.get(order.department_code or "", "")
        rows.append(row)
    return web.json_response({
        "orders": rows, "total": found.total, "page": found.page, "pages": found.pages,
        "counts": found.counts,
    })  # fmt: skip


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/inbox", inbox),
        web.get("/api/orders/page", orders_json),
    ]
