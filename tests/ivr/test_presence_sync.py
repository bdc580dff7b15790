"""Seat presence follows the seat phones' ARI endpoint states."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ivr.ari import AriClient, AriEvent, EndpointStateChange
from ivr.presence_sync import PresenceSync
from routing import SeatState
from tests.ivr.flow.routing_harness import Start, queue_hotlines, routing_of


@pytest.fixture
async def start(tmp_path: Path) -> AsyncIterator[Start]:
    async with queue_hotlines(tmp_path, tmp_path / "prompts") as started:
        yield started


async def test_an_unreachable_phone_takes_its_seat_offline_until_it_is_back(
    start: Start,
) -> None:
    async with start(seat_plan={"linjiang": 2}) as hotline:
        routing = routing_of(hotline)
        settings = hotline.components.settings
        assert hotline.running.simulator is not None
        async with AriClient(
            base_url=hotline.running.simulator.url, username=settings.ari_user,
            password=settings.ari_password, app="presence-test",
        ) as ari:  # fmt: skip
            sync = PresenceSync(
                ari=ari, presence=routing.presence, sites=routing.sites, clock=hotline.clock
            )
            hotline.sim.set_endpoint("PJSIP/seat-lj-01", "unavailable")
            assert await sync.sync_once() == 1
            seat = await routing.presence.seat("lj-01")
            assert (seat.state, seat.reason) == (SeatState.OFFLINE, "endpoint")
            hotline.sim.set_endpoint("PJSIP/seat-lj-01", "answer")
            await sync.sync_once()
            assert (await routing.presence.seat("lj-01")).state is SeatState.AVAILABLE
            # a seat nobody signed in stays out, whatever its phone does
            hotline.sim.set_endpoint("PJSIP/seat-lj-05", "answer")
            await sync.sync_once()
            assert (await routing.presence.seat("lj-05")).state is SeatState.OFFLINE


async def test_a_phone_that_unregisters_takes_its_seat_offline_at_once(start: Start) -> None:
    # Asterisk 22 cannot even create a channel to an unregistered PJSIP endpoint (500
    # "Allocation failed"): the seat is taken out on the EndpointStateChange, before any poll.
    async with start(seat_plan={"linjiang": 2}) as hotline:
        routing = routing_of(hotline)
        settings = hotline.components.settings
        assert hotline.running.simulator is not None
        async with AriClient(
            base_url=hotline.running.simulator.url, username=settings.ari_user,
            password=settings.ari_password, app="presence-test",
        ) as ari:  # fmt: skip
            sync = PresenceSync(
                ari=ari, presence=routing.presence, sites=routing.sites, clock=hotline.clock
            )
            heard: list[AriEvent] = []
            handled = asyncio.Event()

            def on_event(event: AriEvent) -> None:
                heard.append(event)
                task = asyncio.ensure_future(sync.on_event(event))
                task.add_done_callback(lambda _: handled.set())

            stream = ari.events(on_event=on_event, clock=hotline.clock)
            reader = asyncio.ensure_future(stream.run())
            try:
                async with asyncio.timeout(5):
                    while "presence-test" not in hotline.sim.apps:  # noqa: ASYNC110
                        await asyncio.sleep(0.01)
                await sync.subscribe()
                hotline.sim.set_endpoint("PJSIP/seat-lj-01", "unregistered")
                async with asyncio.timeout(5):
                    await handled.wait()
                assert isinstance(heard[-1], EndpointStateChange)
                seat = await routing.presence.seat("lj-01")
                assert (seat.state, seat.reason) == (SeatState.OFFLINE, "endpoint")
                handled.clear()
                hotline.sim.set_endpoint("PJSIP/seat-lj-01", "answer")
                async with asyncio.timeout(5):
                    await handled.wait()
                assert (await routing.presence.seat("lj-01")).state is SeatState.AVAILABLE
            finally:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await reader
