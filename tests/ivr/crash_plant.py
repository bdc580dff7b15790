"""A plant for crash tests: the simulator, a shared database and real `hotline ivr` processes.

The controllers run as child processes against an in-test simulator (a ScaledClock) and
a real redis-server, so a test can SIGKILL one at any moment and start another on the
same application and data directory. Used by test_crash_recovery and test_crash_sweep.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from base.clock import CHINA_TZ, ScaledClock
from base.database import create_engine, create_session_factory
from directory import DirectoryRepository, import_csv
from hotline.migrate import upgrade_async
from ivr.call_records import CallRecord
from ivr.simulator import RunningSimulator, SimCall, start_simulator
from tests.conftest import SAMPLE_DIRECTORY
from tests.servers import free_port, redis_server

SPEED = 4.0
START = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)


@dataclass
class Plant:
    """The simulator, the shared database and the controller processes."""

    sim: RunningSimulator
    workdir: Path
    database_url: str
    redis_url: str
    prompt_dir: Path
    speed: float = SPEED
    env: Mapping[str, str] = field(default_factory=dict)  # extra HOTLINE_* settings
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[str] = field(default_factory=list)

    def controller(self, app: str) -> subprocess.Popen[bytes]:
        env = {
            **os.environ,
            "HOTLINE_DATA_DIR": str(self.workdir / app),
            "HOTLINE_DATABASE_URL": self.database_url,
            "HOTLINE_ARI_URL": self.sim.url,
            "HOTLINE_ARI_APP": app,
            "HOTLINE_REDIS_URL": self.redis_url,
            "HOTLINE_HTTP_PORT": str(free_port()),
            "HOTLINE_CLOCK_SPEED": str(self.speed),
            "HOTLINE_CLOCK_START": START.isoformat(),
            "HOTLINE_PROMPT_CACHE_DIR": str(self.prompt_dir),
            "HOTLINE_LOG_LEVEL": "INFO",
            **self.env,
        }
        name = f"{app}-{len(self.processes)}.log"
        self.logs.append(name)
        with (self.workdir / name).open("wb") as log:  # the child keeps its own copy
            process = subprocess.Popen(
                [sys.executable, "-m", "hotline", "ivr"], env=env, stdout=log, stderr=log
            )
        self.processes.append(process)
        return process

    async def until(self, what: Callable[[], bool], *, timeout: float = 60.0) -> None:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while not what():  # noqa: ASYNC110 - polls state in other processes
                await asyncio.sleep(0.05)

    async def records(self) -> list[CallRecord]:
        return await self.rows(CallRecord)

    async def record_of(self, call: SimCall, *, timeout: float = 90.0) -> CallRecord:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while True:
                found = [r for r in await self.records() if r.channel_id == call.channel_id]
                if found:
                    assert len(found) == 1, "one call, one record"
                    return found[0]
                await asyncio.sleep(0.2)

    async def rows(self, model: Any) -> list[Any]:
        engine = create_engine(self.database_url)
        try:
            async with create_session_factory(engine)() as session:
                return list(await session.scalars(select(model)))
        finally:
            await engine.dispose()

    def log_text(self, process: subprocess.Popen[bytes]) -> str:
        path = self.workdir / self.logs[self.processes.index(process)]
        return path.read_text(encoding="utf-8", errors="replace")

    def logged(self, process: subprocess.Popen[bytes], text: str) -> Callable[[], bool]:
        """Whether `process` has written `text` to its log."""
        return lambda: text in self.log_text(process)

    def nothing_left(self) -> bool:
        summary = self.sim.simulator.summary()
        return not summary["channels"] and not summary["bridges"]


@asynccontextmanager
async def open_plant(
    tmp_path: Path,
    prompt_dir: Path,
    *,
    speed: float = SPEED,
    env: Mapping[str, str] | None = None,
) -> AsyncIterator[Plant]:
    """A fresh database, redis-server and simulator; every controller still running is
    stopped at the end. The redis-server is the plant's own: a test's checkpoints and app
    registrations (the simulator's channel ids repeat) must not be adopted by the next."""
    with redis_server() as (redis_url, _process, _port):
        async with _plant(tmp_path, redis_url, prompt_dir, speed=speed, env=env) as plant:
            yield plant


@asynccontextmanager
async def _plant(
    tmp_path: Path, redis_url: str, prompt_dir: Path, *, speed: float, env: Mapping[str, str] | None
) -> AsyncIterator[Plant]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'hotline.sqlite3'}"
    await upgrade_async(database_url)
    engine = create_engine(database_url)
    await import_csv(SAMPLE_DIRECTORY, DirectoryRepository(create_session_factory(engine)))
    await engine.dispose()
    sim = await start_simulator(
        clock=ScaledClock(start=START, speed=speed), recordings_dir=tmp_path / "recordings"
    )
    plant = Plant(sim=sim, workdir=tmp_path, database_url=database_url, redis_url=redis_url,
                  prompt_dir=prompt_dir, speed=speed, env=dict(env or {}))  # fmt: skip
    try:
        yield plant
    finally:
        stuck = False
        for process in plant.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
                    stuck = True
        await sim.stop()  # before failing: its sockets must not leak into the next test
    if stuck:
        pytest.fail("a controller did not stop within 20 s of SIGTERM")


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def connected(plant: Plant, app: str) -> Callable[[], bool]:
    return lambda: any(app in socket.apps for socket in plant.sim.simulator.bus.sockets)


def playing_to(plant: Plant, channel_id: str) -> Callable[[], bool]:
    target = f"channel:{channel_id}"
    return lambda: any(p.target_uri == target for p in plant.sim.simulator.playbacks.values())
