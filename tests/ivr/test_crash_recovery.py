"""Crash safety: a controller process killed mid-call loses nothing.

Real processes (`hotline ivr`) against the simulator and one real redis-server: the
controller is killed with SIGKILL in the IVR, in the queue, during a transfer and while
a voicemail is recorded; a restarted controller — or another one that adopts the dead
one's application — takes the channels over from their checkpoints. Every call ends
with one call record, voicemails are kept, and no channel or bridge is left behind.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from base.clock import ScaledClock
from base.config import Settings
from base.database import create_engine, create_session_factory
from hotline.routing_wiring import Routing, build_routing
from ivr.flow.hold import DEFAULT_HOLD_MUSIC, HOLD_MUSIC_S
from ivr.prompts.tones import tone_key
from ivr.quality_models import QualityRecording
from ivr.simulator.callers import send_dtmf
from routing.models import CallbackRequest
from tests.ivr.crash_plant import SPEED, START, Plant, connected, kill, open_plant, playing_to
from voicemail import Voicemail


@pytest.fixture(scope="module")
def prompt_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prompts")


@pytest.fixture
async def plant(tmp_path: Path, prompt_dir: Path) -> AsyncIterator[Plant]:
    async with open_plant(tmp_path, prompt_dir) as plant:
        yield plant


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
    # Two controllers start at once (each renders its prompts): give them room.
    await plant.until(connected(plant, "hotline-a"), timeout=120)
    await plant.until(connected(plant, "hotline-b"), timeout=120)
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


async def test_killed_while_recording_a_transfer_the_successor_keeps_the_recording(
    plant: Plant,
) -> None:
    plant.sim.simulator.set_endpoint("PJSIP/lj-001-a", "answer:1", hangup_after=20)
    first = plant.controller("hotline-a")
    plant.controller("hotline-b")
    # Two controllers start at once (each renders its prompts): give them room.
    await plant.until(connected(plant, "hotline-a"), timeout=120)
    await plant.until(connected(plant, "hotline-b"), timeout=120)
    call = plant.sim.simulator.place_call(
        "114", caller="13800000016", app="hotline-a",
        script=[{"at": 1.0, "dtmf": "425#"}], hangup_after=300,
    )  # fmt: skip
    await plant.until(lambda: bool(plant.sim.simulator.recordings), timeout=90)
    kill(first)
    record = await plant.record_of(call, timeout=120)  # hotline-b adopts hotline-a
    assert record.outcome == "transferred"
    kept = [r for r in await plant.rows(QualityRecording) if r.call_id == record.call_id]
    assert [r.kind for r in kept] == ["transfer"]
    assert kept[0].duration_s >= 10  # recorded from the bridge, across the takeover
    await plant.until(plant.nothing_left)
    assert plant.sim.simulator.summary()["live_recordings"] == []


async def test_killed_in_the_queue_the_caller_keeps_waiting_and_is_called_back(
    plant: Plant,
) -> None:
    first = plant.controller("hotline-a")
    await plant.until(connected(plant, "hotline-a"))
    call = plant.sim.simulator.place_call(
        "12345", caller="13800000014", app="hotline-a", script=[{"at": 1.0, "dtmf": "0"}],
        hangup_after=120,
    )  # fmt: skip
    await plant.until(hold_music_playing(plant, call.channel_id), timeout=90)
    kill(first)
    plant.controller("hotline-a")
    record = await plant.record_of(call, timeout=120)
    assert record.outcome == "abandoned"
    callbacks = await plant.rows(CallbackRequest)
    assert [c.caller_number for c in callbacks] == ["13800000014"]
    await plant.until(plant.nothing_left)


def hold_music_playing(plant: Plant, channel_id: str) -> Callable[[], bool]:
    """The queue's hold music (the tone rendered to a bounded file) plays to the caller."""
    key = tone_key(DEFAULT_HOLD_MUSIC[0], HOLD_MUSIC_S)
    target = f"channel:{channel_id}"
    return lambda: any(
        p.target_uri == target and p.state == "playing" and any(key in m for m in p.media)
        for p in plant.sim.simulator.playbacks.values()
    )


@asynccontextmanager
async def seats_signed_in(plant: Plant, plan: dict[str, int]) -> AsyncIterator[Routing]:
    """Sign seats in on the controllers' shared Redis (an operator logging in at the desk)."""
    settings = Settings(data_dir=plant.workdir / "desk", redis_url=plant.redis_url)
    engine = create_engine(plant.database_url)
    clock = ScaledClock(start=START, speed=SPEED)
    try:
        async with build_routing(
            settings, clock=clock, sessions=create_session_factory(engine), seat_plan=plan
        ) as routing:
            try:
                yield routing
            finally:
                for site in routing.sites.sites:
                    for seat in site.seats:
                        await routing.presence.sign_out(seat.id)
    finally:
        await engine.dispose()


async def test_killed_while_on_hold_music_the_caller_reaches_a_seat(plant: Plant) -> None:
    # On Asterisk 22 the dead controller's hold music keeps playing (ARI cannot list it),
    # the next controller's prompts queue behind it, and addChannel waits for it to end.
    sim = plant.sim.simulator
    sim.set_endpoint("PJSIP/seat-lj-01", "answer:1", hangup_after=5)
    first = plant.controller("hotline-a")
    await plant.until(connected(plant, "hotline-a"))
    await plant.until(plant.logged(first, "taking calls"))  # `hotline ivr` says it is ready
    call = sim.place_call(
        "12345", caller="13800000015", app="hotline-a", script=[{"at": 1.0, "dtmf": "0"}],
        hangup_after=200,
    )  # fmt: skip
    await plant.until(hold_music_playing(plant, call.channel_id), timeout=90)
    await asyncio.sleep(0.5)  # the playback's checkpoint is written
    kill(first)
    assert hold_music_playing(plant, call.channel_id)()  # the orphan plays on
    second = plant.controller("hotline-a")
    await plant.until(plant.logged(second, "stopped orphaned playback"), timeout=60)
    async with seats_signed_in(plant, {"linjiang": 1}):
        record = await plant.record_of(call, timeout=120)
    assert record.outcome == "operator"
    assert record.seat == "lj-01"
    assert any(step["step"] == "resumed" for step in record.steps)
    assert any(step["step"] == "operator_bridged" for step in record.steps)
    await plant.until(plant.nothing_left)
    assert sim.summary()["playbacks"] == []
