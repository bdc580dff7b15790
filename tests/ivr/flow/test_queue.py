"""The operator queue over the PBX simulator: seats answering, ringing out, overflow,
abandonment onto the callback list, keys 1 and 2 while waiting, two controllers sharing
seats through one Redis, and a Redis outage mid-queue."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from directory import import_csv
from hotline.bootstrap import Components, build_components
from hotline.clock import ScaledClock
from hotline.config import Settings
from hotline.migrate import upgrade_async
from hotline.routing_wiring import ALL_SEATS, Routing
from hotline.runtime import run_embedded
from ivr.flow.hold import DEFAULT_HOLD_MUSIC
from ivr.prompts import Hotline, PromptCatalog
from routing import SeatState
from tests.conftest import SAMPLE_DIRECTORY
from tests.ivr.flow.conftest import OPEN_HOURS, SPEED, Harness

NO_SEATS = {"linjiang": 0, "qingshan": 0, "baisha": 0}
Start = Callable[..., AbstractAsyncContextManager[Harness]]


@asynccontextmanager
async def components_for(settings: Settings, clock: ScaledClock) -> AsyncIterator[Components]:
    await upgrade_async(settings.resolved_database_url)
    async with build_components(settings, clock=clock, load_directory=False) as components:
        await import_csv(SAMPLE_DIRECTORY, components.directory_repository)
        await components.directory.reload()
        yield components


@pytest.fixture
async def start(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Start]:
    """Starts a hotline whose operator is the queue, with `seat_plan` seats signed in."""
    async with AsyncExitStack() as stack:

        @asynccontextmanager
        async def started(
            seat_plan: Mapping[str, int] = ALL_SEATS, **settings: Any
        ) -> AsyncIterator[Harness]:
            config = Settings(data_dir=tmp_path, http_port=0, prompt_cache_dir=str(prompt_cache),
                              **settings)  # fmt: skip
            clock = ScaledClock(start=OPEN_HOURS, speed=SPEED)
            components = await stack.enter_async_context(components_for(config, clock))
            running = await stack.enter_async_context(
                run_embedded(components, clock=clock, sim_port=0, http_port=0, seat_plan=seat_plan)
            )
            yield Harness(running, components, clock)

        yield started


def routing_of(hotline: Harness) -> Routing:
    assert hotline.running.routing is not None
    return hotline.running.routing


def step(record: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in record["steps"] if s["step"] == name)


def assert_nothing_left(hotline: Harness) -> None:
    summary = hotline.sim.summary()
    assert summary["channels"] == []
    assert summary["bridges"] == []
    assert summary["playbacks"] == []


async def test_a_free_seat_answers_and_is_recorded(start: Start) -> None:
    async with start(seat_plan={"linjiang": 2}) as hotline:
        record = await hotline.record_of(hotline.call(keys="0", hangup_after=40))
        assert record["outcome"] == "operator"
        assert record["seat"] == "lj-01"  # equally idle: the lowest seat id rings first
        assert record["overflow_to"] is None
        assert 0 < record["queue_wait_s"] < 15
        assert record["dials"] == [{"endpoint": "PJSIP/seat-lj-01", "dialstatus": "ANSWER"}]
        bridged = step(record, "operator_bridged")
        assert bridged["origin_site"] == "linjiang"
        seat = await routing_of(hotline).presence.seat("lj-01")
        assert seat.state is SeatState.WRAP_UP  # the operator writes the order now
        assert await routing_of(hotline).store.queue_entries("linjiang") == []
        assert_nothing_left(hotline)


@pytest.mark.parametrize(("behaviour", "status"), [("busy", "BUSY"), ("noanswer", "NOANSWER")])
async def test_a_seat_that_does_not_answer_passes_the_call_to_the_next(
    start: Start, behaviour: str, status: str
) -> None:
    async with start(seat_plan={"linjiang": 2}) as hotline:
        hotline.sim.set_endpoint("PJSIP/seat-lj-01", behaviour)
        record = await hotline.record_of(hotline.call(keys="0", hangup_after=60))
        assert record["outcome"] == "operator"
        assert record["seat"] == "lj-02"
        assert record["dials"] == [
            {"endpoint": "PJSIP/seat-lj-01", "dialstatus": status},
            {"endpoint": "PJSIP/seat-lj-02", "dialstatus": "ANSWER"},
        ]
        if status == "NOANSWER":
            assert record["queue_wait_s"] >= 15  # the first seat rang its full 15 s
        seat = await routing_of(hotline).presence.seat("lj-01")
        assert seat.state is SeatState.AVAILABLE  # back in line, behind the others
        assert_nothing_left(hotline)


async def test_a_full_local_site_overflows_to_its_neighbour(start: Start) -> None:
    async with start(seat_plan={"linjiang": 0, "qingshan": 1, "baisha": 0}) as hotline:
        record = await hotline.record_of(hotline.call(keys="0", hangup_after=90))
        assert record["outcome"] == "operator"
        assert record["seat"] == "qs-01"
        assert record["overflow_to"] == "qingshan"
        # linjiang sends callers to qingshan once the oldest waited over 30 s
        assert record["queue_wait_s"] > 30
        bridged = step(record, "operator_bridged")
        assert bridged["origin_site"] == "linjiang"
        assert bridged["site"] == "qingshan"
        counters = await routing_of(hotline).store.counters("qingshan")
        assert sum(v for k, v in counters.items() if k.startswith("overflowed_in")) == 1


async def test_a_caller_hanging_up_in_the_queue_goes_on_the_callback_list(start: Start) -> None:
    async with start(seat_plan=NO_SEATS) as hotline:
        record = await hotline.record_of(
            hotline.call(keys="0", caller="13900000001", hangup_after=20)
        )
        assert record["outcome"] == "abandoned"
        assert record["seat"] is None
        step(record, "queued")
        pending = await routing_of(hotline).callbacks.pending()
        assert [(p.caller_number, p.reason, p.site) for p in pending] == [
            ("13900000001", "abandoned", "linjiang")
        ]
        assert await routing_of(hotline).store.queue_entries("linjiang") == []
        assert_nothing_left(hotline)


async def test_key_2_while_waiting_asks_for_a_callback(start: Start) -> None:
    async with start(seat_plan=NO_SEATS) as hotline:
        call = hotline.call(
            keys="0", caller="13900000002", script=[{"at": 8.0, "dtmf": "2"}], hangup_after=60
        )
        record = await hotline.record_of(call)
        assert record["outcome"] == "callback_requested"
        assert call.ended
        pending = await routing_of(hotline).callbacks.pending()
        assert [(p.caller_number, p.reason) for p in pending] == [("13900000002", "requested")]
        assert await routing_of(hotline).store.queue_entries("linjiang") == []


async def test_key_1_while_waiting_leaves_a_voicemail_in_the_general_mailbox(
    start: Start,
) -> None:
    async with start(seat_plan=NO_SEATS) as hotline:
        call = hotline.call(keys="0", script=[{"at": 8.0, "dtmf": "1"}], hangup_after=60)
        record = await hotline.record_of(call)
        assert record["outcome"] == "voicemail"
        assert record["reason"] == "queue_voicemail"
        voicemail = await hotline.components.voicemail.get(record["voicemail"])
        assert voicemail is not None
        assert voicemail.mailbox == "general"
        assert await routing_of(hotline).callbacks.pending() == []  # they left a message


async def test_a_waiting_caller_hears_music_and_its_place_in_line(start: Start) -> None:
    async with start(seat_plan=NO_SEATS) as hotline:
        first = hotline.call(keys="0", caller="13900000003", hangup_after=45)
        await asyncio.sleep(0.2)
        second = hotline.call(keys="0", caller="13900000004", hangup_after=45)
        await hotline.record_of(first, wait_s=90)
        record = await hotline.record_of(second, wait_s=90)
        assert record["outcome"] == "abandoned"
        renderer = hotline.running.renderer
        catalog = PromptCatalog(Hotline.SWITCHBOARD_114)
        [one_ahead] = await renderer.render_many([catalog.queue_position(1)])
        heard = hotline.sim.calls[second.call_id].heard
        assert renderer.media_uri(one_ahead, hotline.running.http_url) in heard
        assert DEFAULT_HOLD_MUSIC[0] in heard, [(h[:30], h[-12:]) for h in heard]
        assert len(await routing_of(hotline).callbacks.pending()) == 2
