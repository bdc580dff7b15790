"""Prometheus metrics: ARI latency from a real client against the simulator, reconnects of
a real event stream, live figures from a real in-memory routing store, and `GET /metrics`."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from prometheus_client import REGISTRY, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from base.clock import ScaledClock
from ivr.ari import AriClient, AriNotFound, ChannelDispatcher
from ivr.metrics import Metrics, build_metrics, metrics_routes
from routing import InMemoryStore, QueueEntry, SeatState

simulator = pytest.importorskip("ivr.simulator")


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample by (name, sorted labels)."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


@pytest.fixture
def clock() -> ScaledClock:
    return ScaledClock(speed=20.0)


@pytest.fixture
async def sim(clock: ScaledClock, tmp_path: Path) -> AsyncIterator[Any]:
    running = await simulator.start_simulator(
        clock=clock, recordings_dir=tmp_path / "recordings", users={"hotline": "hotline"}
    )
    try:
        yield running
    finally:
        await running.stop()


async def scrape(metrics: Metrics) -> str:
    app = web.Application()
    app.add_routes(metrics_routes(metrics, token="scrape-secret"))
    async with (
        TestServer(app, host="127.0.0.1", port=0) as server,
        aiohttp.ClientSession() as http,
        http.get(
            server.make_url("/metrics"), headers={"Authorization": "Bearer scrape-secret"}
        ) as response,
    ):
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return await response.text()


async def test_live_figures_pushed_durations_and_reconnects(sim: Any, clock: ScaledClock) -> None:
    store = InMemoryStore(clock=clock)
    for seat, site in (("lj-01", "linjiang"), ("lj-02", "linjiang"), ("qs-01", "qingshan")):
        await store.define_seat(seat, site=site, skills=(), wrapup_s=30)
    await store.transition_seat("lj-01", SeatState.AVAILABLE, allowed_from=[SeatState.OFFLINE])
    for n in range(3):
        await store.enqueue(QueueEntry(call_id=f"c{n}", caller="139", site="linjiang",
                                       enqueued_at=clock.monotonic()))  # fmt: skip

    async def queue_lengths() -> Mapping[str, int]:
        return {site: len(await store.queue_entries(site)) for site in ("linjiang", "qingshan")}

    async def seats() -> Mapping[tuple[str, str], int]:
        records = [r for site in ("linjiang", "qingshan") for r in await store.site_seats(site)]
        return Counter((r.site, r.state.value) for r in records)

    calls = {"ivr": 2, "bridged": 1}
    reconnects = [0]
    metrics = build_metrics(
        calls=lambda: calls,
        reconnects=lambda: reconnects[0],
        queue_lengths=queue_lengths,
        seats=seats,
    )
    root = str(sim.url).rstrip("/").removesuffix("/ari")
    async with AriClient(base_url=root, username="hotline", password="hotline", app="hotline",
                         on_request=metrics.on_ari_request) as ari:  # fmt: skip
        dispatcher = ChannelDispatcher(clock=clock)
        resynced = asyncio.Event()

        async def on_reconnect() -> None:
            resynced.set()

        stream = ari.events(
            on_event=dispatcher.dispatch,
            on_reconnect=on_reconnect,
            clock=clock,
            backoff_initial=0.05,
        )
        reconnects[0] = 0
        runner = asyncio.create_task(stream.run())
        try:
            await asyncio.wait_for(stream.wait_connected(), 5)
            await ari.list_channels()
            await ari.list_channels()
            with pytest.raises(AriNotFound):
                await ari.get_channel("nobody")
            assert await sim.simulator.drop_app("hotline") == 1
            await asyncio.wait_for(resynced.wait(), 5)
            reconnects[0] = stream.reconnects
        finally:
            await stream.close()
            await asyncio.wait_for(runner, 5)
            await dispatcher.close()
    metrics.observe_recognition(0.04)
    metrics.observe_recognition(0.7)

    found = samples(await scrape(metrics))
    assert found[("hotline_calls", (("state", "ivr"),))] == 2
    assert found[("hotline_calls", (("state", "queued"),))] == 0
    assert found[("hotline_calls", (("state", "bridged"),))] == 1
    assert found[("hotline_queue_length", (("site", "linjiang"),))] == 3
    assert found[("hotline_queue_length", (("site", "qingshan"),))] == 0
    assert found[("hotline_seats", (("site", "linjiang"), ("state", "available")))] == 1
    assert found[("hotline_seats", (("site", "linjiang"), ("state", "offline")))] == 1
    assert found[("hotline_seats", (("site", "qingshan"), ("state", "offline")))] == 1
    assert found[("hotline_ari_websocket_reconnects_total", ())] == 1
    listed = (("method", "GET"), ("path", "/channels"), ("status", "200"))
    assert found[("hotline_ari_request_seconds_count", listed)] == 2
    missing = (("method", "GET"), ("path", "/channels/{channel_id}"), ("status", "404"))
    assert found[("hotline_ari_request_seconds_count", missing)] == 1
    assert found[("hotline_speech_recognition_seconds_count", ())] == 2
    assert found[("hotline_speech_recognition_seconds_bucket", (("le", "0.05"),))] == 1
    assert found[("hotline_speech_recognition_seconds_sum", ())] == pytest.approx(0.74)


async def test_a_failing_source_keeps_its_last_value_and_is_counted() -> None:
    healthy = [True]

    async def queue_lengths() -> Mapping[str, int]:
        if not healthy[0]:
            raise ConnectionError("redis is down")
        return {"linjiang": 4}

    def calls() -> Mapping[str, int]:
        if not healthy[0]:
            raise RuntimeError("controller busy")
        return {"queued": 4}

    metrics = build_metrics(calls=calls, reconnects=lambda: 0, queue_lengths=queue_lengths)
    await scrape(metrics)
    healthy[0] = False
    found = samples(await scrape(metrics))
    assert found[("hotline_queue_length", (("site", "linjiang"),))] == 4
    assert found[("hotline_calls", (("state", "queued"),))] == 4
    errors = "hotline_metrics_source_errors_total"
    assert found[(errors, (("source", "queue_lengths"),))] == 1
    assert found[(errors, (("source", "calls"),))] == 1


async def test_each_app_has_its_own_registry() -> None:
    first = build_metrics(calls=lambda: {"ivr": 1}, reconnects=lambda: 0)
    second = build_metrics(calls=lambda: {"ivr": 5}, reconnects=lambda: 0)
    first.on_ari_request("POST", "/channels/{channel_id}/answer", 204, 0.003)
    await first.refresh()
    await second.refresh()
    assert samples(first.exposition().decode())[("hotline_calls", (("state", "ivr"),))] == 1
    second_samples = samples(second.exposition().decode())
    assert second_samples[("hotline_calls", (("state", "ivr"),))] == 5
    assert not any(name.startswith("hotline_ari_request_seconds_count") for name, _ in
                   second_samples)  # fmt: skip
    assert b"hotline_" not in generate_latest(REGISTRY)
