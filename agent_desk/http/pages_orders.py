"""The order pages: `/desk/orders` (filtered, paged list) and `/desk/orders/<number>`.

Both are rendered on the server from the same services the JSON API uses; the order
page's buttons post their forms to `/api/orders/<id>/transitions` (desk.js), so the
permission checks stay in one place. Department codes appear only in URLs and form
values: people read names.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import select

from agent_desk.auth import Principal
from agent_desk.desk import DESK, Desk
from agent_desk.errors import OrderNotFound
from agent_desk.http.order_filters import (
    CHANNELS,
    ListRequest,
    find_orders,
    listed_orders,
    read_list_request,
)
from agent_desk.http.pages import HOME, PAGE_ROLES, render
from agent_desk.orders import (
    DeadlineLevel,
    OrderStatus,
    OrderType,
    Transition,
    Urgency,
    WorkOrder,
    allowed_transitions,
)
from agent_desk.orders.listing import OrderFilter, OrderSort
from agent_desk.orders.models import OrderVoicemail
from agent_desk.orders.referrals import REFERRALS
from agent_desk.permissions import (
    ACTION_ROLES,
    Action,
    choosable_departments,
    current_principal,
    may_transition,
    order_visibility,
)
from agent_desk.supervision_items import SupervisionDesk
from agent_desk.timeutil import china
from directory import MatchTarget
from voicemail.models import Voicemail


async def _principal(request: web.Request, page: str) -> Principal:
    principal = await current_principal(request)
    if principal is None:
        raise web.HTTPFound("/desk/login")
    if principal.role not in PAGE_ROLES[page]:
        raise web.HTTPFound(HOME[principal.role])
    return principal


def department_names(desk: Desk) -> dict[str, str]:
    return {t.code: t.name for t in desk.directory.targets()}


def _page_link(listing: ListRequest, page: int) -> str:
    return "?" + urlencode({**listing.params, "page": str(page)})


def _status_link(listing: ListRequest, status: str) -> str:
    params = {k: v for k, v in listing.params.items() if k != "status"}
    if status:
        params["status"] = status
    return "?" + urlencode(params)


async def orders_page(request: web.Request) -> web.Response:
    principal = await _principal(request, "orders")
    desk = request.app[DESK]
    listing = read_list_request(request, desk.directory)
    found = await listed_orders(desk, principal, listing)
    names = department_names(desk)
    choosable = choosable_departments(principal, desk.directory.targets(), desk.platforms)
    return render(
        request, "orders.html", principal, page="orders", listing=listing, found=found,
        rows=[(o, desk.orders.deadline_of(o)) for o in found.orders], names=names,
        statuses=[s.value for s in OrderStatus], types=[t.value for t in OrderType],
        urgency_values=[u.value for u in Urgency], levels=[d.value for d in DeadlineLevel],
        channels=CHANNELS, cities=desk.directory.cities(), departments=choosable,
        sorts=[s.value for s in OrderSort], page_link=lambda n: _page_link(listing, n),
        status_link=lambda s: _status_link(listing, s),
    )  # fmt: skip


async def _voicemails_of(desk: Desk, order_id: int) -> list[Voicemail]:
    query = (
        select(Voicemail)
        .join(OrderVoicemail, OrderVoicemail.voicemail_id == Voicemail.id)
        .where(OrderVoicemail.order_id == order_id)
        .order_by(Voicemail.recorded_at)
    )
    async with desk.sessions() as session:
        return list((await session.scalars(query)).all())


async def _duplicates(
    desk: Desk, principal: Principal, order: WorkOrder, text: str | None
) -> list[WorkOrder]:
    """Orders this one could be merged into: the caller's others, or those matching `text`."""
    if not text and not order.caller_number and not order.caller_email:
        return []
    # The line's last 11 digits: "+86 139…" and "139…" are one caller.
    line = "".join(ch for ch in order.caller_number if ch.isascii() and ch.isdigit())[-11:]
    filters = OrderFilter(text=text or line or order.caller_email or order.caller_number)
    found = await find_orders(desk, principal, filters=filters, sort=OrderSort.NEWEST, per_page=11)
    return [o for o in found.orders if o.id != order.id and o.status != OrderStatus.MERGED.value][
        :10
    ]


async def order_detail_page(request: web.Request) -> web.Response:
    principal = await _principal(request, "orders")
    desk = request.app[DESK]
    number = request.match_info["number"]
    found = await desk.orders.find_by_number(number) if number.isdigit() else None
    if found is None:
        raise OrderNotFound(f"no order {number[:20]}")
    view = await desk.orders.get(found.id, visibility=order_visibility(principal))
    order = view.order
    tree = desk.platforms
    here = tree.get(order.platform)
    below = [
        p for p in tree.platforms if p.id != order.platform and tree.is_below(p.id, order.platform)
    ]
    possible = {Transition.HAND_DOWN: bool(below), Transition.HAND_UP: bool(here and here.parent)}
    moves = [
        t.value
        for t in allowed_transitions(OrderStatus(order.status))
        if may_transition(principal, t) and possible.get(t, True)
    ]
    duplicates: list[WorkOrder] = []
    dup_query = request.query.get("dup", "").strip()[:100] or None
    if Transition.MERGE.value in moves:
        duplicates = await _duplicates(desk, principal, order, dup_query)
    merged_into = None
    if order.merged_into_id is not None:
        merged = await desk.orders.get(order.merged_into_id, visibility=None)
        merged_into = merged.order.number
    extra: dict[str, Any] = {
        "order": order, "deadline": view.deadline, "events": view.events,
        "voicemails": await _voicemails_of(desk, order.id), "moves": moves,
        "names": department_names(desk), "duplicates": duplicates, "dup_query": dup_query or "",
        "merged_into": merged_into, "referrals": REFERRALS,
        "departments": _dispatchable(desk, order), "below": below,
        "china": china,
        "supervisions": await SupervisionDesk(
            sessions=desk.sessions, clock=desk.clock, orders=desk.orders
        ).of_order(order.id),
        "supervise_due": desk.orders.deadlines.warning_until(china(desk.clock.now()).date()),
        **(await quality_context(desk, principal, order.call_id)),
    }  # fmt: skip
    return render(request, "order.html", principal, page="order", **extra)


async def quality_context(desk: Desk, principal: Principal, call_id: str) -> dict[str, Any]:
    """The 质检 section's data: only supervisors and admins see (and score) recordings."""
    if principal.role not in ACTION_ROLES[Action.QUALITY]:
        return {"show_quality": False, "quality": []}
    found = await desk.quality.of_call(call_id, platforms=principal.platforms)
    return {"show_quality": True, "quality": found}


def _dispatchable(desk: Desk, order: WorkOrder) -> list[MatchTarget]:
    """Departments of the order's platform and those below it (others: hand it up first)."""
    tree = desk.platforms
    chosen = []
    for target in desk.directory.targets():
        owner = tree.by_city(target.city)
        if owner is None or not order.platform or tree.is_below(owner.id, order.platform):
            chosen.append(target)
    return sorted(chosen, key=lambda t: (t.city, t.name))


def routes() -> list[web.RouteDef]:
    return [
        web.get("/desk/orders", orders_page),
        web.get("/desk/orders/{number}", order_detail_page),
    ]
