"""Simulator behaviours beyond the recorded traces: control API, media, recordings, apps."""

from __future__ import annotations

import asyncio
import wave
from pathlib import Path

import aiohttp
from aiohttp import web

from ivr.simulator import RunningSimulator
from ivr.simulator.audio import read_wav, silence, talk_seconds, write_wav

from .conftest import EventReader


async def _call(
    client: aiohttp.ClientSession, running: RunningSimulator, **spec: object
) -> dict[str, str]:
    async with client.post(f"{running.url}/sim/calls", json={"number": "12345", **spec}) as resp:
        assert resp.status == 201
        body: dict[str, str] = await resp.json()
        return body


async def test_recording_holds_the_callers_speech(
    running: RunningSimulator,
    client: aiohttp.ClientSession,
    events: EventReader,
    speech_wav: Path,
    tmp_path: Path,
) -> None:
    await events.connect()
    # The caller speaks 0.5 s after the line starts listening, however late that is.
    script = [{"on": "recording", "at": 0.5, "say": str(speech_wav)}]
    call = await _call(client, running, script=script)
    await events.wait_for(1)
    await running.simulator.clock.sleep(3.0)
    url = f"{running.url}/ari/channels/{call['channel_id']}/record"
    params = {"name": "vm/2026/a1", "format": "wav", "maxSilenceSeconds": "2"}
    async with client.post(url, params=params) as resp:
        assert resp.status == 201
        assert resp.headers["Location"] == "/ari/recordings/live/vm/2026/a1"
    assert await events.wait_for(3)
    finished = events.events[2]
    assert finished["type"] == "RecordingFinished"
    assert finished["recording"]["duration"] == 2  # 0.5 s silence, 1.4 s talk, 0.2 s kept
    assert finished["recording"]["talking_duration"] == 1
    async with client.get(f"{running.url}/ari/recordings/stored/vm%2F2026%2Fa1/file") as resp:
        assert resp.status == 200
        assert resp.content_type == "audio/wav"
        data = await resp.read()
    path = tmp_path / "got.wav"
    path.write_bytes(data)
    with wave.open(str(path)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
    assert 1.3 <= talk_seconds(read_wav(path)) <= 1.5


async def test_a_script_step_on_recording_must_say_on_what(
    running: RunningSimulator, client: aiohttp.ClientSession, speech_wav: Path
) -> None:
    script = [{"on": "answer", "at": 0.5, "say": str(speech_wav)}]
    spec = {"number": "12345", "script": script}
    async with client.post(f"{running.url}/sim/calls", json=spec) as resp:
        assert resp.status == 400
        assert "'on' must be" in await resp.text()


async def test_cancelled_recording_leaves_no_file(
    running: RunningSimulator, client: aiohttp.ClientSession, events: EventReader
) -> None:
    await events.connect()
    call = await _call(client, running)
    await events.wait_for(1)
    url = f"{running.url}/ari/channels/{call['channel_id']}/record"
    async with client.post(url, params={"name": "gone", "format": "wav"}) as resp:
        assert resp.status == 201
    async with client.delete(f"{running.url}/ari/recordings/live/gone") as resp:
        assert resp.status == 204
    assert await events.wait_for(3)
    assert events.events[2]["recording"]["state"] == "canceled"
    async with client.get(f"{running.url}/ari/recordings/stored/gone") as resp:
        assert resp.status == 404
    assert running.simulator.summary()["live_recordings"] == []


async def test_multiple_media_continue_and_http_sounds_are_fetched(
    running: RunningSimulator, client: aiohttp.ClientSession, events: EventReader, tmp_path: Path
) -> None:
    prompt = tmp_path / "prompt.wav"
    write_wav(prompt, silence(2.0))

    async def serve(request: web.Request) -> web.StreamResponse:
        if request.match_info["name"] != "prompt.wav":
            raise web.HTTPNotFound()
        return web.FileResponse(prompt)

    media_app = web.Application()
    media_app.router.add_get("/{name}", serve)
    runner = web.AppRunner(media_app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        await events.connect()
        call = await _call(client, running)
        await events.wait_for(1)
        media = f"sound:http://{host}:{port}/prompt.wav,digits:12,sound:http://{host}:{port}/missing.wav"
        started = running.simulator.clock.monotonic()
        url = f"{running.url}/ari/channels/{call['channel_id']}/play"
        async with client.post(url, params={"media": media}) as resp:
            assert resp.status == 201
        assert await events.wait_for(5, limit=10)
        kinds = [e["type"] for e in events.events[1:5]]
        assert kinds == [
            "PlaybackStarted",
            "PlaybackContinuing",
            "PlaybackContinuing",
            "PlaybackFinished",
        ]
        assert events.events[2]["playback"]["next_media_uri"] == "digits:12"
        assert events.events[4]["playback"]["state"] == "failed"
        assert running.simulator.clock.monotonic() - started >= 2.9  # 2 s prompt + 2 digits
    finally:
        await runner.cleanup()


async def test_endpoint_behaviour_from_control_api(
    running: RunningSimulator, client: aiohttp.ClientSession, events: EventReader
) -> None:
    await events.connect()
    put = f"{running.url}/sim/endpoints/PJSIP%2Flj-001-a"
    async with client.put(put, json={"behaviour": "answer:1", "hangup_after": 2}) as resp:
        assert resp.status == 200
        assert (await resp.json())["behaviour"] == "answer:1"
    create = f"{running.url}/ari/channels/create"
    async with client.post(create, params={"endpoint": "PJSIP/lj-001-a", "app": "hotline"}) as resp:
        liaison = await resp.json()
    async with client.post(f"{running.url}/ari/channels/{liaison['id']}/dial") as resp:
        assert resp.status == 204
    assert await events.wait_for(12)
    kinds = [e["type"] for e in events.events]
    assert kinds == [
        "ChannelDialplan",
        "ChannelVarset",
        "StasisStart",
        "Dial",
        "ChannelStateChange",
        "Dial",
        "ChannelStateChange",
        "Dial",
        "ChannelHangupRequest",
        "StasisEnd",
        "ChannelVarset",
        "ChannelDestroyed",
        *kinds[12:],
    ]
    assert [e.get("dialstatus") for e in events.events if e["type"] == "Dial"] == [
        "",
        "RINGING",
        "ANSWER",
    ]
    assert events.events[8]["cause"] == 16


async def test_inactive_app_never_hears_of_a_call(
    running: RunningSimulator, client: aiohttp.ClientSession, events: EventReader
) -> None:
    call = await _call(client, running, caller="13800000001")
    async with client.get(f"{running.url}/sim/calls/{call['call_id']}") as resp:
        view = await resp.json()
    assert view["ended"] is True
    await events.connect()
    await asyncio.sleep(0.05)
    assert events.events == []
    async with client.get(f"{running.url}/sim/state") as resp:
        assert await resp.json() == {
            "channels": [],
            "bridges": [],
            "playbacks": [],
            "live_recordings": [],
        }


async def test_second_socket_replaces_and_drop_closes(
    running: RunningSimulator, client: aiohttp.ClientSession, events: EventReader
) -> None:
    await events.connect()
    second = EventReader(client, running.url)
    await second.connect()
    assert await events.wait_for(1)
    assert list(events.events[0]) == ["type", "timestamp", "application", "asterisk_id"]
    assert events.events[0]["type"] == "ApplicationReplaced"
    await _call(client, running)
    assert await second.wait_for(1)
    assert second.events[0]["type"] == "StasisStart"
    async with client.post(f"{running.url}/sim/apps/hotline/drop") as resp:
        assert (await resp.json())["closed"] == 2
    await second.close()
    async with client.get(f"{running.url}/ari/applications/hotline") as resp:
        assert len((await resp.json())["channel_ids"]) == 1


async def test_events_before_response_option(
    running: RunningSimulator, client: aiohttp.ClientSession, events: EventReader
) -> None:
    async with client.put(
        f"{running.url}/sim/options", json={"events_before_response": True}
    ) as resp:
        assert (await resp.json()) == {"events_before_response": True}
    await events.connect()
    call = await _call(client, running)
    assert await events.wait_for(1)
    async with client.delete(f"{running.url}/ari/channels/{call['channel_id']}") as resp:
        assert resp.status == 204
    # the events were on the socket before the reply was written
    assert await events.wait_for(3, limit=0.5)


async def test_api_key_auth_and_clock(running: RunningSimulator) -> None:
    async with aiohttp.ClientSession() as bare:
        async with bare.get(
            f"{running.url}/ari/asterisk/info", params={"api_key": "hotline:hotline"}
        ) as resp:
            assert resp.status == 200
            assert (await resp.json())["system"]["version"] == "22.10.1"
        async with bare.put(
            f"{running.url}/sim/clock", json={"now": "2026-11-24T10:00:00+08:00"}
        ) as resp:
            body = await resp.json()
        assert body["now"].startswith("2026-11-24T10:00:0")
        assert body["now"].endswith("+0800")
