"""The controller's answers to what a real Asterisk 22 does (issue 13), on the simulator."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from ivr.simulator.callers import send_dtmf
from tests.ivr.flow.conftest import Harness
from tests.ivr.flow.routing_harness import Start, queue_hotlines
from tests.ivr.simulator.conftest import tone


async def _live_recording(hotline: Harness, limit: float = 750.0) -> str:
    """The name of the first live recording on the simulator, once one starts."""
    async with asyncio.timeout(limit):
        while not hotline.sim.recordings:  # noqa: ASYNC110 - polls the simulator's state
            await asyncio.sleep(0.01)
    return next(iter(hotline.sim.recordings))


async def test_sub_second_message_is_kept_with_its_audio(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "busy")
    hotline.sim.set_endpoint("PJSIP/lj-001-b", "busy")
    call = hotline.call(keys="425#", hangup_after=None)
    rec = hotline.sim.recordings[await _live_recording(hotline)]
    channel = hotline.sim.channels[call.channel_id]
    # 0.76 s said as the capture begins, then #: the file holds 0.96 s (0.2 s of trailing
    # silence kept) and RecordingFinished reports duration 0, as Asterisk rounds down.
    channel.audio.say(rec.capture_from, tone(0.76))
    await hotline.clock.sleep(rec.capture_from + 1.5 - hotline.clock.monotonic())
    await send_dtmf(hotline.sim, channel, None, "#")
    record = await hotline.record_of(call)
    assert record["outcome"] == "voicemail"
    step = next(s for s in record["steps"] if s["step"] == "voicemail")
    assert step["duration_s"] == 0
    voicemail = await hotline.components.voicemail.get(record["voicemail"])
    assert voicemail is not None
    assert not voicemail.empty


async def test_unregistered_liaison_phone_gives_voicemail_unavailable(hotline: Harness) -> None:
    # POST /channels/create → 500 {"error": "Allocation failed"}: nothing was dialled.
    hotline.sim.set_endpoint("PJSIP/lj-003-a", "unregistered")
    record = await hotline.record_of(hotline.call(keys="275#", hangup_after=60))
    assert record["outcome"] == "voicemail"
    assert record["reason"] == "unavailable"
    assert record["dials"] == [{"endpoint": "PJSIP/lj-003-a", "dialstatus": "CHANUNAVAIL"}]
    assert hotline.sim.summary()["channels"] == []


@pytest.fixture
async def start(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Start]:
    async with queue_hotlines(tmp_path, prompt_cache) as started:
        yield started


async def test_missing_recording_dir_apologises_and_reaches_an_operator(start: Start) -> None:
    # Asterisk 22 with its recording directory gone: record → 500 "Unrecognized recording
    # error: No such file or directory". The caller is put through to a person instead.
    async with start(seat_plan={"linjiang": 1}) as hotline:
        hotline.sim.set_endpoint("PJSIP/lj-001-a", "busy")
        hotline.sim.set_endpoint("PJSIP/lj-001-b", "busy")
        hotline.sim.set_endpoint("PJSIP/seat-lj-01", "answer:1", hangup_after=5)
        shutil.rmtree(hotline.sim.recordings_dir)
        record = await hotline.record_of(hotline.call(keys="425#", hangup_after=120))
        assert record["outcome"] == "operator"
        assert record["seat"] == "lj-01"
        steps = [s["step"] for s in record["steps"]]
        assert "recording_failed" in steps
        assert steps.index("recording_refused") < steps.index("operator_bridged")
        assert hotline.sim.summary()["channels"] == []
