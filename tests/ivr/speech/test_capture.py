"""End to end through the PBX simulator: a caller says a Korean word, the IVR records the
utterance over ARI, fetches the file, recognises it and routes it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from base.clock import ScaledClock
from ivr.ari import AriClient, AriEvent, ChannelDispatcher, StasisStart
from ivr.simulator import RunningSimulator, start_simulator
from ivr.speech import (
    CaptureFailed,
    IntentKind,
    RecordingWatch,
    SpeechGrammar,
    SpeechRecognizer,
    SpeechRouter,
    capture_utterance,
)
from tests.ivr.speech.korean import speak

# Simulated seconds per real second: a 5 s recording window takes about a second.
SPEED = 5.0
WAIT = 10.0  # real seconds


class SpeechCall:
    """The minimal Stasis app the IVR is: new calls in a queue, each channel's events fed
    to one RecordingWatch (how the call flow wires `capture_utterance`)."""

    def __init__(self, ari: AriClient, clock: ScaledClock) -> None:
        self.ari = ari
        self.watch = RecordingWatch()
        self.calls: asyncio.Queue[StasisStart] = asyncio.Queue()
        self.dispatcher = ChannelDispatcher(clock=clock, end_linger=1.0)
        self.dispatcher.on_stasis_start(ari.app, self._on_call)
        self.stream = ari.events(on_event=self.dispatcher.dispatch, clock=clock)

    async def _on_call(self, event: StasisStart) -> None:
        async def feed(channel_event: AriEvent) -> None:
            self.watch.feed(channel_event)

        self.dispatcher.subscribe(event.channel.id, feed)
        await self.calls.put(event)


@pytest.fixture
def clock() -> ScaledClock:
    return ScaledClock(speed=SPEED)


@pytest.fixture
async def sim(clock: ScaledClock, tmp_path: Path) -> AsyncIterator[RunningSimulator]:
    running = await start_simulator(clock=clock, recordings_dir=tmp_path / "recordings")
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def ivr(sim: RunningSimulator, clock: ScaledClock) -> AsyncIterator[SpeechCall]:
    async with AriClient(
        base_url=sim.url, username="hotline", password="hotline", app="hotline"
    ) as ari:
        app = SpeechCall(ari, clock)
        runner = asyncio.create_task(app.stream.run())
        await asyncio.wait_for(app.stream.wait_connected(), WAIT)
        try:
            yield app
        finally:
            await app.stream.close()
            await asyncio.wait_for(runner, WAIT)
            await app.dispatcher.close()


async def place_call(sim: RunningSimulator, script: list[dict[str, Any]]) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{sim.url}/sim/calls",
            json={"number": "12345", "caller": "01012345678", "script": script},
        ) as response,
    ):
        assert response.status == 201, await response.text()


async def test_caller_speech_is_captured_recognised_and_routed(
    sim: RunningSimulator,
    ivr: SpeechCall,
    clock: ScaledClock,
    recognizer: SpeechRecognizer,
    grammar: SpeechGrammar,
    tmp_path: Path,
) -> None:
    said = speak("주민센터", tmp_path / "community.wav", pad_s=0.0)
    await place_call(sim, [{"at": 0.5, "say": str(said)}])
    call = await asyncio.wait_for(ivr.calls.get(), WAIT)
    started = clock.monotonic()

    audio = await asyncio.wait_for(
        capture_utterance(
            ivr.ari,
            call.channel.id,
            name="utterance-1",
            watch=ivr.watch,
            clock=clock,
            max_seconds=5,
            max_silence=2,
        ),
        WAIT,
    )

    # Ended by the silence after the word, well before the 5 s limit.
    assert clock.monotonic() - started < 4.5
    recognition = await recognizer.recognize(audio, grammar)
    assert recognition.text == "주민센터"
    assert recognition.accepted
    # The word starts about half a second in: the recording began as the call was answered.
    assert recognition.words[0].start == pytest.approx(0.5, abs=0.4)
    intent = SpeechRouter(grammar).route(recognition)
    assert intent is not None
    assert (intent.kind, intent.department_codes) == (IntentKind.LOOKUP, ("community",))
    # The stored recording was removed after fetching.
    assert "utterance-1" not in [r.name for r in await ivr.ari.list_stored_recordings()]


async def test_capture_of_a_vanished_channel_fails_cleanly(
    ivr: SpeechCall, clock: ScaledClock
) -> None:
    with pytest.raises(CaptureFailed, match="cannot record"):
        await capture_utterance(ivr.ari, "no-such-channel", name="u2", watch=ivr.watch, clock=clock)
