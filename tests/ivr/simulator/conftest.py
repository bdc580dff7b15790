"""Fixtures: a simulator on loopback on virtual time, an ARI client and an event reader.

Every test here runs on `tests.virtual_time.VirtualTimeLoop`: the simulator's clock is the
loop's, which jumps over idle waits, so a recording's length or the order of events
never depends on how busy the machine is.
"""

from __future__ import annotations

import asyncio
import json
import math
from array import array
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from base.clock import LoopClock
from ivr.simulator import RunningSimulator, start_simulator
from ivr.simulator.audio import RATE, silence, write_wav
from tests.virtual_time import VirtualTimeLoop

AUTH = {"Authorization": aiohttp.encode_basic_auth("hotline", "hotline")}


def tone(seconds: float, amplitude: int = 8000) -> array[int]:
    """A 440 Hz tone: loud enough to count as talk."""
    return array(
        "h",
        (
            int(amplitude * math.sin(2 * math.pi * 440 * i / RATE))
            for i in range(int(seconds * RATE))
        ),
    )


@pytest.fixture
def sounds_dir(tmp_path: Path) -> Path:
    sounds = tmp_path / "sounds"
    write_wav(sounds / "hello-world.wav", silence(1.4))
    write_wav(sounds / "tt-monkeys.wav", silence(16.0))
    return sounds


@pytest.fixture
def speech_wav(tmp_path: Path) -> Path:
    """What the caller 'says': 1.4 s of talk, like hello-world."""
    path = tmp_path / "speech" / "hello.wav"
    write_wav(path, tone(1.4))
    return path


def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item
) -> dict[str, Callable[[], asyncio.AbstractEventLoop]]:
    return {"virtual_time": VirtualTimeLoop}


@pytest.fixture
def clock() -> LoopClock:
    return LoopClock()


@pytest.fixture
async def running(
    tmp_path: Path, sounds_dir: Path, clock: LoopClock
) -> AsyncIterator[RunningSimulator]:
    running = await start_simulator(
        clock=clock, recordings_dir=tmp_path / "recordings", sounds_dir=sounds_dir
    )
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(headers=AUTH) as session:
        yield session


class EventReader:
    """Collects every event from one or more successive WebSockets, in arrival order."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.events: list[dict[str, Any]] = []
        self._arrived = asyncio.Condition()
        self.ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None

    async def connect(self, app: str = "hotline") -> None:
        self.ws = await self.session.ws_connect(f"{self.url}/ari/events?app={app}")
        self._task = asyncio.get_running_loop().create_task(self._read(self.ws))

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                async with self._arrived:
                    self.events.append(json.loads(msg.data))
                    self._arrived.notify_all()

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._task is not None:
            await self._task
        self.ws = self._task = None

    async def wait_for(self, count: int, limit: float = 5.0) -> bool:
        async with self._arrived:
            try:
                await asyncio.wait_for(
                    self._arrived.wait_for(lambda: len(self.events) >= count), limit
                )
            except TimeoutError:
                return False
        return True


@pytest.fixture
async def events(
    running: RunningSimulator, client: aiohttp.ClientSession
) -> AsyncIterator[EventReader]:
    reader = EventReader(client, running.url)
    try:
        yield reader
    finally:
        await reader.close()
