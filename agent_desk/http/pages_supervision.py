"""督办 in the browser and over JSON: the list, each item's page, and its four moves.

Open (supervisor: reason + deadline) → answered (the unit) → closed or sent back (the
supervisor). A liaison sees and answers the items of their own departments only.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from aiohttp import web

from agent_desk.auth import Principal, Role
from agent_desk.desk import DESK, Desk
from agent_desk.http.access import require_role
from agent_desk.http.common import int_field, json_body, path_id, query_text, text_field
from agent_desk.http.pages import HOME, PAGE_ROLES, render
from agent_desk.permissions import choosable_departments, current_principal, order_visibility
from agent_desk.supervision_items import ItemState, SupervisionDesk, SupervisionItem
from agent_desk.timeutil import china
from base.errors import InvalidInput
from base.web import query_int

OVERSIGHT = frozenset({Role.SUPERVISOR, Role.ADMIN})
UNIT = frozenset({Role.LIAISON, Role.ADMIN})


def supervision_desk(desk: Desk) -> SupervisionDesk:
    return SupervisionDesk(sessions=desk.sessions, clock=desk.clock, orders=desk.orders)


def item_json(item: SupervisionItem) -> dict[str, object]:
    return {
        "id": item.id, "order_id": item.order_id, "department_code": item.department_code,
        "state": item.state, "reason": item.reason, "due_date": item.due_date.isoformat(),
        "opened_by": item.opened_by, "answer": item.answer, "answered_by": item.answered_by,
        "review": item.review, "closed_by": item.closed_by,
    }  # fmt: skip


async def _page_principal(request: web.Request) -> Principal:
    principal = await current_principal(request)
    if principal is None:
        raise web.HTTPFound("/desk/login")
    if principal.role not in PAGE_ROLES["supervision"]:
        raise web.HTTPFound(HOME[principal.role])
    return principal


async def list_page(request: web.Request) -> web.Response:
    principal = await _page_principal(request)
    desk = request.app[DESK]
    raw_state = query_text(request, "state", max_length=16)
    try:
        state = ItemState(raw_state) if raw_state else None
    except ValueError:
        allowed = ", ".join(s.value for s in ItemState)
        raise InvalidInput(f"state must be one of {allowed}") from None
    department = query_text(request, "department", max_length=128)
    found = await supervision_desk(desk).page(
        visibility=order_visibility(principal), state=state, department_code=department,
        page=query_int(request, "page", 1, low=1, high=100_000),
    )  # fmt: skip
    params = {k: v for k, v in (("state", raw_state), ("department", department)) if v}
    departments = choosable_departments(principal, desk.directory.targets(), desk.platforms)
    return render(
        request, "supervision.html", principal, page="supervision", found=found,
        params=params, states=[s.value for s in ItemState], departments=departments,
        names={t.code: t.name for t in desk.directory.targets()},
        page_link=lambda n: "?" + urlencode({**params, "page": str(n)}),
    )  # fmt: skip


async def item_page(request: web.Request) -> web.Response:
    principal = await _page_principal(request)
    desk = request.app[DESK]
    item, order = await supervision_desk(desk).get(
        path_id(request, "item_id"), visibility=order_visibility(principal)
    )
    return render(
        request, "supervision_item.html", principal, page="supervision_item", item=item,
        order=order, names={t.code: t.name for t in desk.directory.targets()},
        may_answer=principal.role in UNIT and item.state == ItemState.OPEN.value,
        may_review=principal.role in OVERSIGHT and item.state == ItemState.ANSWERED.value,
        today=china(desk.clock.now()).date(), china=china,
    )  # fmt: skip


async def open_item(request: web.Request) -> web.Response:
    principal = await require_role(request, OVERSIGHT, "open a supervision")
    desk = request.app[DESK]
    body = await json_body(request)
    order_id = int_field(body, "order_id", low=1, high=2**31 - 1)
    if order_id is None:
        raise InvalidInput("order_id is required")
    raw_due = text_field(body, "due_date", required=True, max_length=10) or ""
    try:
        due = date.fromisoformat(raw_due)
    except ValueError:
        raise InvalidInput("due_date must be a date like 2026-12-01") from None
    item = await supervision_desk(desk).open(
        order_id, reason=text_field(body, "reason", required=True) or "", due=due,
        actor=principal.name, visibility=order_visibility(principal),
    )  # fmt: skip
    return web.json_response(item_json(item), status=201)


async def answer_item(request: web.Request) -> web.Response:
    principal = await require_role(request, UNIT, "answer a supervision")
    body = await json_body(request)
    item = await supervision_desk(request.app[DESK]).answer(
        path_id(request, "item_id"), text=text_field(body, "answer", required=True) or "",
        actor=principal.name, visibility=order_visibility(principal),
    )  # fmt: skip
    return web.json_response(item_json(item))


async def _review(request: web.Request, *, close: bool) -> web.Response:
    principal = await require_role(request, OVERSIGHT, "review a supervision")
    body = await json_body(request)
    review = text_field(body, "review") or ""
    service = supervision_desk(request.app[DESK])
    item_id = path_id(request, "item_id")
    # A supervisor bound to a platform reviews the items of the orders they see only.
    seen = order_visibility(principal)
    if close:
        item = await service.close(item_id, review=review, actor=principal.name, visibility=seen)
    else:
        item = await service.send_back(item_id, review=review, actor=principal.name,
                                       visibility=seen)  # fmt: skip
    return web.json_response(item_json(item))


async def close_item(request: web.Request) -> web.Response:
    return await _review(request, close=True)


async def send_back_item(request: web.Request) -> web.Response:
    return await _review(request, close=False)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/desk/supervision", list_page),
        web.get("/desk/supervision/{item_id}", item_page),
        web.post("/api/supervision", open_item),
        web.post("/api/supervision/{item_id}/answer", answer_item),
        web.post("/api/supervision/{item_id}/close", close_item),
        web.post("/api/supervision/{item_id}/send-back", send_back_item),
    ]
