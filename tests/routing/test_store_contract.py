"""One contract for every live store: the in-process one and Redis behave the same."""

from __future__ import annotations

import asyncio

import pytest

from base.clock import ScaledClock
from routing.store import LiveStore, QueueEntry, SeatState
from tests.routing.conftest import advance

ALL_STATES = frozenset(SeatState)


async def staff(store: LiveStore, site: str, *seat_ids: str, skills: tuple[str, ...] = ()) -> None:
    """Define the seats and make them available one after the other."""
    for seat_id in seat_ids:
        await store.define_seat(seat_id, site=site, skills=skills, wrapup_s=30)
        moved = await store.transition_seat(
            seat_id, SeatState.AVAILABLE, allowed_from={SeatState.OFFLINE}
        )
        assert moved is not None


async def test_new_seat_starts_offline_and_keeps_state_when_redefined(store: LiveStore) -> None:
    record = await store.define_seat("lj-01", site="linjiang", skills=["mandarin"], wrapup_s=20)
    assert record.state is SeatState.OFFLINE
    assert record.skills == {"mandarin"}
    await store.transition_seat("lj-01", SeatState.AVAILABLE, allowed_from={SeatState.OFFLINE})
    again = await store.define_seat(
        "lj-01", site="linjiang", skills=["mandarin", "english"], wrapup_s=45
    )
    assert again.state is SeatState.AVAILABLE
    assert again.skills == {"mandarin", "english"}
    assert again.wrapup_s == 45
    assert await store.seat("nobody") is None


async def test_claim_gives_the_longest_idle_seat_and_marks_it_ringing(
    store: LiveStore, clock: ScaledClock
) -> None:
    for seat_id in ("lj-02", "lj-01", "lj-03"):
        await staff(store, "linjiang", seat_id)
        advance(clock, 5)
    first = await store.claim_longest_idle_seat("linjiang", "call-1")
    second = await store.claim_longest_idle_seat("linjiang", "call-2")
    assert (first, second) == ("lj-02", "lj-01")
    seat = await store.seat("lj-02")
    assert seat is not None
    assert seat.state is SeatState.RINGING
    assert seat.call_id == "call-1"
    assert await store.assignment("call-1") == "lj-02"


async def test_claim_is_idempotent_for_a_call_and_none_when_all_busy(store: LiveStore) -> None:
    await staff(store, "qingshan", "qs-01")
    assert await store.claim_longest_idle_seat("qingshan", "call-1") == "qs-01"
    assert await store.claim_longest_idle_seat("qingshan", "call-1") == "qs-01"
    assert await store.claim_longest_idle_seat("qingshan", "call-2") is None
    assert await store.claim_longest_idle_seat("elsewhere", "call-3") is None


async def test_claim_honours_skills(store: LiveStore) -> None:
    await staff(store, "linjiang", "lj-01", skills=("mandarin",))
    await staff(store, "linjiang", "lj-02", skills=("mandarin", "linjiang-dialect"))
    assert await store.claim_longest_idle_seat("linjiang", "c1", ["linjiang-dialect"]) == "lj-02"
    assert await store.claim_longest_idle_seat("linjiang", "c2", ["linjiang-dialect"]) is None
    assert await store.claim_longest_idle_seat("linjiang", "c3", ["mandarin"]) == "lj-01"


async def test_concurrent_claims_never_share_a_seat(store: LiveStore) -> None:
    await staff(store, "linjiang", *(f"lj-{n:02d}" for n in range(5)))
    claims = await asyncio.gather(
        *(store.claim_longest_idle_seat("linjiang", f"call-{n}") for n in range(20))
    )
    given = [seat for seat in claims if seat is not None]
    assert len(given) == 5
    assert len(set(given)) == 5


async def test_transition_checks_the_state_and_the_call(store: LiveStore) -> None:
    await staff(store, "baisha", "bs-01")
    await store.claim_longest_idle_seat("baisha", "call-1")
    assert (
        await store.transition_seat(
            "bs-01", SeatState.ON_CALL, allowed_from={SeatState.RINGING}, expect_call="other"
        )
        is None
    )
    talking = await store.transition_seat(
        "bs-01", SeatState.ON_CALL, allowed_from={SeatState.RINGING}, expect_call="call-1"
    )
    assert talking is not None
    assert talking.state is SeatState.ON_CALL
    assert talking.call_id == "call-1"
    assert (
        await store.transition_seat("bs-01", SeatState.BREAK, allowed_from={SeatState.AVAILABLE})
        is None
    )
    assert await store.transition_seat("nobody", SeatState.BREAK, allowed_from=ALL_STATES) is None


async def test_wrap_up_ends_by_itself_and_the_seat_rings_again(
    store: LiveStore, clock: ScaledClock
) -> None:
    await staff(store, "baisha", "bs-01")
    await store.claim_longest_idle_seat("baisha", "call-1")
    await store.transition_seat("bs-01", SeatState.WRAP_UP, allowed_from={SeatState.RINGING})
    await store.release_assignment("call-1")
    advance(clock, 29)
    seat = await store.seat("bs-01")
    assert seat is not None
    assert seat.state is SeatState.WRAP_UP
    assert await store.claim_longest_idle_seat("baisha", "call-2") is None
    advance(clock, 2)
    seat = await store.seat("bs-01")
    assert seat is not None
    assert seat.state is SeatState.AVAILABLE
    assert await store.claim_longest_idle_seat("baisha", "call-2") == "bs-01"


async def test_seat_back_from_a_call_rings_after_seats_idle_longer(
    store: LiveStore, clock: ScaledClock
) -> None:
    await staff(store, "linjiang", "lj-01")
    advance(clock, 1)
    await staff(store, "linjiang", "lj-02")
    await store.claim_longest_idle_seat("linjiang", "call-1")  # lj-01
    advance(clock, 1)
    back = await store.transition_seat(
        "lj-01", SeatState.AVAILABLE, allowed_from={SeatState.RINGING}, expect_call="call-1"
    )
    assert back is not None
    assert back.call_id is None
    assert await store.claim_longest_idle_seat("linjiang", "call-2") == "lj-02"


async def test_site_seats_lists_only_that_site(store: LiveStore) -> None:
    await staff(store, "linjiang", "lj-02", "lj-01")
    await staff(store, "qingshan", "qs-01")
    assert [seat.seat_id for seat in await store.site_seats("linjiang")] == ["lj-01", "lj-02"]
    await store.define_seat("lj-02", site="qingshan", skills=(), wrapup_s=30)
    assert [seat.seat_id for seat in await store.site_seats("linjiang")] == ["lj-01"]
    assert [seat.seat_id for seat in await store.site_seats("qingshan")] == ["lj-02", "qs-01"]


async def test_queue_keeps_arrival_order_and_ignores_duplicates(store: LiveStore) -> None:
    entries = [
        QueueEntry(call_id=f"c{n}", caller=f"1380000000{n}", site="linjiang", enqueued_at=100 + n)
        for n in (3, 1, 2)
    ]
    for entry in entries:
        await store.enqueue(entry)
    await store.enqueue(QueueEntry(call_id="c1", caller="x", site="linjiang", enqueued_at=1))
    await store.enqueue(
        QueueEntry(
            call_id="q1",
            caller="139",
            site="qingshan",
            enqueued_at=50,
            skills=frozenset({"english"}),
            origin_site="baisha",
            hotline_number="12345",
        )
    )
    assert [e.call_id for e in await store.queue_entries("linjiang")] == ["c1", "c2", "c3"]
    assert (await store.queue_entries("linjiang"))[0].caller == "13800000001"
    taken = await store.dequeue("q1")
    assert taken is not None
    assert taken.origin == "baisha"
    assert taken.skills == {"english"}
    assert await store.dequeue("q1") is None
    assert await store.queue_entries("qingshan") == []
    assert await store.queue_entry("c2") is not None


async def test_assignments_can_be_restored_and_released(store: LiveStore) -> None:
    await store.assign("call-9", "lj-07")
    assert await store.assignment("call-9") == "lj-07"
    assert await store.release_assignment("call-9") == "lj-07"
    assert await store.release_assignment("call-9") is None
    assert await store.assignment("call-9") is None


async def test_counters_and_recent_handling_times(store: LiveStore) -> None:
    assert await store.counters("linjiang") == {}
    await store.increment("linjiang", "offered")
    assert await store.increment("linjiang", "offered", 2) == 3
    await store.increment("linjiang", "overflowed_out")
    assert await store.counters("linjiang") == {"offered": 3, "overflowed_out": 1}
    for seconds in range(60):
        await store.record_handling_time("linjiang", float(seconds))
    times = await store.handling_times("linjiang")
    assert len(times) == 50
    assert times[0] == 59.0


async def test_checkpoints_round_trip(store: LiveStore) -> None:
    state = {"step": "queued", "site": "linjiang", "tries": ["lj-01"]}
    await store.save_checkpoint("call-1", state)
    state["step"] = "changed later"
    await store.save_checkpoint("call-2", {"step": "ringing"})
    loaded = await store.load_checkpoints()
    assert loaded["call-1"] == {"step": "queued", "site": "linjiang", "tries": ["lj-01"]}
    await store.delete_checkpoint("call-1")
    assert set(await store.load_checkpoints()) == {"call-2"}


async def test_a_checkpoint_that_is_not_json_is_refused(store: LiveStore) -> None:
    with pytest.raises(TypeError):
        await store.save_checkpoint("call-1", {"step": "queued", "at": object()})
    assert await store.load_checkpoints() == {}
