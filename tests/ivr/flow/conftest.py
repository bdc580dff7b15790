"""A running hotline for call-flow tests: simulator + controller + HTTP on loopback.

The hotline's clock is the loop's (`LoopClock` on `tests.virtual_time.VirtualTimeLoop`), so
every timeout and wait in these tests is in virtual seconds.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from base.clock import CHINA_TZ, LoopClock, ScaledClock
from base.config import Settings
from directory import import_csv
from hotline.bootstrap import Components, build_components
from hotline.migrate import upgrade_async
from hotline.runtime import RunningHotline, run_embedded
from ivr.flow.operator import GeneralMailboxOperator
from ivr.simulator import SimCall, Simulator
from tests.conftest import SAMPLE_DIRECTORY
from tests.virtual_time import VirtualTimeLoop

# Tuesday 2026-11-24, 10:00: offices are open.
OPEN_HOURS = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)
# Where the loop is not on virtual time (tests that drive a browser, whose work the loop
# cannot see), the hotline's clock runs this many times faster than real time.
SPEED = 25.0
FlowClock = LoopClock | ScaledClock


def flow_clock() -> FlowClock:
    """The hotline's clock for a test placing calls, starting in office hours: the loop's
    own on virtual time, a scaled one elsewhere."""
    if isinstance(asyncio.get_running_loop(), VirtualTimeLoop):
        return LoopClock(start=OPEN_HOURS)
    return ScaledClock(start=OPEN_HOURS, speed=SPEED)


class Harness:
    """Places calls on the simulator and waits for their call records."""

    def __init__(self, running: RunningHotline, components: Components, clock: FlowClock) -> None:
        self.running = running
        self.components = components
        self.clock = clock
        assert running.simulator is not None
        self.sim: Simulator = running.simulator.simulator

    def call(
        self,
        number: str = "114",
        *,
        caller: str = "13800000001",
        keys: str = "",
        at: float = 1.0,
        script: list[dict[str, Any]] | None = None,
        hangup_after: float | None = 120.0,
    ) -> SimCall:
        steps = list(script or [])
        if keys:  # first: a script with "on" steps is followed in its order
            steps.insert(0, {"at": at, "dtmf": keys})
        return self.sim.place_call(number, caller=caller, script=steps, hangup_after=hangup_after)

    async def finish(self) -> list[dict[str, Any]]:
        """Wait for every running call to end; the call records, newest first."""
        await self.running.controller.idle()
        await self.components.journal_writer.drain()
        return await self.components.call_recorder.recent()

    async def record_of(self, call: SimCall, *, wait_s: float = 1800.0) -> dict[str, Any]:
        """Wait for the call's record to be written (virtual seconds cost nothing), return it."""
        async with asyncio.timeout(wait_s):
            while True:
                record = await self.components.call_recorder.by_channel(call.channel_id)
                if record is not None:
                    await self.finish()
                    return record
                await asyncio.sleep(0.5)


METRICS_TOKEN = "test-metrics-token"


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    """Every flow test runs on virtual time: a call's minutes pass as fast as the work in
    them allows, and the same script gives the same call on a busy machine."""
    return {"virtual_time": VirtualTimeLoop}


@pytest.fixture(scope="session")
def prompt_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One prompt cache for the session: each phrase is synthesised once, not per test."""
    return tmp_path_factory.mktemp("prompts")


@pytest.fixture
async def hotline(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Harness]:
    settings = Settings(
        data_dir=tmp_path,
        http_port=0,
        dial_timeout_s=20,
        prompt_cache_dir=str(prompt_cache),
        metrics_token=METRICS_TOKEN,
    )
    await upgrade_async(settings.resolved_database_url)
    clock = flow_clock()
    async with build_components(settings, clock=clock, load_directory=False) as components:
        await import_csv(SAMPLE_DIRECTORY, components.directory_repository)
        await components.directory.reload()
        # The flow tests see the general mailbox as the operator; test_queue.py runs the
        # queue over the simulator's seats.
        async with run_embedded(
            components, clock=clock, sim_port=0, http_port=0, operator=GeneralMailboxOperator()
        ) as running:
            yield Harness(running, components, clock)
