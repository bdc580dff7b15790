"""AriClient, EventStream and ChannelDispatcher against the PBX simulator over loopback."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from base.clock import ScaledClock
from ivr.ari import (
    AriBadRequest,
    AriClient,
    AriConflict,
    AriError,
    AriInvalidState,
    AriNotFound,
    AriUnauthorized,
    ChannelDestroyed,
    ChannelDtmfReceived,
    ChannelEnteredBridge,
    ChannelLeftBridge,
    Dial,
    PlaybackFinished,
    PlaybackStarted,
    RecordingFinished,
    RecordingStarted,
    StasisEnd,
    StasisStart,
)
from tests.ivr.ari.harness import StasisApp

simulator = pytest.importorskip("ivr.simulator")

SPEED = 20.0  # simulated seconds per real second: a 10 s busy tone takes 0.5 s


@pytest.fixture
def clock() -> ScaledClock:
    return ScaledClock(speed=SPEED)


@pytest.fixture
async def sim(clock: ScaledClock, tmp_path: Path) -> AsyncIterator[Any]:
    running = await simulator.start_simulator(
        clock=clock, recordings_dir=tmp_path / "recordings", users={"hotline": "hotline"}
    )
    try:
        yield running
    finally:
        await running.stop()


def _root(sim: Any) -> str:
    return str(sim.url).rstrip("/").removesuffix("/ari")


@pytest.fixture
async def client(sim: Any) -> AsyncIterator[AriClient]:
    async with AriClient(
        base_url=_root(sim), username="hotline", password="hotline", app="hotline"
    ) as ari:
        yield ari


@pytest.fixture
async def app(client: AriClient, clock: ScaledClock) -> AsyncIterator[StasisApp]:
    stasis_app = StasisApp(client, clock=clock)
    await stasis_app.start()
    try:
        yield stasis_app
    finally:
        await stasis_app.stop()


async def _sim_post(sim: Any, path: str, body: dict[str, Any] | None = None) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{_root(sim)}{path}", json=body or {}) as response,
    ):
        assert response.status < 300, await response.text()
        return await response.json() if response.content_length != 0 else None


async def _inbound_call(
    sim: Any, app: StasisApp, script: list[dict[str, Any]] | None = None
) -> StasisStart:
    await _sim_post(
        sim, "/sim/calls", {"number": "12345", "caller": "13800000001", "script": script or []}
    )
    return await app.next_call()


async def test_info_endpoints_and_application(client: AriClient, app: StasisApp) -> None:
    info = await client.asterisk_info()
    assert info
    assert isinstance(await client.list_endpoints(), list)
    application = await client.get_application()
    assert application["name"] == "hotline"
    with pytest.raises(AriNotFound):
        await client.get_application("nope")


async def test_wrong_password_is_401_and_api_key_works(sim: Any, app: StasisApp) -> None:
    async with AriClient(
        base_url=_root(sim), username="hotline", password="wrong", app="hotline"
    ) as bad:
        with pytest.raises(AriUnauthorized) as refused:
            await bad.list_channels()
        assert refused.value.status == 401
        with pytest.raises(AriUnauthorized):
            await bad.events(on_event=lambda e: None).run()
    async with AriClient(
        base_url=_root(sim) + "/ari",
        username="hotline",
        password="hotline",
        app="hotline",
        use_api_key=True,
    ) as keyed:
        assert await keyed.list_channels() == []
        await app.stop()  # the keyed socket takes the app over otherwise
        keyed_app = StasisApp(keyed, clock=ScaledClock(speed=SPEED))
        await keyed_app.start()
        assert keyed_app.stream.connected
        await keyed_app.stop()


async def test_inbound_call_answer_play_and_dtmf_in_order(
    sim: Any, client: AriClient, app: StasisApp
) -> None:
    start = await _inbound_call(sim, app, [{"at": 1.0, "dtmf": "735#"}])
    channel = start.channel
    assert start.args == ("12345",)
    assert channel.caller.number == "13800000001"
    await client.answer(channel.id)
    playback = await client.play(channel.id, ["sound:hello-world", "digits:42"])
    assert playback.target_uri == f"channel:{channel.id}"
    started = await app.expect(channel.id, PlaybackStarted)
    assert started.playback.id == playback.id
    digits = [(await app.expect(channel.id, ChannelDtmfReceived)).digit for _ in range(4)]
    assert digits == ["7", "3", "5", "#"]
    await client.stop_playback(playback.id)
    finished = await app.expect(channel.id, PlaybackFinished)
    assert finished.playback.state == "done"
    await client.hangup(channel.id)
    await app.expect(channel.id, StasisEnd)
    with pytest.raises(AriNotFound):
        await client.get_channel(channel.id)


async def test_variables_dtmf_and_ring(sim: Any, client: AriClient, app: StasisApp) -> None:
    channel = (await _inbound_call(sim, app)).channel
    await client.set_variable(channel.id, "HOTLINE_DEPT", "water")
    assert await client.get_variable(channel.id, "HOTLINE_DEPT") == "water"
    await client.send_dtmf(channel.id, "1")
    await client.ring(channel.id)
    assert [c.id for c in await client.list_channels()] == [channel.id]
    await client.hangup(channel.id)


async def test_create_and_dial_busy_liaison(sim: Any, client: AriClient, app: StasisApp) -> None:
    sim.simulator.set_endpoint("PJSIP/2002", "busy")
    liaison_id = f"liaison-{uuid.uuid4()}"
    app.watch(liaison_id)
    created = await client.create_channel(
        endpoint="PJSIP/2002", app_args="liaison", channel_id=liaison_id
    )
    assert (created.id, created.state) == (liaison_id, "Down")
    start = await app.expect(liaison_id, StasisStart)
    assert start.args == ("liaison",)
    assert app.new_calls.empty()  # a watched channel is not a new call
    await client.dial(liaison_id, timeout=20)
    dialstatuses: list[str] = []
    while not dialstatuses or dialstatuses[-1] in ("", "RINGING", "PROGRESS"):
        dialstatuses.append((await app.expect(liaison_id, Dial)).dialstatus)
    assert dialstatuses[-1] == "BUSY"
    await client.hangup(liaison_id, reason="busy")
    assert await app.expect(liaison_id, StasisEnd)
    destroyed = await app.expect(liaison_id, ChannelDestroyed)
    assert destroyed.channel.id == liaison_id


async def test_originate_answered_enters_stasis_with_args(
    sim: Any, client: AriClient, app: StasisApp
) -> None:
    sim.simulator.set_endpoint("PJSIP/2001", "answer:1")
    liaison_id = f"liaison-{uuid.uuid4()}"
    app.watch(liaison_id)
    channel = await client.originate(
        endpoint="PJSIP/2001",
        app_args="callback,42",
        caller_id='"12345" <12345>',
        channel_id=liaison_id,
        variables={"HOTLINE_CASE": "42"},
    )
    assert channel.id == liaison_id
    answered = await app.expect(liaison_id, Dial)
    while answered.dialstatus != "ANSWER":
        answered = await app.expect(liaison_id, Dial)
    start = await app.expect(liaison_id, StasisStart)
    assert start.args == ("callback", "42")
    assert start.channel.state == "Up"
    await client.hangup(liaison_id)
    await app.expect(liaison_id, ChannelDestroyed)


async def test_bridge_round_trip(sim: Any, client: AriClient, app: StasisApp) -> None:
    caller = (await _inbound_call(sim, app)).channel
    bridge = await client.create_bridge(name="case-42")
    assert bridge.bridge_type == "mixing"
    await client.add_channel(bridge.id, caller.id)
    entered = await app.expect(caller.id, ChannelEnteredBridge)
    assert entered.bridge.id == bridge.id
    assert (await client.get_bridge(bridge.id)).channels == (caller.id,)
    assert [b.id for b in await client.list_bridges()] == [bridge.id]
    playback = await client.play_on_bridge(bridge.id, "sound:hello-world")
    assert playback.target_uri == f"bridge:{bridge.id}"
    await client.remove_channel(bridge.id, caller.id)
    await app.expect(caller.id, ChannelLeftBridge)
    await client.destroy_bridge(bridge.id)
    with pytest.raises(AriNotFound):
        await client.get_bridge(bridge.id)
    await client.hangup(caller.id)


async def test_record_then_fetch_and_delete_stored(
    sim: Any, client: AriClient, app: StasisApp
) -> None:
    caller = (await _inbound_call(sim, app)).channel
    name = "voicemail/12345/msg-1"  # a sub-directory: '/' travels as %2F
    live = await client.record(caller.id, name=name, max_duration=2, beep=True)
    assert live.name == name
    await app.expect(caller.id, RecordingStarted)
    finished = await app.expect(caller.id, RecordingFinished)
    assert finished.recording.state == "done"
    assert name in [r.name for r in await client.list_stored_recordings()]
    assert (await client.get_stored_recording(name)).format == "wav"
    audio = await client.fetch_recording_file(name)
    assert audio[:4] == b"RIFF"
    assert audio[8:12] == b"WAVE"
    await client.delete_stored_recording(name)
    with pytest.raises(AriNotFound):
        await client.fetch_recording_file(name)
    await client.hangup(caller.id)


async def test_recording_stop_cancel_and_duplicate_name(
    sim: Any, client: AriClient, app: StasisApp
) -> None:
    caller = (await _inbound_call(sim, app)).channel
    await client.record(caller.id, name="kept")
    with pytest.raises(AriConflict) as duplicate:
        await client.record(caller.id, name="kept")
    assert duplicate.value.status == 409
    await client.stop_recording("kept")
    assert (await client.get_stored_recording("kept")).name == "kept"
    await client.record(caller.id, name="dropped")
    await client.cancel_recording("dropped")
    with pytest.raises(AriNotFound):
        await client.get_stored_recording("dropped")
    await client.hangup(caller.id)


async def test_error_statuses(sim: Any, client: AriClient, app: StasisApp) -> None:
    caller = (await _inbound_call(sim, app)).channel
    with pytest.raises(AriNotFound) as missing:
        await client.get_channel("nope")
    assert (missing.value.status, missing.value.message) == (404, "Channel not found")
    with pytest.raises(AriConflict):
        await client.dial(caller.id)  # not Down
    liaison_id = f"liaison-{uuid.uuid4()}"
    app.watch(liaison_id)
    await client.create_channel(endpoint="PJSIP/2001", channel_id=liaison_id)
    with pytest.raises(AriInvalidState) as down:
        await client.play(liaison_id, "sound:hello-world")
    assert down.value.status == 412
    bridge = await client.create_bridge()
    with pytest.raises(AriBadRequest):
        await client.add_channel(bridge.id, "nope")
    with pytest.raises(AriError) as not_member:
        await client.remove_channel(bridge.id, caller.id)
    assert not_member.value.status == 422
    with pytest.raises(AriNotFound):
        await client.stop_playback("nope")
    await client.destroy_bridge(bridge.id)
    await client.hangup(liaison_id)
    await client.hangup(caller.id)


async def test_reconnect_after_server_drop_resyncs(
    sim: Any, client: AriClient, app: StasisApp
) -> None:
    caller = (await _inbound_call(sim, app, [{"at": 3.0, "dtmf": "9"}])).channel
    await _sim_post(sim, "/sim/apps/hotline/drop")
    channel_ids = await asyncio.wait_for(app.resyncs.get(), 5)
    assert caller.id in channel_ids  # channels stay in Stasis while the socket is down
    assert app.stream.reconnects == 1
    await app.stream.wait_connected()
    # events flow again on the new socket
    await client.play(caller.id, "sound:hello-world")
    await app.expect(caller.id, PlaybackStarted)
    await client.hangup(caller.id)
    await app.expect(caller.id, StasisEnd)
