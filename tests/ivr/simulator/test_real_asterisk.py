"""Simulator behaviours a real Asterisk 22.10.1 showed beyond the recorded traces (issue 13)."""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from base.clock import LoopClock
from ivr.simulator import RunningSimulator


class TimedReader:
    """Reads one events WebSocket and notes, per frame, the simulated instant it arrived."""

    def __init__(self, clock: LoopClock) -> None:
        self.clock = clock
        self.frames: list[tuple[float, dict[str, Any]]] = []
        self.arrived = asyncio.Event()

    async def read(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.TEXT:
                self.frames.append((self.clock.monotonic(), json.loads(msg.data)))
                self.arrived.set()

    async def until(self, event_type: str, limit: float = 5.0) -> dict[str, Any]:
        async with asyncio.timeout(limit):
            while True:
                for _, event in self.frames:
                    if event["type"] == event_type:
                        return event
                self.arrived.clear()
                await self.arrived.wait()

    def at(self, event_type: str) -> float:
        return next(t for t, e in self.frames if e["type"] == event_type)


@pytest.fixture
async def timed(
    running: RunningSimulator, client: aiohttp.ClientSession, clock: LoopClock
) -> AsyncIterator[TimedReader]:
    reader = TimedReader(clock)
    ws = await client.ws_connect(f"{running.url}/ari/events?app=hotline")
    task = asyncio.get_running_loop().create_task(reader.read(ws))
    try:
        yield reader
    finally:
        await ws.close()
        await task


async def _created(running: RunningSimulator, client: aiohttp.ClientSession, endpoint: str) -> str:
    create = f"{running.url}/ari/channels/create"
    async with client.post(create, params={"endpoint": endpoint, "app": "hotline"}) as resp:
        assert resp.status == 200, await resp.text()
        body: dict[str, Any] = await resp.json()
    return str(body["id"])


async def test_dial_timeout_teardown_arrives_as_spaced_frames(
    running: RunningSimulator, client: aiohttp.ClientSession, timed: TimedReader
) -> None:
    # ari-traces/dial_noanswer.json: the soft hang-up request comes first, and the cause
    # (19) only with ChannelDestroyed a couple of milliseconds later.
    running.simulator.set_endpoint("PJSIP/lj-001-a", "noanswer")
    leg = await _created(running, client, "PJSIP/lj-001-a")
    async with client.post(f"{running.url}/ari/channels/{leg}/dial", params={"timeout": 2}) as resp:
        assert resp.status == 204
    destroyed = await timed.until("ChannelDestroyed")
    kinds = [e["type"] for _, e in timed.frames]
    tail = kinds[kinds.index("ChannelHangupRequest") :]
    assert tail == ["ChannelHangupRequest", "StasisEnd", "ChannelVarset", "ChannelDestroyed"]
    request = next(e for _, e in timed.frames if e["type"] == "ChannelHangupRequest")
    assert (request["cause"], request["soft"]) == (32, True)
    assert destroyed["cause"] == 19
    assert timed.at("StasisEnd") - timed.at("ChannelHangupRequest") >= 0.0015
    assert timed.at("ChannelDestroyed") - timed.at("StasisEnd") >= 0.0015


async def test_add_channel_waits_behind_the_channels_playback(
    running: RunningSimulator, client: aiohttp.ClientSession, timed: TimedReader, clock: LoopClock
) -> None:
    call = running.simulator.place_call("12345", caller="13800000001")
    channel = call.channel_id
    url = running.url
    async with client.post(
        f"{url}/ari/channels/{channel}/play/moh", params={"media": "tone:440/400|0/400"}
    ) as resp:
        assert resp.status == 201
    async with client.post(f"{url}/ari/bridges/b1") as resp:
        assert resp.status == 200
    add = asyncio.ensure_future(
        client.post(f"{url}/ari/bridges/b1/addChannel", params={"channel": channel})
    )
    await clock.sleep(3.0)
    assert not add.done()  # a looping tone holds the bridge-join back
    assert running.simulator.bridges["b1"].channels == []
    async with client.delete(f"{url}/ari/playbacks/moh") as resp:
        assert resp.status == 204
    async with asyncio.timeout(2):
        added = await add
    assert added.status == 204
    added.release()
    await timed.until("ChannelEnteredBridge")
    kinds = [e["type"] for _, e in timed.frames]
    assert kinds.index("PlaybackFinished") < kinds.index("ChannelEnteredBridge")


async def test_unregistered_endpoint_cannot_be_created_and_is_offline(
    running: RunningSimulator, client: aiohttp.ClientSession, timed: TimedReader
) -> None:
    url = running.url
    seat = "PJSIP/seat-lj-01"
    async with client.post(
        f"{url}/ari/applications/hotline/subscription", params={"eventSource": f"endpoint:{seat}"}
    ) as resp:
        assert resp.status == 200
        assert (await resp.json())["endpoint_ids"] == [seat]
    running.simulator.set_endpoint(seat, "unregistered")
    create = f"{url}/ari/channels/create"
    async with client.post(create, params={"endpoint": seat, "app": "hotline"}) as resp:
        assert resp.status == 500
        assert await resp.json() == {"error": "Allocation failed"}
    async with client.post(
        f"{url}/ari/channels", params={"endpoint": seat, "app": "hotline"}
    ) as resp:
        assert resp.status == 500
    async with client.get(f"{url}/ari/endpoints/PJSIP/seat-lj-01") as resp:
        assert (await resp.json())["state"] == "offline"
    went = await timed.until("EndpointStateChange")
    assert went["endpoint"]["state"] == "offline"
    assert list(went) == ["type", "timestamp", "endpoint", "asterisk_id", "application"]
    running.simulator.set_endpoint(seat, "answer")  # the phone registers again
    await _created(running, client, seat)
    states = [e["endpoint"]["state"] for _, e in timed.frames if e["type"] == "EndpointStateChange"]
    assert states == ["offline", "online"]


async def test_endpoint_subscription_errors(
    running: RunningSimulator, client: aiohttp.ClientSession, timed: TimedReader
) -> None:
    sub = f"{running.url}/ari/applications/hotline/subscription"
    async with client.post(sub) as resp:
        assert resp.status == 400
    async with client.post(sub, params={"eventSource": "endpoint:NOPE/x"}) as resp:
        assert resp.status == 422
    async with client.delete(sub, params={"eventSource": "endpoint:PJSIP/a"}) as resp:
        assert resp.status == 409
    nobody = f"{running.url}/ari/applications/nobody/subscription"
    async with client.post(nobody, params={"eventSource": "endpoint:PJSIP/a"}) as resp:
        assert resp.status == 404


async def test_record_without_a_recording_directory_is_a_500(
    running: RunningSimulator, client: aiohttp.ClientSession, timed: TimedReader
) -> None:
    call = running.simulator.place_call("12345", caller="13800000001")
    shutil.rmtree(running.simulator.recordings_dir)
    record = f"{running.url}/ari/channels/{call.channel_id}/record"
    async with client.post(record, params={"name": "vm/x", "format": "wav"}) as resp:
        assert resp.status == 500
        assert await resp.json() == {
            "message": "Unrecognized recording error: No such file or directory"
        }
    async with client.get(f"{running.url}/ari/recordings/stored") as resp:
        assert resp.status == 500
        assert await resp.json() == {"error": "Allocation failed"}
    assert running.simulator.summary()["live_recordings"] == []
