"""The operator's own seat: sit at a free seat of the site, change presence, leave; and the
live stream that pops each call ringing that seat (SSE).

The stream reads the seat from routing's live store several times a second. The store is
what every controller writes (Redis when there are several), so a call one controller
rings at this seat pops here whichever process serves the page.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web

from agent_desk import audit
from agent_desk.auth import Principal
from agent_desk.calls import CallHistory
from agent_desk.desk import DESK, Desk
from agent_desk.http.common import json_body, text_field
from agent_desk.http.pages import LANG_COOKIE
from agent_desk.i18n import MESSAGES, language
from agent_desk.order_messages import ORDER_MESSAGES
from agent_desk.permissions import Action, authorize, order_visibility
from agent_desk.screen_pop import call_facts, screen_pop
from agent_desk.seats import SeatDesk, seat_json
from agent_desk.timeutil import china
from base.errors import InvalidInput, NotFound, ServiceUnavailable
from routing import SeatState, SeatStateConflict, Site

logger = logging.getLogger(__name__)
POLL_S = 0.25  # how often the stream looks at the seat: a pop shows within well under 1 s
KEEPALIVE_S = 15.0
CALL_STATES = frozenset({SeatState.RINGING, SeatState.ON_CALL})


def _seats(desk: Desk) -> SeatDesk:
    if desk.seats is None:
        raise ServiceUnavailable("operator seats are not running (no sites are loaded)")
    return desk.seats


def home_site(desk: Desk, seats: SeatDesk) -> Site:
    """The operator's site: the one of the desk's home city (the first site otherwise)."""
    for site in seats.sites.sites:
        if site.name == desk.directory.home_city:
            return site
    return seats.sites.sites[0]


async def _mine(desk: Desk, seats: SeatDesk, principal: Principal) -> dict[str, Any]:
    site = home_site(desk, seats)
    held = await desk.occupants.seat_of(principal.user_id)
    taken = await desk.occupants.everyone()
    records = {r.seat_id: r for r in await seats.presence.site_seats(site.id)}
    free = [
        {"id": seat.id, "endpoint": seat.endpoint}
        for seat in site.seats
        if seat.enabled and seat.id not in taken
        and (r := records.get(seat.id)) is not None and r.state is SeatState.OFFLINE
    ]  # fmt: skip
    mine = None
    if held is not None:
        record = await seats.presence.seat(held)
        mine = seat_json(record, seats.sites.seat(held).endpoint)
    return {"site": {"id": site.id, "name": site.name}, "seat": mine, "free": free}


async def my_seat(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.SEATS)
    desk = request.app[DESK]
    return web.json_response(await _mine(desk, _seats(desk), principal))


async def sit(request: web.Request) -> web.Response:
    """Sit at a free seat of the site: the seat is the user's and signs in (available)."""
    principal = await authorize(request, Action.SEATS)
    desk = request.app[DESK]
    seats = _seats(desk)
    body = await json_body(request)
    seat_id = text_field(body, "seat_id", required=True, max_length=32) or ""
    site = home_site(desk, seats)
    if seat_id not in {seat.id for seat in site.seats if seat.enabled}:
        raise NotFound(f"no seat {seat_id!r} at {site.name}")
    now = china(desk.clock.now())
    previous = await desk.occupants.move(seat_id, principal.user_id, at=now)
    if previous is not None and previous != seat_id:
        # A seat still on a call cannot sign out; it is no longer theirs either way.
        with contextlib.suppress(SeatStateConflict):
            await seats.presence.sign_out(previous)
    record = await seats.presence.seat(seat_id)
    if record.state is SeatState.OFFLINE:
        await seats.presence.sign_in(seat_id)
    async with desk.sessions() as session:
        audit.record(session, at=now, actor=principal.name, action="seat.sit", target=seat_id,
                     detail=site.id)  # fmt: skip
        await session.commit()
    return web.json_response(await _mine(desk, seats, principal))


async def my_state(request: web.Request) -> web.Response:
    """Break or back to available, on the user's own seat."""
    principal = await authorize(request, Action.SEATS)
    desk = request.app[DESK]
    seats = _seats(desk)
    body = await json_body(request)
    state = text_field(body, "state", required=True, max_length=16) or ""
    held = await desk.occupants.seat_of(principal.user_id)
    if held is None:
        raise InvalidInput("sit at a seat first")
    if state == "break":
        await seats.presence.take_break(held)
    elif state == "available":
        await seats.presence.available(held)
    else:
        raise InvalidInput("state must be available or break")
    return web.json_response(await _mine(desk, seats, principal))


async def free_seat(desk: Desk, user_id: int) -> str | None:
    """The user leaves their seat and it stops taking calls; returns the seat they had.

    A seat on a call keeps its call (the caller is not cut off) and loses its occupant,
    so no console pops its next one; a supervisor signs it out on the seat board after."""
    seat_id = await desk.occupants.leave(user_id, at=china(desk.clock.now()))
    if seat_id is not None and desk.seats is not None:
        try:
            await desk.seats.presence.sign_out(seat_id)
        except SeatStateConflict:
            logger.info("seat %s left during a call: it keeps the call", seat_id)
    return seat_id


async def leave(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.SEATS)
    desk = request.app[DESK]
    seats = _seats(desk)
    await free_seat(desk, principal.user_id)
    return web.json_response(await _mine(desk, seats, principal))


def translator_for(request: web.Request) -> Any:
    """The words of the user's language (the page's cookie) for text built on the server."""
    lang = language(request.cookies.get(LANG_COOKIE))
    catalogue = {**MESSAGES["zh"], **ORDER_MESSAGES["zh"], **MESSAGES[lang],
                 **ORDER_MESSAGES[lang]}  # fmt: skip
    return lambda key: catalogue.get(key, key)


async def _send(response: web.StreamResponse, kind: str, data: object) -> None:
    text = json.dumps(data, ensure_ascii=False)
    await response.write(f"event: {kind}\ndata: {text}\n\n".encode())


async def seat_events(request: web.Request) -> web.StreamResponse:
    """SSE: `seat` on every presence change of the user's seat, `pop` for each new call."""
    principal = await authorize(request, Action.SEATS)
    desk = request.app[DESK]
    seats = _seats(desk)
    if seats.store is None:
        raise ServiceUnavailable("the live store is not connected to the desk")
    occupants = desk.occupants
    t = translator_for(request)
    names = {target.code: target.name for target in desk.directory.targets()}
    history = CallHistory(desk.sessions)
    response = web.StreamResponse(
        headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"}
    )
    await response.prepare(request)
    last_seen: tuple[str, str, str | None] | None = None
    popped: str | None = None
    idle_s = 0.0
    try:
        await response.write(b"retry: 1000\n\n")
        while not desk.closing.is_set():
            held = await occupants.seat_of(principal.user_id)
            record = await seats.presence.seat(held) if held else None
            seen = (record.seat_id, record.state.value, record.call_id) if record else None
            if seen != last_seen:
                await _send(response, "seat", {"seat": record.seat_id if record else None,
                                               "state": seen[1] if seen else None})  # fmt: skip
                last_seen, idle_s = seen, 0.0
            ringing = record is not None and record.state in CALL_STATES
            if ringing and record is not None and record.call_id and record.call_id != popped:
                facts = await call_facts(seats.store, record.call_id)
                pop = await screen_pop(facts, t=t, names=names, orders=desk.orders, calls=history,
                                       visibility=order_visibility(principal))  # fmt: skip
                await _send(response, "pop", {"seat": record.seat_id, **pop})
                popped = record.call_id
            idle_s += POLL_S
            if idle_s >= KEEPALIVE_S:
                await response.write(b": keep-alive\n\n")
                idle_s = 0.0
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(desk.closing.wait(), POLL_S)
    except ConnectionResetError:
        logger.debug("seat stream of %s closed by the browser", principal.name)
    return response


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/my-seat", my_seat),
        web.post("/api/my-seat", sit),
        web.post("/api/my-seat/state", my_state),
        web.post("/api/my-seat/leave", leave),
        web.get("/api/my-seat/events", seat_events),
    ]
