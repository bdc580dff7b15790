"""Live and stored recordings.

A live recording captures the audio the channel is sending (its outgoing timeline) into a
real 8 kHz 16-bit mono WAV under the recordings directory. As in Asterisk, RecordingStarted
comes at once even with a beep (the beep delays the capture, not the event); a
maxSilenceSeconds recording trims its trailing silence down to 0.2 s and reports
talking/silence durations; durations are whole seconds; a channel that is not up
records nothing and finishes after about 4 s.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from ivr.simulator import audio, errors
from ivr.simulator.core import PbxCore
from ivr.simulator.events import build
from ivr.simulator.state import Channel, LiveRecording

BEEP_SECONDS = 0.5
KEEP_SILENCE = 0.2  # what Asterisk leaves of trailing silence when it trims
NO_AUDIO_TIMEOUT = 4.0
TICK = 0.1


def stored_path(sim: PbxCore, name: str) -> Path | None:
    """The file of a stored recording, or None for a name escaping the directory.

    A file still to be written is written first, so whoever asks finds it as Asterisk
    would have left it at RecordingFinished.
    """
    write_now(sim, name)
    root = sim.recordings_dir.resolve()
    path = (root / f"{name}.wav").resolve()
    if not name or not path.is_relative_to(root):
        return None
    return path


def write_later(sim: PbxCore, name: str, write: Callable[[], None]) -> None:
    """Write a finished recording's file soon, off the request that finished it."""
    sim.unwritten[name] = write
    sim.spawn(_write_soon(sim, name))


async def _write_soon(sim: PbxCore, name: str) -> None:
    await asyncio.sleep(0)
    write_now(sim, name)


def write_now(sim: PbxCore, name: str) -> None:
    write = sim.unwritten.pop(name, None)
    if write is not None:
        write()


def write_all(sim: PbxCore) -> None:
    for name in list(sim.unwritten):
        write_now(sim, name)


def stored_names(sim: PbxCore) -> list[str]:
    write_all(sim)
    root = sim.recordings_dir
    if not root.is_dir():
        return []
    return sorted(str(p.relative_to(root).with_suffix("")) for p in root.rglob("*.wav"))


def existing_stored(sim: PbxCore, name: str) -> Path:
    path = stored_path(sim, name)
    if path is None or not path.is_file():
        raise errors.recording_not_found()
    return path


def _publish(sim: PbxCore, rec: LiveRecording, event_type: str) -> None:
    sim.bus.publish([rec.app], build(event_type, sim.clock.now(), recording=rec.to_json()))


def start(sim: PbxCore, ch: Channel, rec: LiveRecording) -> None:
    """Begin recording (the caller has already validated name, format and state)."""
    sim.recordings[rec.name] = rec
    if ch.bridge_id is not None:
        rec.state = "failed"
        rec.cause = "Cannot record channel while in bridge"
        sim.recordings.pop(rec.name, None)
        sim.spawn(_announce_failure(sim, rec))
        return
    ch.recording = rec.name
    rec.state = "recording"
    _publish(sim, rec, "RecordingStarted")
    capture_from = sim.clock.monotonic() + (BEEP_SECONDS if rec.beep else 0.0)
    rec.capture_from = capture_from
    sim.spawn(_watch(sim, ch, rec), owner=ch)
    sim.spawn(_announce_capture(sim, ch, capture_from), owner=ch)


async def _announce_capture(sim: PbxCore, ch: Channel, capture_from: float) -> None:
    await sim.clock.sleep(capture_from - sim.clock.monotonic())
    ch.capturing.set()


async def _announce_failure(sim: PbxCore, rec: LiveRecording) -> None:
    await sim.clock.sleep(0.001)
    _publish(sim, rec, "RecordingFailed")


async def _watch(sim: PbxCore, ch: Channel, rec: LiveRecording) -> None:
    """End the recording on max duration, max silence, or 'no audio' for a Down channel."""
    if ch.state != "Up":
        await sim.clock.sleep(NO_AUDIO_TIMEOUT)
        finish(sim, ch, rec, "done", no_audio=True)
        return
    while rec.name in sim.recordings:
        now = sim.clock.monotonic()
        if rec.max_duration > 0 and now - rec.capture_from >= rec.max_duration:
            finish(sim, ch, rec, "done", end=rec.capture_from + rec.max_duration)
            return
        if rec.max_silence > 0 and now > rec.capture_from:
            last = ch.audio.last_talk(rec.capture_from, now) or rec.capture_from
            if now - last >= rec.max_silence:
                finish(sim, ch, rec, "done")
                return
        await sim.clock.sleep(TICK)


def on_dtmf(sim: PbxCore, ch: Channel, digit: str) -> None:
    """terminateOn: the digit ends the recording right after its ChannelDtmfReceived."""
    rec = sim.recordings.get(ch.recording or "")
    if rec is None or rec.terminate_on == "none":
        return
    if rec.terminate_on == "any" or digit in rec.terminate_on:
        finish(sim, ch, rec, "done")


def finish(
    sim: PbxCore,
    ch: Channel | None,
    rec: LiveRecording,
    state: str,
    *,
    end: float | None = None,
    no_audio: bool = False,
) -> None:
    """Write the file (unless canceled) and publish RecordingFinished."""
    if sim.recordings.get(rec.name) is not rec:
        return
    del sim.recordings[rec.name]
    if ch is not None and ch.recording == rec.name:
        ch.recording = None
    stop_at = sim.clock.monotonic() if end is None else end
    samples = audio.silence(0)
    if ch is not None and not no_audio and stop_at > rec.capture_from:
        samples = ch.audio.extract(rec.capture_from, stop_at)
        if rec.max_silence > 0:
            last = ch.audio.last_talk(rec.capture_from, stop_at) or rec.capture_from
            keep = min(stop_at, last + KEEP_SILENCE) - rec.capture_from
            samples = samples[: audio.sample_count(keep)]
    rec.state = state
    path = stored_path(sim, rec.name)
    if state != "canceled" and path is not None:
        if rec.if_exists == "append" and path.is_file():
            samples = audio.read_wav(path) + samples
        audio.write_wav(path, samples)
    rec.duration = int(len(samples) / audio.RATE)
    if rec.max_silence > 0:
        rec.talking = min(rec.duration, int(audio.talk_seconds(samples)))
        rec.silent = rec.duration - rec.talking
    _publish(sim, rec, "RecordingFinished")


def stop(sim: PbxCore, rec: LiveRecording, *, cancel: bool) -> None:
    ch = sim.channels.get(rec.channel_id)
    finish(sim, ch, rec, "canceled" if cancel else "done")


def channel_gone(sim: PbxCore, ch: Channel) -> None:
    rec = sim.recordings.get(ch.recording or "")
    if rec is not None:
        finish(sim, ch, rec, "done", no_audio=ch.state != "Up")
