"""The operator's own seat and the screen pop, over HTTP and SSE, on routing's live store."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import pytest
from aiohttp import ClientResponse

from ivr.checkpoints import CALL_PREFIX
from routing import LiveStore, Presence, QueueEntry, RedisStore, SeatState
from tests.agent_desk.conftest import DEPT_A, DeskHarness
from tests.routing.conftest import fresh_namespace
from tests.servers import redis_server


async def next_event(stream: ClientResponse, kind: str) -> dict[str, Any]:
    """The data of the next `kind` event on an SSE stream (fails after 5 real seconds)."""
    async with asyncio.timeout(5):
        current = ""
        while True:
            line = (await stream.content.readline()).decode().rstrip("\n")
            if line.startswith("event: "):
                current = line.removeprefix("event: ")
            elif line.startswith("data: ") and current == kind:
                data: dict[str, Any] = json.loads(line.removeprefix("data: "))
                return data


async def test_an_operator_sits_at_a_free_seat_of_the_site(harness: DeskHarness) -> None:
    mine = await (await harness.call("GET", "/api/my-seat", as_user="op1")).json()
    assert mine["site"]["name"] == "临江市"
    assert mine["seat"] is None
    free = [seat["id"] for seat in mine["free"]]
    assert "lj-04" in free
    assert all(seat.startswith("lj-") for seat in free)  # only the operator's site
    sat = await (await harness.call("POST", "/api/my-seat", as_user="op1",
                                    json={"seat_id": "lj-04"})).json()  # fmt: skip
    assert (sat["seat"]["id"], sat["seat"]["state"]) == ("lj-04", "available")
    # Taken: gone from the next operator's free seats, and refused if asked for.
    other = await (await harness.call("GET", "/api/my-seat", as_user="sup1")).json()
    assert "lj-04" not in [seat["id"] for seat in other["free"]]
    refused = await harness.call("POST", "/api/my-seat", as_user="sup1", json={"seat_id": "lj-04"})
    assert refused.status == 409
    assert (await refused.json())["error"]["code"] == "seat-taken"
    await harness.call("POST", "/api/my-seat/state", as_user="op1", json={"state": "break"})
    assert harness.desk.seats is not None
    assert (await harness.desk.seats.presence.seat("lj-04")).state is SeatState.BREAK
    left = await (await harness.call("POST", "/api/my-seat/leave", as_user="op1")).json()
    assert left["seat"] is None
    assert (await harness.desk.seats.presence.seat("lj-04")).state is SeatState.OFFLINE


async def test_a_deactivated_operators_seat_is_freed_and_rings_no_more(
    harness: DeskHarness,
) -> None:
    await harness.call("POST", "/api/my-seat", as_user="op1", json={"seat_id": "lj-04"})
    assert harness.desk.seats is not None
    assert (await harness.desk.seats.presence.seat("lj-04")).state is SeatState.AVAILABLE
    ids = {p.name: p.user_id for p in await harness.desk.auth.users()}
    response = await harness.call("PATCH", f"/api/users/{ids['op1']}", as_user="admin1",
                                  json={"active": False})  # fmt: skip
    assert response.status == 200
    assert (await harness.desk.seats.presence.seat("lj-04")).state is SeatState.OFFLINE
    assert await harness.desk.occupants.occupant("lj-04") is None
    other = await (await harness.call("GET", "/api/my-seat", as_user="sup1")).json()
    assert "lj-04" in [seat["id"] for seat in other["free"]]


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as (url, _process, _port):
        yield url


@pytest.fixture(params=["one-process", pytest.param("two-controllers", marks=pytest.mark.redis)])
async def controller_store(
    request: pytest.FixtureRequest, harness: DeskHarness
) -> AsyncIterator[LiveStore]:
    """The live store as a controller writes it: the desk's own, or another process's
    connection to the Redis the desk reads (the pop must cross processes)."""
    seats = harness.desk.seats
    assert seats is not None
    if request.param == "one-process":
        assert seats.store is not None
        yield seats.store
        return
    url: str = request.getfixturevalue("redis_url")
    namespace = fresh_namespace()
    desk_side = RedisStore(url=url, clock=harness.clock, namespace=namespace)
    controller_side = RedisStore(url=url, clock=harness.clock, namespace=namespace)
    presence = Presence(store=desk_side, sites=seats.sites)
    await presence.define_seats()
    harness.desk.seats = replace(seats, presence=presence, store=desk_side)
    try:
        yield controller_side
    finally:
        await controller_side.close()
        await desk_side.close()


async def test_a_call_ringing_the_seat_pops_with_this_calls_path_and_history(
    harness: DeskHarness, controller_store: LiveStore
) -> None:
    earlier = {"order_type": "complaint", "subject": "上次的噪音投诉",
               "caller_number": "13800000042"}  # fmt: skip
    await harness.call("POST", "/api/orders", as_user="op1", json=earlier)
    await harness.call("POST", "/api/my-seat", as_user="op1", json={"seat_id": "lj-02"})
    stream = await harness.call("GET", "/api/my-seat/events", as_user="op1")
    assert (await next_event(stream, "seat"))["state"] == "available"
    store = controller_store
    # What a controller does: checkpoint the call's log, queue it, ring the longest-idle seat.
    steps = [{"t": 1.0, "step": "lookup", "keys": "425", "results": [DEPT_A]},
             {"t": 3.0, "step": "transfer", "to": "voicemail", "why": "busy"},
             {"t": 3.5, "step": "voicemail", "to": "operator", "why": "recording refused"},
             {"t": 4.0, "step": "queued", "site": "linjiang"}]  # fmt: skip
    await store.save_checkpoint(CALL_PREFIX + "call-9", {"log": {
        "caller_number": "13800000042", "hotline_number": "12345",
        "department_code": DEPT_A, "steps": steps}})  # fmt: skip
    await store.enqueue(QueueEntry(call_id="call-9", caller="13800000042", site="linjiang",
                                   enqueued_at=0.0, hotline_number="12345"))  # fmt: skip
    for seat in ("lj-01", "lj-03"):  # other seats are offline: lj-02 is the one free
        assert (await store.seat(seat)).state is SeatState.OFFLINE  # type: ignore[union-attr]
    assert await store.claim_longest_idle_seat("linjiang", "call-9") == "lj-02"
    pop = await next_event(stream, "pop")
    stream.close()
    assert pop["call_id"] == "call-9"
    assert (pop["caller_number"], pop["hotline_number"]) == ("13800000042", "12345")
    assert pop["department_code"] == DEPT_A
    assert pop["path"] == ["按键 425", "临江市公安局", "占线", "转人工", "排队"]
    assert [o["subject"] for o in pop["orders"]] == ["上次的噪音投诉"]


async def test_call_backs_are_the_sites_newest_first_a_page_at_a_time(harness: DeskHarness) -> None:
    assert harness.desk.seats is not None
    callbacks = harness.desk.seats.callbacks
    for n in range(12):
        harness.clock.advance(minutes=1)
        await callbacks.add(caller=f"1390000{n:04d}", site="linjiang", hotline_number="12345",
                            call_id=f"c-{n}", reason="abandoned")  # fmt: skip
    await callbacks.add(caller="13911112222", site="qingshan", hotline_number="12345",
                        call_id="c-q", reason="abandoned")  # fmt: skip
    first = await (await harness.call("GET", "/api/my-seat/callbacks", as_user="op1")).json()
    assert (first["site"], first["total"], first["pages"]) == ("linjiang", 12, 2)
    assert [c["caller"] for c in first["callbacks"][:2]] == ["13900000011", "13900000010"]
    second = await (
        await harness.call("GET", "/api/my-seat/callbacks?page=2", as_user="op1")
    ).json()
    assert [c["caller"] for c in second["callbacks"]] == ["13900000001", "13900000000"]
