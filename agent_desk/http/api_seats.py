"""Seat presence and missed-call callbacks at the desk (the operator's side of routing).

An operator changes only the seat they sit at (they take a free seat by making it
available, and leave it by signing out); supervisors and admins change any seat. A
callback rings the asking user's own seat and dials the callback entry's own number:
nothing in the request says what the PBX dials.
"""

from __future__ import annotations

from aiohttp import web
from sqlalchemy import select

from agent_desk import audit
from agent_desk.auth import Principal, Role
from agent_desk.desk import DESK, Desk
from agent_desk.errors import CallControlAbsent
from agent_desk.http.common import json_body, path_id, text_field
from agent_desk.permissions import Action, authorize, order_visibility
from agent_desk.seat_occupants import SeatNotYours, SeatRequired, SeatTaken
from agent_desk.seats import SeatDesk, callback_json, seat_json
from agent_desk.timeutil import china
from base.errors import InvalidInput, NotFound, ServiceUnavailable
from directory import forbidden_reason
from routing import CallbackRequest

SEAT_STATES = ("available", "break", "offline")
OVERSIGHT = frozenset({Role.SUPERVISOR, Role.ADMIN})


def _seats(desk: Desk) -> SeatDesk:
    if desk.seats is None:
        raise ServiceUnavailable("operator seats are not running (no sites are loaded)")
    return desk.seats


async def list_seats(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.SEATS)
    desk = request.app[DESK]
    seats = _seats(desk)
    occupied = await desk.occupants.everyone()
    sites = []
    for site in seats.sites.sites:
        endpoints = {seat.id: seat.endpoint for seat in site.seats}
        records = await seats.presence.site_seats(site.id)
        listed = [
            {**seat_json(r, endpoints.get(r.seat_id, "")), "occupied": r.seat_id in occupied,
             "mine": occupied.get(r.seat_id) == principal.user_id}
            for r in records
        ]  # fmt: skip
        sites.append({"id": site.id, "name": site.name, "seats": listed})
    return web.json_response({"sites": sites})


async def _check_seat_change(desk: Desk, principal: Principal, seat_id: str, state: str) -> bool:
    """Raise unless `principal` may put `seat_id` in `state`; True when they take it."""
    occupant = await desk.occupants.occupant(seat_id)
    if occupant is not None and occupant != principal.user_id and principal.role not in OVERSIGHT:
        raise SeatNotYours(f"seat {seat_id} is another operator's", details={"seat": seat_id})
    if occupant is not None or state != "available":
        if occupant is None and principal.role not in OVERSIGHT:
            raise SeatNotYours(f"sign in at seat {seat_id} (make it available) first",
                               details={"seat": seat_id})  # fmt: skip
        return False
    held = await desk.occupants.seat_of(principal.user_id)
    if held is not None and held != seat_id:
        if principal.role in OVERSIGHT:
            return False  # a supervisor opening someone's seat does not move into it
        raise SeatTaken(f"you are signed in at seat {held}: sign out there first",
                        details={"seat": held})  # fmt: skip
    return True


async def set_seat_state(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.SEATS)
    desk = request.app[DESK]
    seats = _seats(desk)
    seat_id = request.match_info["seat_id"]
    body = await json_body(request)
    state = text_field(body, "state", required=True, max_length=16) or ""
    if state not in SEAT_STATES:
        raise InvalidInput(f"state must be one of {', '.join(SEAT_STATES)}, got {state!r}")
    if seat_id not in {seat.id for site in seats.sites.sites for seat in site.seats}:
        raise NotFound(f"no seat {seat_id[:64]!r}")
    now = china(desk.clock.now())
    if await _check_seat_change(desk, principal, seat_id, state):
        await desk.occupants.claim(seat_id, principal.user_id, at=now)
    current = await seats.presence.seat(seat_id)
    if state == "break":
        record = await seats.presence.take_break(seat_id)
    elif state == "offline":
        record = await seats.presence.sign_out(seat_id)
        await desk.occupants.release(seat_id, at=now)
    elif current.state.value in ("offline",):
        record = await seats.presence.sign_in(seat_id)
    else:
        record = await seats.presence.available(seat_id)
    async with desk.sessions() as session:
        audit.record(session, at=now, actor=principal.name,
                     action="seat.state", target=seat_id, detail=state)  # fmt: skip
        await session.commit()
    endpoints = {seat.id: seat.endpoint for seat in seats.sites.site(record.site).seats}
    return web.json_response(seat_json(record, endpoints.get(seat_id, "")))


async def list_callbacks(request: web.Request) -> web.Response:
    await authorize(request, Action.SEATS)
    seats = _seats(request.app[DESK])
    site = request.query.get("site") or None
    if site is not None and site not in {known.id for known in seats.sites.sites}:
        return web.json_response({"callbacks": []})  # a filter no entry matches
    entries = await seats.callbacks.pending(site)
    return web.json_response({"callbacks": [callback_json(e) for e in entries]})


async def _own_endpoint(desk: Desk, seats: SeatDesk, principal: Principal) -> str:
    seat_id = await desk.occupants.seat_of(principal.user_id)
    seat = next((s for site in seats.sites.sites for s in site.seats if s.id == seat_id), None)
    if seat is None:
        raise SeatRequired("sign in at a seat first: the callback rings your own seat's phone")
    return seat.endpoint


async def call_back(request: web.Request) -> web.Response:
    """Ring the operator's own seat, then the caller's number (through the call controller)."""
    principal = await authorize(request, Action.SEATS)
    desk = request.app[DESK]
    seats = _seats(desk)
    entry_id = path_id(request, "entry_id")
    if request.body_exists:
        body = await json_body(request)
        if body:
            raise InvalidInput("a callback takes no fields: it rings your seat, then the caller",
                               details={"field": sorted(body)[0]})  # fmt: skip
    async with desk.sessions() as session:
        entry = await session.scalar(select(CallbackRequest).where(CallbackRequest.id == entry_id))
    if entry is None:
        raise NotFound(f"no callback {entry_id}")
    reason = forbidden_reason(entry.caller_number)
    if reason:
        raise InvalidInput(f"the caller's number is {reason}: it is not called back",
                           details={"field": "caller"})  # fmt: skip
    endpoint = await _own_endpoint(desk, seats, principal)
    if desk.call_control is None:
        raise CallControlAbsent("the call controller is not connected to Asterisk")
    note = f"{principal.name} 回拨 {entry.caller_number}"
    callback_id = await desk.call_control.originate_callback(
        from_endpoint=endpoint, to_number=entry.caller_number, note=note
    )
    orders = await desk.orders.search(
        visibility=order_visibility(principal), caller_number=entry.caller_number, limit=1
    )
    if orders:
        await desk.orders.add_note(orders[0].id, text=note, actor=principal.name,
                                   visibility=order_visibility(principal))  # fmt: skip
    async with desk.sessions() as session:
        audit.record(session, at=china(desk.clock.now()), actor=principal.name,
                     action="callback.originate", target=str(entry_id),
                     detail=endpoint)  # fmt: skip
        await session.commit()
    return web.json_response(
        {"callback_id": callback_id, "order": orders[0].number if orders else None}, status=202
    )


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/seats", list_seats),
        web.post("/api/seats/{seat_id}/state", set_seat_state),
        web.get("/api/callbacks", list_callbacks),
        web.post("/api/callbacks/{entry_id}/call", call_back),
    ]
