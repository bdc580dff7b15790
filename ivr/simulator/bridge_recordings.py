"""Recording a bridge (POST /bridges/{id}/record): the mixed audio of its members.

Asterisk pushes an internal Recorder channel into the bridge and records on it
(res/ari/resource_bridges.c, code reading). That channel is sanitized out of the bridge's
`channels` and of every event; the app hears only RecordingStarted / RecordingFinished,
with target_uri `bridge:<id>`, on the bridge's topic. The Recorder is a "lonely" member:
it is kicked out, and the recording finishes `done`, once no other member is left; so
it does when the bridge is destroyed. `POST /recordings/live/{name}/stop` keeps it,
`DELETE` discards it, as for a channel's recording.
"""

from __future__ import annotations

from array import array
from functools import partial
from pathlib import Path

import numpy as np

from ivr.simulator import audio
from ivr.simulator.core import PbxCore
from ivr.simulator.events import build
from ivr.simulator.recordings import stored_path, write_later
from ivr.simulator.state import Bridge, Channel, LiveRecording, MemberSpan

_MAX = 32767


def _publish(sim: PbxCore, bridge: Bridge | None, rec: LiveRecording, event_type: str) -> None:
    apps = sorted(bridge.apps) if bridge is not None else ([rec.app] if rec.app else [])
    sim.bus.publish(apps, build(event_type, sim.clock.now(), recording=rec.to_json()))


def start(sim: PbxCore, bridge: Bridge, rec: LiveRecording) -> None:
    """Begin recording the bridge's members, present and future."""
    now = sim.clock.monotonic()
    sim.recordings[rec.name] = rec
    bridge.recordings.append(rec.name)
    rec.state = "recording"
    rec.capture_from = now
    rec.spans = [MemberSpan(sim.channels[c], now) for c in bridge.channels if c in sim.channels]
    _publish(sim, bridge, rec, "RecordingStarted")
    if rec.max_duration > 0:
        sim.spawn(_limit(sim, rec))


async def _limit(sim: PbxCore, rec: LiveRecording) -> None:
    await sim.clock.sleep(rec.max_duration)
    finish(sim, rec, "done")


def member_joined(sim: PbxCore, bridge: Bridge, ch: Channel) -> None:
    for rec in _live(sim, bridge):
        rec.spans.append(MemberSpan(ch, sim.clock.monotonic()))


def member_left(sim: PbxCore, bridge: Bridge, ch: Channel) -> None:
    """Close the member's span; the last member out takes the Recorder with it."""
    now = sim.clock.monotonic()
    for rec in _live(sim, bridge):
        for span in rec.spans:
            if span.channel is ch and span.left is None:
                span.left = now
        if not bridge.channels:
            finish(sim, rec, "done")


def bridge_gone(sim: PbxCore, bridge: Bridge) -> None:
    for rec in _live(sim, bridge):
        finish(sim, rec, "done")


def _live(sim: PbxCore, bridge: Bridge) -> list[LiveRecording]:
    return [sim.recordings[n] for n in list(bridge.recordings) if n in sim.recordings]


def _length(rec: LiveRecording, until: float) -> int:
    """Samples recorded from the capture's start until `until`."""
    return audio.sample_count(until - rec.capture_from)


def mix(rec: LiveRecording, until: float) -> array[int]:
    """What the Recorder heard: every member's outgoing audio while it was in the bridge."""
    total = np.zeros(_length(rec, until), dtype=np.int32)
    for span in rec.spans:
        joined = max(span.joined, rec.capture_from)
        left = min(span.left if span.left is not None else until, until)
        sent = span.channel.audio.sent_between(joined, left)
        if left <= joined or not sent:
            continue  # a silent member adds nothing to the mix
        # Only the stretch from its first to its last utterance: the rest is silence.
        start = max(joined, min(u.start for u in sent))
        end = min(left, max(u.end for u in sent))
        offset = audio.sample_count(start - rec.capture_from)
        heard = np.frombuffer(span.channel.audio.extract(start, end), dtype=np.int16)
        heard = heard[: max(0, len(total) - offset)]
        total[offset : offset + len(heard)] += heard
    mixed = array("h")
    mixed.frombytes(np.clip(total, -_MAX, _MAX).astype(np.int16).tobytes())
    return mixed


def finish(sim: PbxCore, rec: LiveRecording, state: str) -> None:
    """Publish RecordingFinished; the mixed file (unless canceled) is written just after.

    Asterisk has written the file while recording, so its stop answers at once; mixing a
    long call here before answering would hold the caller's next command behind it.
    """
    if sim.recordings.get(rec.name) is not rec:
        return
    del sim.recordings[rec.name]
    bridge = sim.bridges.get(rec.bridge_id or "")
    if bridge is not None and rec.name in bridge.recordings:
        bridge.recordings.remove(rec.name)
    until = sim.clock.monotonic()
    samples = _length(rec, until)
    path = stored_path(sim, rec.name)
    if state != "canceled" and path is not None:
        if rec.if_exists == "append" and path.is_file():
            appended = audio.read_wav(path) + mix(rec, until)
            audio.write_wav(path, appended)
            samples = len(appended)
        else:
            write_later(sim, rec.name, partial(_write_mix, rec, until, path))
    rec.state = state
    rec.duration = int(samples / audio.RATE)
    _publish(sim, bridge, rec, "RecordingFinished")


def _write_mix(rec: LiveRecording, until: float, path: Path) -> None:
    audio.write_wav(path, mix(rec, until))
