"""EventStream and transport edge cases against a tiny loopback ARI stand-in.

The simulator never sends broken JSON or refuses handshakes on cue, so these cases use a
bare aiohttp server that does exactly that; round trips live in test_client_simulator.py.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import pytest
from aiohttp import web

from ivr.ari import (
    AriClient,
    AriEvent,
    AriNotFound,
    AriServerError,
    AriUnauthorized,
    AriUnavailable,
    EventStream,
    UnknownEvent,
)
from ivr.ari.transport import MAX_DOWNLOADS, AriTransport

_AUTH = aiohttp.encode_basic_auth("hotline", "secret")


@dataclass
class StandIn:
    """What the stand-in saw, and a way to push messages to the connected socket."""

    url: str
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    downloading: int = 0  # file downloads being answered now
    most_downloading: int = 0

    async def send(self, text: str) -> None:
        await self.sockets[-1].send_str(text)


@pytest.fixture
async def stand_in() -> AsyncIterator[StandIn]:
    state = StandIn(url="")

    async def events(request: web.Request) -> web.StreamResponse:
        if request.headers.get("Authorization") != _AUTH:
            return web.json_response({"message": "Authentication required"}, status=401)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        state.sockets.append(ws)
        state.connected.set()
        async for _ in ws:
            pass
        return ws

    async def anything(request: web.Request) -> web.Response:
        state.paths.append(request.raw_path)
        if request.path.endswith("/file") and "/stored/quality" in request.raw_path:
            state.downloading += 1
            state.most_downloading = max(state.most_downloading, state.downloading)
            await asyncio.sleep(0.05)  # a megabyte on its way
            state.downloading -= 1
            return web.Response(body=b"RIFF" + bytes(40), content_type="audio/wav")
        if request.path.endswith("/slow"):
            await asyncio.sleep(float(request.query["s"]))
            return web.json_response({"id": "slow"})
        if request.path.endswith("/boom"):
            return web.json_response({"error": "Allocation failed"}, status=500)
        if request.path.endswith("/plain"):
            return web.Response(text="gone fishing", status=404)
        return web.json_response({"message": "Recording not found"}, status=404)

    app = web.Application()
    app.router.add_get("/ari/events", events)
    app.router.add_route("*", "/ari/{tail:.*}", anything)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    state.url = f"http://{host}:{port}"
    try:
        yield state
    finally:
        for ws in state.sockets:
            await ws.close()
        await runner.cleanup()


def _client(url: str, password: str = "secret") -> AriClient:
    return AriClient(base_url=url, username="hotline", password=password, app="hotline")


async def test_malformed_events_are_logged_and_skipped(
    stand_in: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    received: list[AriEvent] = []
    got_one = asyncio.Event()

    def on_event(event: AriEvent) -> None:
        received.append(event)
        got_one.set()

    async with _client(stand_in.url) as client:
        stream = client.events(on_event=on_event)
        runner = asyncio.create_task(stream.run())
        await asyncio.wait_for(stand_in.connected.wait(), 3)
        with caplog.at_level(logging.WARNING, logger="ivr.ari.connection"):
            await stand_in.send("{not json")
            await stand_in.send('{"type": "StasisStart", "args": []}')
            await stand_in.send('{"type": "ChannelHold", "channel": {"id": "c1"}}')
            await asyncio.wait_for(got_one.wait(), 3)
        await stream.close()
        await asyncio.wait_for(runner, 3)
    assert [type(e) for e in received] == [UnknownEvent]
    assert stream.malformed_events == 2
    assert "malformed" in caplog.text


async def test_server_side_drop_reconnects_and_fires_hook(stand_in: StandIn) -> None:
    resyncs: asyncio.Queue[int] = asyncio.Queue()
    async with _client(stand_in.url) as client:

        async def on_reconnect() -> None:
            await resyncs.put(stream.reconnects)

        stream = client.events(
            on_event=lambda e: None, on_reconnect=on_reconnect, backoff_initial=0.01
        )
        runner = asyncio.create_task(stream.run())
        await stream.wait_connected()
        await stand_in.sockets[-1].close()
        assert await asyncio.wait_for(resyncs.get(), 3) == 1
        await stand_in.sockets[-1].close()
        assert await asyncio.wait_for(resyncs.get(), 3) == 2
        assert stream.connected
        await stream.close()
        await asyncio.wait_for(runner, 3)
    assert len(stand_in.sockets) == 3


async def test_bad_credentials_stop_the_stream(stand_in: StandIn) -> None:
    async with _client(stand_in.url, password="wrong") as client:
        stream = client.events(on_event=lambda e: None)
        with pytest.raises(AriUnauthorized):
            await asyncio.wait_for(stream.run(), 3)


async def test_unreachable_asterisk_is_retried_until_closed() -> None:
    async with _client("http://127.0.0.1:9") as client:
        stream = client.events(on_event=lambda e: None, backoff_initial=0.01, backoff_max=0.02)
        runner = asyncio.create_task(stream.run())
        await asyncio.sleep(0.1)
        assert not runner.done()
        await stream.close()
        await asyncio.wait_for(runner, 3)
        with pytest.raises(AriUnavailable):
            await client.list_channels()


def test_backoff_grows_to_the_cap_with_jitter_below_it() -> None:
    session_free_stream = EventStream(
        session=None,  # type: ignore[arg-type]  # never connects in this test
        url=None,  # type: ignore[arg-type]
        headers={},
        on_event=lambda e: None,
        backoff_initial=0.5,
        backoff_max=8.0,
        jitter=0.5,
        rng=random.Random(7),
    )
    delays = [session_free_stream.backoff_delay(attempt) for attempt in range(12)]
    ceilings = [min(8.0, 0.5 * 2**attempt) for attempt in range(12)]
    for delay, ceiling in zip(delays, ceilings, strict=True):
        assert ceiling * 0.5 <= delay <= ceiling
    assert max(delays) <= 8.0
    assert len(set(delays)) == len(delays)  # jittered, not lock-step


async def test_error_bodies_statuses_and_request_hook(stand_in: StandIn) -> None:
    seen: list[tuple[str, str, int]] = []
    client = AriClient(
        base_url=stand_in.url + "/ari/",
        username="hotline",
        password="secret",
        app="hotline",
        on_request=lambda method, path, status, seconds: seen.append((method, path, status)),
    )
    async with client:
        with pytest.raises(AriNotFound) as not_found:
            await client.fetch_recording_file("voicemail/1001/msg 1")
        assert not_found.value.message == "Recording not found"
        with pytest.raises(AriServerError) as failed:
            await client.get_channel("boom")
        assert (failed.value.status, failed.value.message) == (500, "Allocation failed")
        with pytest.raises(AriNotFound) as plain:
            await client.get_channel("plain")
        assert plain.value.message == "gone fishing"
    assert stand_in.paths[0] == "/ari/recordings/stored/voicemail%2F1001%2Fmsg%201/file"
    assert seen == [
        ("GET", "/recordings/stored/{name}/file", 404),
        ("GET", "/channels/{channel_id}", 500),
        ("GET", "/channels/{channel_id}", 404),
    ]


async def test_downloads_take_a_few_connections_and_commands_go_past_them(
    stand_in: StandIn,
) -> None:
    async with _client(stand_in.url) as client:
        names = [f"quality/call-{n}" for n in range(40)]
        downloads = [asyncio.create_task(client.fetch_recording_file(n)) for n in names]
        await asyncio.sleep(0.01)
        # a call's command is answered while 32 downloads still wait their turn
        with pytest.raises(AriNotFound):
            await client.get_live_recording("caller-message")
        assert sum(d.done() for d in downloads) < len(downloads)
        files = await asyncio.gather(*downloads)
    assert all(f.startswith(b"RIFF") for f in files)
    assert stand_in.most_downloading == MAX_DOWNLOADS


async def test_a_request_waiting_for_a_connection_is_not_timed_out_before_it_is_sent(
    stand_in: StandIn,
) -> None:
    connector = aiohttp.TCPConnector(limit=1)  # one connection: the others wait their turn
    async with aiohttp.ClientSession(connector=connector) as session:
        transport = AriTransport(base_url=stand_in.url, username="hotline", password="secret",
                                 session=session, request_timeout=1.0)  # fmt: skip
        # 40 requests of 0.05 s each on one connection: the last is sent after ~2 s
        replies = await asyncio.gather(*(
            transport.request_json("GET", "/channels/slow", params={"s": 0.05}) for _ in range(40)
        ))  # fmt: skip
        assert replies == [{"id": "slow"}] * 40
        # once sent, a request still has only its own timeout
        with pytest.raises(AriUnavailable):
            await transport.request_json("GET", "/channels/slow", params={"s": 2.5})
