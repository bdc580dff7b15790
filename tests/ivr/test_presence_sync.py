"""Seat presence follows the seat phones' ARI endpoint states."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ivr.ari import AriClient
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
