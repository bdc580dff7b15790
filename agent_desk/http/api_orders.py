"""Work orders over JSON: list, open, read with history, move, what is late, referrals."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from agent_desk.citizen.contacts import email_address
from agent_desk.desk import DESK
from agent_desk.http.common import int_field, json_body, path_id, query_text, text_field
from agent_desk.orders import Channel, OrderDraft, OrderStatus, OrderType, Step, Transition, Urgency
from agent_desk.orders.referrals import REFERRALS
from agent_desk.orders.views import event_to_json, order_to_json
from agent_desk.permissions import (
    Action,
    authorize,
    order_visibility,
    require_transition,
)
from agent_desk.platform_filing import order_platform
from agent_desk.timeutil import china
from base.errors import InvalidInput
from base.web import query_int


def _choice(enum: type[OrderType] | type[Urgency], raw: str | None, name: str) -> Any:
    try:
        return enum(raw or "")
    except ValueError:
        raise InvalidInput(f"{name} must be one of {', '.join(e.value for e in enum)}") from None


def _channel(raw: str | None) -> str:
    try:
        return Channel(raw or "phone").value
    except ValueError:
        raise InvalidInput(
            f"channel must be one of {', '.join(c.value for c in Channel)}"
        ) from None


def _email(raw: str | None) -> str:
    if not raw or not raw.strip():
        return ""
    address = email_address(raw)
    if address is None:
        raise InvalidInput("caller_email is not an e-mail address")
    return address


async def list_orders(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.ORDERS_READ)
    desk = request.app[DESK]
    given = request.query.get("status", "")
    if given and not given.strip():  # "" is "any status"; a tab or "\x85" is a bad one
        raise InvalidInput("status must not be blank")
    raw_status = query_text(request, "status")
    try:
        status = OrderStatus(raw_status) if raw_status else None
    except ValueError:
        raise InvalidInput(f"unknown status {raw_status!r}") from None
    orders = await desk.orders.search(
        visibility=order_visibility(principal),
        status=status,
        department_code=query_text(request, "department"),
        caller_number=query_text(request, "caller_number"),
        limit=query_int(request, "limit", 50, low=1, high=500),
    )
    return web.json_response(
        {"orders": [order_to_json(o, desk.orders.deadline_of(o)) for o in orders]}
    )


async def late_orders(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.ORDERS_READ)
    desk = request.app[DESK]
    warning = request.query.get("include_warning", "") in {"1", "true", "yes"}
    orders = await desk.orders.late(visibility=order_visibility(principal), include_warning=warning)
    return web.json_response(
        {"orders": [order_to_json(o, desk.orders.deadline_of(o)) for o in orders]}
    )


async def create_order(request: web.Request) -> web.Response:
    """Open an order; with `department_code` it is dispatched in the same request."""
    principal = await authorize(request, Action.ORDERS_CREATE)
    desk = request.app[DESK]
    body = await json_body(request)
    draft = OrderDraft(
        order_type=_choice(OrderType, text_field(body, "order_type", required=True), "order_type"),
        urgency=_choice(Urgency, text_field(body, "urgency") or "normal", "urgency"),
        subject=text_field(body, "subject", required=True, max_length=200) or "",
        description=text_field(body, "description") or "",
        caller_number=text_field(body, "caller_number", max_length=64) or "",
        caller_name=text_field(body, "caller_name", max_length=100) or "",
        hotline_number=text_field(body, "hotline_number", max_length=32) or "",
        call_id=text_field(body, "call_id", max_length=64) or "",
        channel=_channel(text_field(body, "channel", max_length=16)),
        caller_email=_email(text_field(body, "caller_email", max_length=254)),
        platform=order_platform(
            desk.platforms, principal,
            hotline_number=text_field(body, "hotline_number", max_length=32) or "",
        ),
    )  # fmt: skip
    department = text_field(body, "department_code", max_length=128)
    if department and desk.directory.get(department) is None:
        raise InvalidInput(f"no department with code {department!r}")
    order = await desk.orders.create(draft, actor=principal.name)
    if department:
        step = Step(Transition.DISPATCH, actor=principal.name, at=china(desk.clock.now()),
                    department_code=department, reason="受理后派单")  # fmt: skip
        order = await desk.orders.move(order.id, step, visibility=order_visibility(principal))
    return web.json_response(order_to_json(order, desk.orders.deadline_of(order)), status=201)


async def get_order(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.ORDERS_READ)
    desk = request.app[DESK]
    view = await desk.orders.get(
        path_id(request, "order_id"), visibility=order_visibility(principal)
    )
    body = order_to_json(view.order, view.deadline)
    body["events"] = [event_to_json(e) for e in view.events]
    return web.json_response(body)


async def move_order(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.ORDERS_READ)
    desk = request.app[DESK]
    order_id = path_id(request, "order_id")
    body = await json_body(request)
    raw = text_field(body, "transition", required=True) or ""
    try:
        transition = Transition(raw)
    except ValueError:
        raise InvalidInput(f"unknown transition {raw!r}") from None
    visibility = order_visibility(principal)
    await desk.orders.get(order_id, visibility=visibility)  # 404 before 403: ids are not probed
    require_transition(principal, transition)
    merged_into = int_field(body, "merged_into_id", low=1, high=2**31 - 1)
    step = Step(
        transition,
        actor=principal.name,
        at=china(desk.clock.now()),
        reason=text_field(body, "reason", max_length=2000) or "",
        department_code=text_field(body, "department_code", max_length=128),
        reply=text_field(body, "reply"),
        satisfaction=int_field(body, "satisfaction", low=1, high=5),
        referral=text_field(body, "referral", max_length=64),
        merged_into_id=merged_into,
        platform=text_field(body, "platform", max_length=64),
    )
    if step.department_code and desk.directory.get(step.department_code) is None:
        raise InvalidInput(f"no department with code {step.department_code!r}")
    order = await desk.orders.move(order_id, step, visibility=visibility)
    return web.json_response(order_to_json(order, desk.orders.deadline_of(order)))


async def referrals(request: web.Request) -> web.Response:
    await authorize(request, Action.ORDERS_READ)
    return web.json_response({"referrals": [{"key": k, "text": v} for k, v in REFERRALS.items()]})


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/orders", list_orders),
        web.post("/api/orders", create_order),
        web.get("/api/orders/late", late_orders),
        web.get("/api/orders/referrals", referrals),
        web.get("/api/orders/{order_id}", get_order),
        web.post("/api/orders/{order_id}/transitions", move_order),
    ]
