"""Recording a bridge, as Asterisk does it: 201 `bridge:<id>`, Started/Finished, the mix."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from ivr.simulator import RunningSimulator
from ivr.simulator.audio import decode_wav, talk_seconds

from .conftest import EventReader


async def _call(
    client: aiohttp.ClientSession, running: RunningSimulator, **spec: object
) -> dict[str, str]:
    async with client.post(f"{running.url}/sim/calls", json={"number": "12345", **spec}) as resp:
        assert resp.status == 201
        body: dict[str, str] = await resp.json()
        return body


async def _bridged(
    client: aiohttp.ClientSession, running: RunningSimulator, *channel_ids: str
) -> str:
    async with client.post(f"{running.url}/ari/bridges/qa-bridge") as resp:
        assert resp.status == 200
    for channel_id in channel_ids:
        url = f"{running.url}/ari/bridges/qa-bridge/addChannel"
        async with client.post(url, params={"channel": channel_id}) as resp:
            assert resp.status == 204
    return "qa-bridge"


def _types(events: EventReader) -> list[str]:
    return [e["type"] for e in events.events if not e["type"].startswith("ChannelVarset")]


async def test_recording_a_missing_bridge_is_404(
    running: RunningSimulator, client: aiohttp.ClientSession
) -> None:
    url = f"{running.url}/ari/bridges/nope/record"
    async with client.post(url, params={"name": "x", "format": "wav"}) as resp:
        assert resp.status == 404
        assert await resp.json() == {"message": "Bridge not found"}


async def test_a_bridge_recording_holds_both_sides_until_stopped(
    running: RunningSimulator,
    client: aiohttp.ClientSession,
    events: EventReader,
    speech_wav: Path,
) -> None:
    await events.connect()
    caller = await _call(client, running, script=[{"at": 1.0, "say": str(speech_wav)}])
    liaison = await _call(client, running, script=[{"at": 3.0, "say": str(speech_wav)}])
    await events.wait_for(2)
    bridge = await _bridged(client, running, caller["channel_id"], liaison["channel_id"])
    url = f"{running.url}/ari/bridges/{bridge}/record"
    async with client.post(url, params={"name": "quality/c1", "format": "wav"}) as resp:
        assert resp.status == 201
        assert resp.headers["Location"] == "/ari/recordings/live/quality/c1"
        body = await resp.json()
    assert body["target_uri"] == f"bridge:{bridge}"
    assert body["state"] in ("queued", "recording")
    # the Recorder channel is internal: the bridge shows its two members only
    async with client.get(f"{running.url}/ari/bridges/{bridge}") as resp:
        assert sorted((await resp.json())["channels"]) == sorted(
            [caller["channel_id"], liaison["channel_id"]]
        )
    # a second recording of the same name is refused while the first runs
    async with client.post(url, params={"name": "quality/c1", "format": "wav"}) as resp:
        assert resp.status == 409
    await running.simulator.clock.sleep(6.0)
    async with client.post(f"{running.url}/ari/recordings/live/quality%2Fc1/stop") as resp:
        assert resp.status == 204
    await events.wait_for(len(events.events) + 1)
    recording_events = [e for e in events.events if e["type"].startswith("Recording")]
    assert [e["type"] for e in recording_events] == ["RecordingStarted", "RecordingFinished"]
    finished = recording_events[1]["recording"]
    assert finished["state"] == "done"
    assert finished["target_uri"] == f"bridge:{bridge}"
    assert finished["duration"] == 6
    # fetched as the controller does, right after RecordingFinished
    async with client.get(f"{running.url}/ari/recordings/stored/quality%2Fc1/file") as resp:
        assert resp.status == 200
        mixed = decode_wav(await resp.read())
    assert 6.0 <= len(mixed) / 8000 < 6.1  # the whole recording, as its duration said
    assert 2.6 <= talk_seconds(mixed) <= 3.0  # both utterances in the mix


async def test_destroying_the_bridge_finishes_its_recording_first(
    running: RunningSimulator, client: aiohttp.ClientSession, events: EventReader
) -> None:
    await events.connect()
    caller = await _call(client, running)
    await events.wait_for(1)
    bridge = await _bridged(client, running, caller["channel_id"])
    url = f"{running.url}/ari/bridges/{bridge}/record"
    async with client.post(url, params={"name": "quality/c2", "format": "wav"}) as resp:
        assert resp.status == 201
    await running.simulator.clock.sleep(2.0)
    async with client.delete(f"{running.url}/ari/bridges/{bridge}") as resp:
        assert resp.status == 204
    await events.wait_for(len(events.events) + 1)
    tail = _types(events)[-3:]
    assert tail == ["ChannelLeftBridge", "RecordingFinished", "BridgeDestroyed"]
    finished = next(e for e in events.events if e["type"] == "RecordingFinished")
    assert finished["recording"]["duration"] == 2
