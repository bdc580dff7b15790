"""A hotline whose operator is routing's queue, for the queue and callback tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

from base.config import Settings
from directory import import_csv
from hotline.bootstrap import Components, build_components
from hotline.migrate import upgrade_async
from hotline.routing_wiring import ALL_SEATS, Routing
from hotline.runtime import run_embedded
from tests.conftest import SAMPLE_DIRECTORY
from tests.ivr.flow.conftest import FlowClock, Harness, flow_clock

NO_SEATS = {"linjiang": 0, "qingshan": 0, "baisha": 0, "qinghe": 0}
Start = Callable[..., AbstractAsyncContextManager[Harness]]


@asynccontextmanager
async def components_for(settings: Settings, clock: FlowClock) -> AsyncIterator[Components]:
    await upgrade_async(settings.resolved_database_url)
    async with build_components(settings, clock=clock, load_directory=False) as components:
        await import_csv(SAMPLE_DIRECTORY, components.directory_repository)
        await components.directory.reload()
        yield components


@asynccontextmanager
async def queue_hotlines(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Start]:
    """Starts a hotline whose operator is the queue, with `seat_plan` seats signed in."""
    async with AsyncExitStack() as stack:

        @asynccontextmanager
        async def started(
            seat_plan: Mapping[str, int] = ALL_SEATS, **settings: Any
        ) -> AsyncIterator[Harness]:
            config = Settings(data_dir=tmp_path, http_port=0, prompt_cache_dir=str(prompt_cache),
                              **settings)  # fmt: skip
            clock = flow_clock()
            components = await stack.enter_async_context(components_for(config, clock))
            running = await stack.enter_async_context(
                run_embedded(components, clock=clock, sim_port=0, http_port=0, seat_plan=seat_plan)
            )
            yield Harness(running, components, clock)

        yield started


def routing_of(hotline: Harness) -> Routing:
    assert hotline.running.routing is not None
    return hotline.running.routing


async def eventually(check: Callable[[], Awaitable[bool]], *, within_s: float = 500.0) -> None:
    """Wait until `check` holds (virtual seconds on a virtual-time loop, else real ones)."""
    async with asyncio.timeout(within_s):
        while True:
            if await check():
                return
            await asyncio.sleep(0.05)
