"""The liaison inbox over JSON: the open orders and unheard voicemails of the user's units.

Both lists are narrowed, sorted (by due date) and paged in SQL, so nothing falls off a
"latest 100" window however many orders the desk holds.
"""

from __future__ import annotations

from aiohttp import web

from agent_desk.desk import DESK
from agent_desk.http.order_filters import find_orders, listed_orders, read_list_request
from agent_desk.orders.listing import OrderFilter, OrderSort, unheard_voicemails
from agent_desk.orders.views import order_to_json
from agent_desk.permissions import Action, authorize, voicemail_visibility
from agent_desk.voicemails import voicemail_to_json
from base.web import query_int


async def inbox(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.ORDERS_READ)
    desk = request.app[DESK]
    names = {t.code: t.name for t in desk.directory.targets()}
    orders = await find_orders(
        desk, principal, filters=OrderFilter(open_only=True), sort=OrderSort.DUE,
        page=query_int(request, "page", 1, low=1, high=100_000),
        per_page=query_int(request, "per_page", 20, low=1, high=100),
    )  # fmt: skip
    async with desk.sessions() as session:
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
    found = await listed_orders(desk, principal, listing)
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
