"""Playbacks: media resolution, per-target queues, and the Playback* events.

A playback lasts as long as its audio on the simulated clock. Playbacks on one target
(a channel or a bridge) play one after another. DTMF never stops a playback; only
DELETE /playbacks/{id} (→ done) or the target going away (→ failed) does.
"""

from __future__ import annotations

import asyncio
import math
from collections import deque

from ivr.simulator import audio, recordings
from ivr.simulator.core import PbxCore
from ivr.simulator.events import build
from ivr.simulator.state import Channel, Playback

# Lengths of a few Asterisk core sounds, for a simulator run without a sounds directory.
CORE_SOUNDS = {
    "hello-world": 1.4,
    "tt-monkeys": 16.0,
    "tt-weasels": 6.0,
    "beep": 0.25,
    "vm-intro": 3.0,
    "vm-goodbye": 1.0,
    "goodbye": 0.7,
    "pls-hold-while-try": 2.4,
    "queue-periodic-announce": 3.5,
}
SECONDS_PER_SYMBOL = 0.5
# How often a request blocked behind a channel's playback looks again (simulated seconds).
POLL_S = 0.02
# Marks media Asterisk accepts with 201 and PlaybackStarted but never finishes.
UNKNOWN_SCHEME = -1.0


async def media_seconds(sim: PbxCore, uri: str) -> float | None:
    """How long `uri` plays; None when it cannot be played (→ PlaybackFinished failed)."""
    scheme, _, rest = uri.partition(":")
    if scheme == "sound":
        if rest.startswith(("http://", "https://")):
            return await _fetched_seconds(sim, rest)
        if sim.sounds_dir is not None:
            sound = sim.sounds_dir / f"{rest}.wav"
            if sound.is_file():
                try:
                    return audio.wav_duration(sound.read_bytes())
                except audio.AudioError:
                    return None
        if rest.startswith("silence/") and rest[8:].isdigit():
            return float(rest[8:])
        if rest.startswith("digits/"):
            return SECONDS_PER_SYMBOL
        return CORE_SOUNDS.get(rest)
    if scheme == "recording":
        path = recordings.stored_path(sim, rest)
        if path is None or not path.is_file():
            return None
        return audio.wav_duration(path.read_bytes())
    if scheme in ("digits", "characters", "number"):
        return SECONDS_PER_SYMBOL * max(1, len(rest))
    if scheme == "tone":
        return math.inf  # tones play until stopped
    return UNKNOWN_SCHEME


async def _fetched_seconds(sim: PbxCore, url: str) -> float | None:
    return await sim.media_cache.seconds(await sim.http(), url)


def queue(sim: PbxCore, playback: Playback) -> None:
    """Accept a playback; it starts at once (PlaybackStarted) unless the target is busy."""
    sim.playbacks[playback.id] = playback
    waiting = sim.play_queues.setdefault(playback.target_uri, deque())
    waiting.append(playback)
    if len(waiting) == 1:
        _start(sim, playback)


def _publish(sim: PbxCore, playback: Playback, event_type: str) -> None:
    sim.bus.publish(
        sorted(playback.apps), build(event_type, sim.clock.now(), playback=playback.to_json())
    )


def _listeners(sim: PbxCore, target_uri: str) -> list[Channel]:
    kind, _, ident = target_uri.partition(":")
    if kind == "channel":
        ch = sim.channels.get(ident)
        return [] if ch is None else [ch]
    bridge = sim.bridges.get(ident)
    return [] if bridge is None else [sim.channels[c] for c in bridge.channels if c in sim.channels]


def _start(sim: PbxCore, playback: Playback) -> None:
    playback.state = "playing"
    _publish(sim, playback, "PlaybackStarted")
    playback.task = sim.spawn(_run(sim, playback))


async def _run(sim: PbxCore, playback: Playback) -> None:
    for index, uri in enumerate(playback.media):
        playback.index = index
        if index > 0:
            playback.state = "playing"
        for ch in _listeners(sim, playback.target_uri):
            call = sim.calls.get(ch.call_id or "")
            if call is not None:
                call.heard.append(uri)
        seconds = await media_seconds(sim, uri)
        if seconds == UNKNOWN_SCHEME:
            _forget(sim, playback)  # Asterisk never finishes these; the id just vanishes
            return
        if seconds is None:
            finish(sim, playback, "failed")
            return
        await sim.clock.sleep(seconds)
        if playback.id not in sim.playbacks:
            return
        if index + 1 < len(playback.media):
            playback.state = "continuing"
            _publish(sim, playback, "PlaybackContinuing")
    finish(sim, playback, "done")


def _forget(sim: PbxCore, playback: Playback) -> None:
    sim.playbacks.pop(playback.id, None)
    waiting = sim.play_queues.get(playback.target_uri)
    if waiting is None:
        return
    was_head = bool(waiting) and waiting[0] is playback
    if playback in waiting:
        waiting.remove(playback)
    if not waiting:
        sim.play_queues.pop(playback.target_uri, None)
    elif was_head:
        _start(sim, waiting[0])


def finish(sim: PbxCore, playback: Playback, state: str) -> None:
    """End a playback (PlaybackFinished), then start the next one queued on its target."""
    if playback.id not in sim.playbacks:
        return
    playback.state = state
    _cancel(playback)
    _publish(sim, playback, "PlaybackFinished")
    _forget(sim, playback)


def _cancel(playback: Playback) -> None:
    if playback.task is not None and playback.task is not asyncio.current_task():
        playback.task.cancel()


def stop(sim: PbxCore, playback: Playback) -> None:
    """DELETE /playbacks/{id}: a queued or playing playback finishes `done`."""
    finish(sim, playback, "done")


def target_gone(sim: PbxCore, target_uri: str) -> None:
    """The target hung up or was destroyed: the playing one fails, queued ones vanish."""
    waiting = sim.play_queues.pop(target_uri, deque())
    for playback in list(waiting):
        if playback.state == "playing" or playback.state == "continuing":
            playback.state = "failed"
            _cancel(playback)
            _publish(sim, playback, "PlaybackFinished")
        sim.playbacks.pop(playback.id, None)


def busy(sim: PbxCore, ch: Channel) -> bool:
    """Whether a playback is queued or playing on the channel itself (not its bridge)."""
    return bool(sim.play_queues.get(f"channel:{ch.id}"))


def channel_gone(sim: PbxCore, ch: Channel) -> None:
    target_gone(sim, f"channel:{ch.id}")
