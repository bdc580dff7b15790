"""Crash safety: a controller process killed mid-call loses nothing.

Real processes (`hotline ivr`) against the simulator and one real redis-server: the
controller is killed with SIGKILL in the IVR, in the queue, during a transfer and while
a voicemail is recorded; a restarted controller — or another one that adopts the dead
one's application — takes the channels over from their checkpoints. Every call ends
with one call record, voicemails are kept, and no channel or bridge is left behind.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from directory import DirectoryRepository, import_csv
from hotline.clock import CHINA_TZ, ScaledClock
from hotline.database import create_engine, create_session_factory
from hotline.migrate import upgrade_async
from ivr.call_records import CallRecord
from ivr.simulator import RunningSimulator, SimCall, start_simulator
from ivr.simulator.callers import send_dtmf
from routing.models import CallbackRequest
from tests.conftest import SAMPLE_DIRECTORY
from tests.servers import free_port, redis_server
from voicemail import Voicemail

SPEED = 4.0
START = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    with redis_server() as (url, _process, _port):
        yield url


@dataclass
class Plant:
    """The simulator, the shared database and the controller processes."""

    sim: RunningSimulator
    workdir: Path
    database_url: str
    redis_url: str
    prompt_dir: Path
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
            "HOTLINE_CLOCK_SPEED": str(SPEED),
            "HOTLINE_CLOCK_START": START.isoformat(),
            "HOTLINE_PROMPT_CACHE_DIR": str(self.prompt_dir),
            "HOTLINE_LOG_LEVEL": "INFO",
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
        engine = create_engine(self.database_url)
        try:
            async with create_session_factory(engine)() as session:
                return list(await session.scalars(select(CallRecord)))
        finally:
            await engine.dispose()

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

    def logged(self, process: subprocess.Popen[bytes], text: str) -> Callable[[], bool]:
        """Whether `process` has written `text` to its log."""
        path = self.workdir / self.logs[self.processes.index(process)]
        return lambda: text in path.read_text(encoding="utf-8", errors="replace")

    def nothing_left(self) -> bool:
        summary = self.sim.simulator.summary()
        return not summary["channels"] and not summary["bridges"]


@pytest.fixture
async def plant(tmp_path: Path, redis_url: str, prompt_dir: Path) -> AsyncIterator[Plant]:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'hotline.sqlite3'}"
    await upgrade_async(database_url)
    engine = create_engine(database_url)
    await import_csv(SAMPLE_DIRECTORY, DirectoryRepository(create_session_factory(engine)))
    await engine.dispose()
    sim = await start_simulator(
        clock=ScaledClock(start=START, speed=SPEED), recordings_dir=tmp_path / "recordings"
    )
    plant = Plant(sim=sim, workdir=tmp_path, database_url=database_url, redis_url=redis_url,
                  prompt_dir=prompt_dir)  # fmt: skip
    try:
        yield plant
    finally:
        for process in plant.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=10)
                    pytest.fail("a controller did not stop within 20 s of SIGTERM")
        await sim.stop()


@pytest.fixture(scope="module")
def prompt_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prompts")


def kill(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def connected(plant: Plant, app: str) -> Callable[[], bool]:
    return lambda: any(app in socket.apps for socket in plant.sim.simulator.bus.sockets)


def playing_to(plant: Plant, channel_id: str) -> Callable[[], bool]:
    target = f"channel:{channel_id}"
    return lambda: any(p.target_uri == target for p in plant.sim.simulator.playbacks.values())


async def test_killed_in_the_ivr_a_restarted_controller_finishes_the_call(plant: Plant) -> None:
    first = plant.controller("hotline-a")
    await plant.until(connected(plant, "hotline-a"))
    call = plant.sim.simulator.place_call(
        "114", caller="13800000011", app="hotline-a", hangup_after=300
    )
    await plant.until(playing_to(plant, call.channel_id))
    await asyncio.sleep(0.5)  # the greeting's checkpoint is written
    kill(first)
    second = plant.controller("hotline-a")
    await plant.until(plant.logged(second, "resumed in greeting"))
    sim = plant.sim.simulator
    await send_dtmf(sim, sim.channel(call.channel_id), call, "9#")
    record = await plant.record_of(call)
    assert record.outcome == "emergency_referral"
    assert any(step["step"] == "resumed" for step in record.steps)
    await plant.until(plant.nothing_left)


async def test_killed_while_recording_the_voicemail_is_kept(plant: Plant) -> None:
    plant.sim.simulator.set_endpoint("PJSIP/lj-001-a", "busy")
    plant.sim.simulator.set_endpoint("PJSIP/lj-001-b", "busy")
    first = plant.controller("hotline-a")
    await plant.until(connected(plant, "hotline-a"))
    call = plant.sim.simulator.place_call(
        "114", caller="13800000012", app="hotline-a",
        script=[{"at": 1.0, "dtmf": "425#"}], hangup_after=300,
    )  # fmt: skip
    await plant.until(lambda: bool(plant.sim.simulator.recordings), timeout=90)
    await asyncio.sleep(0.3)
    kill(first)
    plant.controller("hotline-a")
    record = await plant.record_of(call)
    assert record.outcome == "voicemail"
    assert record.voicemail_id is not None
    voicemails = await plant.rows(Voicemail)
    assert [(v.mailbox, v.caller_number) for v in voicemails] == [
        ("linjiang.gongan", "13800000012")
    ]
    await plant.until(plant.nothing_left)


async def test_killed_during_a_transfer_another_controller_adopts_the_call(plant: Plant) -> None:
    plant.sim.simulator.set_endpoint("PJSIP/lj-001-a", "answer:1", hangup_after=60)
    first = plant.controller("hotline-a")
    plant.controller("hotline-b")
    await plant.until(connected(plant, "hotline-a"))
    await plant.until(connected(plant, "hotline-b"))
    call = plant.sim.simulator.place_call(
        "114", caller="13800000013", app="hotline-a",
        script=[{"at": 1.0, "dtmf": "425#"}], hangup_after=300,
    )  # fmt: skip
    await plant.until(lambda: bool(plant.sim.simulator.bridges), timeout=90)
    await asyncio.sleep(0.3)
    kill(first)
    record = await plant.record_of(call, timeout=120)  # hotline-b adopts hotline-a
    assert record.outcome == "transferred"
    assert record.transfer_bridged
    assert any(step["step"] == "resumed" for step in record.steps)
    await plant.until(plant.nothing_left)


async def test_killed_in_the_queue_the_caller_keeps_waiting_and_is_called_back(
    plant: Plant,
) -> None:
    first = plant.controller("hotline-a")
    await plant.until(connected(plant, "hotline-a"))
    call = plant.sim.simulator.place_call(
        "12345", caller="13800000014", app="hotline-a", script=[{"at": 1.0, "dtmf": "0"}],
        hangup_after=120,
    )  # fmt: skip
    await plant.until(
        lambda: any(
            m.startswith("tone:") for p in plant.sim.simulator.playbacks.values() for m in p.media
        ),
        timeout=90,
    )
    kill(first)
    plant.controller("hotline-a")
    record = await plant.record_of(call, timeout=120)
    assert record.outcome == "abandoned"
    callbacks = await plant.rows(CallbackRequest)
    assert [c.caller_number for c in callbacks] == ["13800000014"]
    await plant.until(plant.nothing_left)
