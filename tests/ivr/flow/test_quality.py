"""Quality recording (质检) through the simulator: transfers and operator calls recorded
from the bridge, kept like voicemail, linked to the call; the consent prompt first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from ivr.flow.quality import CONSENT_PROMPT
from ivr.quality_models import QualityRecording
from ivr.simulator.audio import read_wav
from tests.ivr.flow.conftest import Harness
from tests.ivr.flow.routing_harness import Start, queue_hotlines


@pytest.fixture
async def start(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Start]:
    async with queue_hotlines(tmp_path, prompt_cache) as started:
        yield started


def step(record: dict[str, Any], name: str) -> dict[str, Any]:
    return next(s for s in record["steps"] if s["step"] == name)


async def recordings_of(hotline: Harness, record: dict[str, Any]) -> list[QualityRecording]:
    await hotline.components.journal_writer.drain()
    return await hotline.components.quality.of_call(record["call_id"])


def heard_consent(hotline: Harness, record: dict[str, Any]) -> bool:
    call = next(c for c in hotline.sim.calls.values() if c.channel_id == record["channel_id"])
    key = hotline.running.renderer.key_for(CONSENT_PROMPT)
    return any(key in uri for uri in call.heard)


def assert_recording_matches_talk(row: QualityRecording, record: dict[str, Any]) -> None:
    assert record["talk_s"] is not None
    assert record["talk_s"] >= 5
    assert abs(row.duration_s - record["talk_s"]) <= 1
    samples = read_wav(Path(row.audio_path))
    assert abs(len(samples) / 8000 - record["talk_s"]) <= 1.5


async def test_a_transfer_is_recorded_after_the_consent_prompt(start: Start) -> None:
    async with start() as hotline:
        hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:2", hangup_after=12)
        record = await hotline.record_of(hotline.call(keys="425#", hangup_after=150))
        assert record["outcome"] == "transferred"
        consent, bridged = step(record, "quality_consent"), step(record, "bridged")
        assert consent["t"] <= bridged["t"]
        assert heard_consent(hotline, record)
        [row] = await recordings_of(hotline, record)
        assert row.kind == "transfer"
        assert row.recording_name == f"quality/{record['call_id']}-transfer"
        assert_recording_matches_talk(row, record)
        kept = step(record, "quality_recording")
        assert kept["recording"] == row.recording_name
        retention = row.retention_until - row.started_at
        assert retention.days == 180
        # Asterisk's copy goes once the recording is kept; nothing is left recording
        summary = hotline.sim.summary()
        assert summary["live_recordings"] == []
        assert not (hotline.sim.recordings_dir / f"{row.recording_name}.wav").exists()


async def test_without_the_consent_prompt_the_caller_hears_none(start: Start) -> None:
    async with start(quality_consent_prompt=False) as hotline:
        hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:2", hangup_after=8)
        record = await hotline.record_of(hotline.call(keys="425#", hangup_after=150))
        assert record["outcome"] == "transferred"
        assert not any(s["step"] == "quality_consent" for s in record["steps"])
        assert not heard_consent(hotline, record)
        [row] = await recordings_of(hotline, record)  # recorded all the same
        assert_recording_matches_talk(row, record)


async def test_recording_off_records_nothing(start: Start) -> None:
    async with start(quality_recording=False) as hotline:
        hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:2", hangup_after=6)
        record = await hotline.record_of(hotline.call(keys="425#", hangup_after=150))
        assert record["outcome"] == "transferred"
        assert not heard_consent(hotline, record)
        assert await recordings_of(hotline, record) == []


async def test_an_operator_call_is_recorded_until_the_caller_hangs_up(start: Start) -> None:
    async with start(seat_plan={"linjiang": 1}) as hotline:
        record = await hotline.record_of(hotline.call(keys="0", hangup_after=45))
        assert record["outcome"] == "operator"
        assert step(record, "quality_consent")["t"] <= step(record, "operator_bridged")["t"]
        [row] = await recordings_of(hotline, record)
        assert row.kind == "operator"
        assert_recording_matches_talk(row, record)
        assert hotline.sim.summary()["live_recordings"] == []
