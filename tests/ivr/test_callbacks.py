"""The operator's callback placed through ARI: seat first, then the caller, bridged, and
noted on the callback list."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from base.errors import InvalidInput
from ivr.callbacks import CallbackDialer
from routing import CallbackRequest, SeatState
from tests.ivr.flow.conftest import Harness
from tests.ivr.flow.routing_harness import Start, queue_hotlines, routing_of

SEAT = "PJSIP/seat-lj-01"
CALLER = "13900000042"
CALLER_LINE = f"PJSIP/{CALLER}@trunk"


@pytest.fixture
async def start(tmp_path: Path) -> AsyncIterator[Start]:
    async with queue_hotlines(tmp_path, tmp_path / "prompts") as started:
        yield started


def dialer_of(hotline: Harness) -> CallbackDialer:
    assert hotline.running.call_control is not None
    return hotline.running.call_control


async def missed_call(hotline: Harness) -> CallbackRequest:
    entry = await routing_of(hotline).callbacks.add(
        caller=CALLER, site="linjiang", hotline_number="12345", call_id="c-1", reason="abandoned"
    )
    assert entry is not None
    return entry


async def test_an_answered_callback_is_bridged_and_closes_the_entry(start: Start) -> None:
    async with start(seat_plan={"linjiang": 1}) as hotline:
        entry = await missed_call(hotline)
        hotline.sim.set_endpoint(CALLER_LINE, "answer:2", hangup_after=20)
        dialer = dialer_of(hotline)
        callback_id = await dialer.originate_callback(
            from_endpoint=SEAT, to_number=CALLER, note="回访"
        )
        assert (await routing_of(hotline).presence.seat("lj-01")).state is SeatState.BREAK
        attempt = await dialer.wait(callback_id)
        assert attempt is not None
        assert attempt.result == "answered"
        assert attempt.talk_s is not None
        assert 18 <= attempt.talk_s <= 22
        after = await routing_of(hotline).callbacks.entry_for(CALLER, entry.day)
        assert after is not None
        assert (after.attempts, after.status, after.done_by) == (1, "done", "lj-01")
        assert after.note == "回访；已接通"
        # the seat is back in the queue's hands, and nothing is left on the PBX
        assert (await routing_of(hotline).presence.seat("lj-01")).state is SeatState.AVAILABLE
        summary = hotline.sim.summary()
        assert (summary["channels"], summary["bridges"]) == ([], [])


async def test_a_busy_caller_counts_as_an_attempt_and_stays_pending(start: Start) -> None:
    async with start(seat_plan={"linjiang": 1}) as hotline:
        entry = await missed_call(hotline)
        hotline.sim.set_endpoint(CALLER_LINE, "busy")
        dialer = dialer_of(hotline)
        attempt = await dialer.wait(
            await dialer.originate_callback(from_endpoint=SEAT, to_number=CALLER, note="")
        )
        assert attempt is not None
        assert attempt.result == "BUSY"
        after = await routing_of(hotline).callbacks.entry_for(CALLER, entry.day)
        assert after is not None
        assert (after.attempts, after.status, after.note) == (1, "pending", "未接通（BUSY）")


async def test_an_operator_who_does_not_pick_up_leaves_the_list_untouched(start: Start) -> None:
    async with start(seat_plan={"linjiang": 1}) as hotline:
        entry = await missed_call(hotline)
        hotline.sim.set_endpoint(SEAT, "noanswer")
        dialer = dialer_of(hotline)
        attempt = await dialer.wait(
            await dialer.originate_callback(from_endpoint=SEAT, to_number=CALLER, note="")
        )
        assert attempt is not None
        assert attempt.result == "seat_unanswered"
        after = await routing_of(hotline).callbacks.entry_for(CALLER, entry.day)
        assert after is not None
        assert after.attempts == 0
        assert CALLER_LINE not in [c.endpoint for c in hotline.sim.channels.values()]


async def test_bad_numbers_and_endpoints_are_refused(start: Start) -> None:
    async with start(seat_plan={"linjiang": 1}) as hotline:
        dialer = dialer_of(hotline)
        with pytest.raises(InvalidInput):
            await dialer.originate_callback(from_endpoint=SEAT, to_number="12ab", note="")
        with pytest.raises(InvalidInput):
            await dialer.originate_callback(from_endpoint="seat", to_number=CALLER, note="")
