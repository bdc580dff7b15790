"""Seat presence: sign in and out, breaks, wrap-up that ends by itself, endpoint state."""

from __future__ import annotations

from datetime import datetime

import pytest

from base.clock import CHINA_TZ, ScaledClock
from routing.presence import Presence, SeatStateConflict
from routing.sites import load_sites
from routing.store import InMemoryStore, LiveStore, SeatState


@pytest.fixture
async def presence(store: LiveStore) -> Presence:
    presence = Presence(store=store, sites=load_sites())
    await presence.define_seats()
    return presence


async def test_seats_from_the_sites_file_start_offline(presence: Presence) -> None:
    seats = await presence.site_seats("linjiang")
    assert len(seats) == 12
    assert {seat.state for seat in seats} == {SeatState.OFFLINE}
    assert len(await presence.site_seats("qingshan")) == 6
    assert len(await presence.site_seats("baisha")) == 4


async def test_sign_in_break_and_sign_out(presence: Presence) -> None:
    assert (await presence.sign_in("lj-01")).state is SeatState.AVAILABLE
    with pytest.raises(SeatStateConflict) as raised:
        await presence.sign_in("lj-01")
    assert raised.value.to_json()["error"]["code"] == "seat-state-conflict"
    assert (await presence.take_break("lj-01")).state is SeatState.BREAK
    assert (await presence.available("lj-01")).state is SeatState.AVAILABLE
    out = await presence.sign_out("lj-01")
    assert out.state is SeatState.OFFLINE
    assert out.reason == "signed_out"


async def test_operator_on_a_call_cannot_sign_out(presence: Presence, store: LiveStore) -> None:
    await presence.sign_in("bs-01")
    assert await store.claim_longest_idle_seat("baisha", "call-1") == "bs-01"
    await presence.on_call("bs-01", "call-1")
    with pytest.raises(SeatStateConflict):
        await presence.sign_out("bs-01")
    with pytest.raises(SeatStateConflict):
        await presence.on_call("bs-01", "another-call")


async def test_wrap_up_ends_after_the_sites_seconds_on_a_fast_clock() -> None:
    # Store and presence read one clock; at 600x, 30 s of wrap-up pass in 50 ms.
    fast = ScaledClock(start=datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ), speed=600)
    local = InMemoryStore(clock=fast)
    presence = Presence(store=local, sites=load_sites())
    await presence.define_seats()
    await presence.sign_in("bs-02")
    await local.claim_longest_idle_seat("baisha", "call-1", ())
    await presence.on_call("bs-02", "call-1")
    started = fast.monotonic()
    assert (await presence.wrap_up("bs-02", "call-1")).state is SeatState.WRAP_UP
    while (await presence.seat("bs-02")).state is SeatState.WRAP_UP:
        await fast.sleep(1)
    waited = fast.monotonic() - started
    assert 30 <= waited < 33


async def test_endpoint_offline_and_back_online(presence: Presence) -> None:
    await presence.sign_in("qs-03")
    down = await presence.endpoint_state_changed("PJSIP/seat-qs-03", "offline")
    assert down is not None
    assert down.state is SeatState.OFFLINE
    assert down.reason == "endpoint"
    up = await presence.endpoint_state_changed("PJSIP/seat-qs-03", "online")
    assert up is not None
    assert up.state is SeatState.AVAILABLE
    assert await presence.endpoint_state_changed("PJSIP/not-a-seat", "offline") is None


async def test_endpoint_online_does_not_sign_in_a_signed_out_operator(presence: Presence) -> None:
    await presence.endpoint_state_changed("PJSIP/seat-qs-04", "offline")
    await presence.endpoint_state_changed("PJSIP/seat-qs-04", "online")
    # The seat was offline because nobody signed in, not because of the endpoint.
    assert (await presence.seat("qs-04")).state is SeatState.OFFLINE
    await presence.sign_in("qs-04")
    await presence.sign_out("qs-04")
    await presence.endpoint_state_changed("PJSIP/seat-qs-04", "online")
    assert (await presence.seat("qs-04")).state is SeatState.OFFLINE
