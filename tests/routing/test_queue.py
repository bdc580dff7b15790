"""The operator queue over both stores: offers, ring timeouts, answers, overflow, abandonment."""

from __future__ import annotations

import pytest

from base.clock import ScaledClock
from routing.presence import Presence
from routing.queue import NotQueued, OperatorQueue, QueuedCall
from routing.sites import load_sites
from routing.store import LiveStore, SeatState
from tests.routing.conftest import advance


@pytest.fixture
async def presence(store: LiveStore) -> Presence:
    presence = Presence(store=store, sites=load_sites())
    await presence.define_seats()
    return presence


@pytest.fixture
def queue(store: LiveStore, clock: ScaledClock) -> OperatorQueue:
    return OperatorQueue(store=store, sites=load_sites(), clock=clock)


def call(n: int, site: str = "baisha", *skills: str) -> QueuedCall:
    return QueuedCall(
        call_id=f"call-{n}",
        caller=f"1390000{n:04d}",
        site=site,
        hotline_number="12345",
        skills=frozenset(skills),
    )


async def test_one_call_rings_the_longest_idle_seat_and_is_answered(
    queue: OperatorQueue, presence: Presence, clock: ScaledClock
) -> None:
    await presence.sign_in("bs-03")
    advance(clock, 1)
    await presence.sign_in("bs-01")
    await queue.enqueue(call(1))
    assert await queue.position("call-1") == 1
    offer = await queue.next_offer("call-1")
    assert offer is not None
    assert (offer.seat_id, offer.endpoint) == ("bs-03", "PJSIP/seat-bs-03")
    assert not offer.overflowed
    assert offer.origin_site == "baisha"
    advance(clock, 4)
    connected = await queue.answered("call-1", "bs-03")
    assert connected.queue_wait_s == pytest.approx(4, abs=0.5)
    assert (await presence.seat("bs-03")).state is SeatState.ON_CALL
    with pytest.raises(NotQueued):
        await queue.position("call-1")
    advance(clock, 120)
    seat = await queue.finished("call-1")
    assert seat is not None
    assert seat.state is SeatState.WRAP_UP
    assert await queue.expected_wait_s("baisha") == 0.0  # bs-01 is free


async def test_ring_timeout_moves_on_to_the_next_seat(
    queue: OperatorQueue, presence: Presence, clock: ScaledClock
) -> None:
    await presence.sign_in("bs-01")
    advance(clock, 1)
    await presence.sign_in("bs-02")
    await queue.enqueue(call(1))
    first = await queue.next_offer("call-1")
    assert first is not None
    assert first.seat_id == "bs-01"
    await queue.ring_timed_out("call-1", "bs-01")
    second = await queue.next_offer("call-1")
    assert second is not None
    assert second.seat_id == "bs-02"
    assert (await presence.seat("bs-01")).state is SeatState.AVAILABLE


async def test_callers_are_served_in_arrival_order(
    queue: OperatorQueue, presence: Presence
) -> None:
    for n in (1, 2):
        await queue.enqueue(call(n))
    await presence.sign_in("bs-01")
    # Only one seat is free and call-1 came first: call-2 must wait even if it asks first.
    assert await queue.next_offer("call-2") is None
    offer = await queue.next_offer("call-1")
    assert offer is not None
    assert await queue.position("call-2") == 2


async def test_expected_wait_uses_recent_handling_times(
    queue: OperatorQueue, presence: Presence, store: LiveStore
) -> None:
    for seat_id in ("bs-01", "bs-02"):
        await presence.sign_in(seat_id)
    for n in (1, 2):
        await queue.enqueue(call(n))
        offer = await queue.next_offer(f"call-{n}")
        assert offer is not None
        await queue.answered(f"call-{n}", offer.seat_id)
    for n in (3, 4, 5):
        await queue.enqueue(call(n))
    # A new caller has 3 ahead and 2 seats: two rounds of the default handling time.
    assert await queue.expected_wait_s("baisha") == 2 * 180.0
    await store.record_handling_time("baisha", 100)
    await store.record_handling_time("baisha", 200)
    assert await queue.expected_wait_s("baisha", "call-3") == 150.0
    assert await queue.expected_wait_s("baisha", "call-5") == 2 * 150.0


async def test_busy_site_overflows_to_its_first_neighbour_after_the_wait_threshold(
    queue: OperatorQueue, presence: Presence, clock: ScaledClock, store: LiveStore
) -> None:
    await presence.sign_in("qs-01")  # baisha has nobody signed in
    await queue.enqueue(call(1))
    assert await queue.next_offer("call-1") is None  # 0 s waited: stays home
    advance(clock, 20)
    assert await queue.next_offer("call-1") is None  # still under baisha's 25 s threshold
    await presence.sign_in("lj-05")
    advance(clock, 6)
    offer = await queue.next_offer("call-1")
    assert offer is not None
    assert (offer.seat_id, offer.seat_site, offer.overflow_to) == ("lj-05", "linjiang", "linjiang")
    assert offer.origin_site == "baisha"
    connected = await queue.answered("call-1", "lj-05")
    assert connected.offer.overflow_to == "linjiang"
    counters = await store.counters("baisha")
    assert [v for k, v in counters.items() if k.startswith("overflowed_out")] == [1]
    # Qingshan (baisha's second neighbour, 45 s) was not needed.
    assert (await presence.seat("qs-01")).state is SeatState.AVAILABLE


async def test_abandoned_caller_frees_the_ringing_seat_and_leaves_the_queue(
    queue: OperatorQueue, presence: Presence
) -> None:
    await presence.sign_in("bs-01")
    await queue.enqueue(call(1))
    await queue.enqueue(call(2))
    assert await queue.next_offer("call-1") is not None
    entry = await queue.abandoned("call-1")
    assert entry is not None
    assert (entry.caller, entry.hotline_number, entry.site) == ("13900000001", "12345", "baisha")
    assert (await presence.seat("bs-01")).state is SeatState.AVAILABLE
    assert await queue.position("call-2") == 1
    assert await queue.abandoned("call-1") is None


async def test_hang_up_after_answer_puts_the_seat_in_wrap_up(
    queue: OperatorQueue, presence: Presence
) -> None:
    await presence.sign_in("bs-01")
    await queue.enqueue(call(1))
    offer = await queue.next_offer("call-1")
    assert offer is not None
    await queue.answered("call-1", offer.seat_id)
    assert await queue.abandoned("call-1") is None
    assert (await presence.seat("bs-01")).state is SeatState.WRAP_UP


async def test_skills_limit_the_seats_offered(queue: OperatorQueue, presence: Presence) -> None:
    await presence.sign_in("bs-02")  # mandarin only
    await presence.sign_in("bs-03")  # mandarin and baisha-dialect
    await queue.enqueue(call(1, "baisha", "baisha-dialect"))
    offer = await queue.next_offer("call-1")
    assert offer is not None
    assert offer.seat_id == "bs-03"
