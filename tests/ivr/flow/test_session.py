"""CallSession: work the caller must not wait for, settled before the call's record."""

from __future__ import annotations

import asyncio

import pytest

from base.clock import LoopClock
from ivr.ari import AriClient
from ivr.ari.dispatch import ChannelDispatcher
from ivr.flow.session import CallSession


def _session(clock: LoopClock) -> CallSession:
    # never contacted: nothing here sends a command
    ari = AriClient(base_url="http://127.0.0.1:9", username="u", password="p", app="hotline")
    return CallSession(ari=ari, dispatcher=ChannelDispatcher(clock=clock), clock=clock,
                       channel_id="caller", app="hotline")  # fmt: skip


async def test_work_started_meanwhile_runs_on_and_is_settled_before_the_call_ends(
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = LoopClock()
    session = _session(clock)
    kept: list[str] = []

    async def keep() -> None:
        await clock.sleep(5.0)
        kept.append("quality")

    async def broken() -> None:
        raise RuntimeError("disk gone")

    session.meanwhile(keep(), "keep the quality recording")
    session.meanwhile(broken(), "keep another")
    await asyncio.sleep(0)
    assert kept == []  # the flow goes on at once
    started = clock.monotonic()
    await session.settle()
    assert kept == ["quality"]
    assert clock.monotonic() - started == pytest.approx(5.0)
    assert "caller: keep another failed" in caplog.text  # logged, not raised
    await session.settle()  # nothing left: returns at once


async def test_settling_work_that_has_just_finished_returns() -> None:
    clock = LoopClock()
    session = _session(clock)
    kept: list[str] = []

    async def keep() -> None:
        kept.append("quality")

    session.meanwhile(keep(), "keep the quality recording")
    await asyncio.sleep(0)  # it ran and ended; its done-callbacks have not run yet
    async with asyncio.timeout(5):
        await session.settle()
    assert kept == ["quality"]
