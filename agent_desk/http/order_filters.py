"""The query string of an order list (page or JSON) read into an `OrderFilter`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from aiohttp import web

from agent_desk.auth import Principal
from agent_desk.desk import Desk
from agent_desk.http.common import query_text
from agent_desk.orders import Channel, DeadlineLevel, OrderStatus, OrderType, Urgency
from agent_desk.orders.listing import OrderFilter, OrderPage, OrderSort, order_page
from agent_desk.permissions import order_visibility
from agent_desk.timeutil import china
from base.errors import InvalidInput
from base.web import query_int
from directory import DirectoryService

E = TypeVar("E", bound=StrEnum)
OPEN = "open"  # the status filter's value for "any open status"
CHANNELS = tuple(c.value for c in Channel)
# The query parameters a list keeps when it links to another page of itself.
FILTER_PARAMS = ("status", "type", "urgency", "department", "city", "deadline", "channel",
                 "q", "sort", "supervised")  # fmt: skip


@dataclass(frozen=True, slots=True)
class ListRequest:
    filters: OrderFilter
    sort: OrderSort
    page: int
    per_page: int
    params: dict[str, str]  # the filter parameters as given, to build links


def _choice(enum: type[E], request: web.Request, name: str) -> E | None:
    raw = query_text(request, name, max_length=40)
    if raw is None:
        return None
    try:
        return enum(raw)
    except ValueError:
        allowed = ", ".join(e.value for e in enum)
        raise InvalidInput(f"{name} must be one of {allowed}, not {raw!r}") from None


def city_departments(directory: DirectoryService, city: str) -> frozenset[str]:
    codes = frozenset(t.code for t in directory.targets() if t.city == city)
    if not codes:
        raise InvalidInput(f"no city {city[:40]!r} in the directory")
    return codes


def read_list_request(
    request: web.Request, directory: DirectoryService, *, per_page: int = 25
) -> ListRequest:
    """The filters, sort and page of an order list; a value outside its choices is an error."""
    raw_status = query_text(request, "status", max_length=40)
    open_only = raw_status == OPEN
    status = None if open_only or raw_status is None else _choice(OrderStatus, request, "status")
    city = query_text(request, "city", max_length=40)
    channel = query_text(request, "channel", max_length=16)
    if channel is not None and channel not in CHANNELS:
        raise InvalidInput(f"channel must be one of {', '.join(CHANNELS)}")
    supervised_raw = query_text(request, "supervised", max_length=5)
    filters = OrderFilter(
        status=status,
        open_only=open_only,
        order_type=_choice(OrderType, request, "type"),
        urgency=_choice(Urgency, request, "urgency"),
        department_code=query_text(request, "department", max_length=128),
        departments=city_departments(directory, city) if city else None,
        deadline=_choice(DeadlineLevel, request, "deadline"),
        channel=channel,
        text=query_text(request, "q", max_length=100),
        supervised=None if supervised_raw is None else supervised_raw in {"1", "true", "yes"},
    )
    params = {name: request.query[name] for name in FILTER_PARAMS if request.query.get(name)}
    return ListRequest(
        filters=filters,
        sort=_choice(OrderSort, request, "sort") or OrderSort.DUE,
        page=query_int(request, "page", 1, low=1, high=100_000),
        per_page=query_int(request, "per_page", per_page, low=1, high=100),
        params=params,
    )


async def find_orders(
    desk: Desk,
    principal: Principal,
    *,
    filters: OrderFilter,
    sort: OrderSort,
    page: int = 1,
    per_page: int = 25,
) -> OrderPage:
    """One page of the orders `principal` may see under `filters` (lists, inbox, 并单)."""
    async with desk.sessions() as session:
        return await order_page(
            session, filters=filters, visibility=order_visibility(principal),
            today=china(desk.clock.now()).date(), policy=desk.orders.deadlines,
            sort=sort, page=page, per_page=per_page,
        )  # fmt: skip


async def listed_orders(desk: Desk, principal: Principal, listing: ListRequest) -> OrderPage:
    """The page an order list request (`read_list_request`) asks for."""
    return await find_orders(
        desk, principal, filters=listing.filters, sort=listing.sort, page=listing.page,
        per_page=listing.per_page,
    )  # fmt: skip
