"""Fuzzing the event path with malformed and out-of-order ARI events.

Seeds are the events Asterisk 22 really sent (/work/shared/ari-traces, or the copy the
traces tests use). Hypothesis re-targets them onto a few channels, shuffles them, drops
and corrupts fields, and feeds them to `parse_event`, to a `ChannelDispatcher` with a
`CallSession` subscribed, and through the simulator's events WebSocket to a real
`EventStream`. Whatever arrives: nothing but `MalformedEvent` escapes parsing, no handler
raises, and the next good event is still delivered.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from base.clock import ScaledClock
from ivr.ari import (
    AriClient,
    AriEvent,
    ChannelDestroyed,
    ChannelDispatcher,
    ChannelHangupRequest,
    MalformedEvent,
    StasisEnd,
    parse_event,
)
from ivr.flow.session import CallSession

simulator = pytest.importorskip("ivr.simulator")

TRACES = Path("/work/shared/ari-traces")
CALLER = "caller"
CHANNELS = (CALLER, "peer-1", "peer-2", "stranger")
_PLACEHOLDER = re.compile(r"<[A-Za-z0-9_;.-]+>")


def _recorded_events() -> list[str]:
    """Every event of every trace, as JSON text with Asterisk's ids still as placeholders."""
    events = []
    for path in sorted(TRACES.glob("*.json")):
        trace = json.loads(path.read_text(encoding="utf-8"))
        for step in trace.get("steps", []):
            if step.get("kind") == "event":
                events.append(json.dumps(step["event"], ensure_ascii=False))
    return events


# event types the traces lack, written after ARI-NOTES ("Events"); ChannelHold is one
# the client does not model, so it travels as UnknownEvent
_CHANNEL = {"id": "<caller>", "name": "PJSIP/x-1", "state": "Up"}
_SYNTHETIC = [
    {"type": "PlaybackContinuing", "playback": {"id": "<playback>", "media_uri": "sound:a",
     "next_media_uri": "sound:b", "target_uri": "channel:<caller>", "state": "continuing"}},
    {"type": "RecordingFailed", "recording": {"name": "vm-1", "format": "wav", "state": "failed",
     "target_uri": "channel:<caller>", "cause": "Cannot record channel while in bridge"}},
    {"type": "ChannelTalkingStarted", "channel": _CHANNEL},
    {"type": "ChannelTalkingFinished", "channel": _CHANNEL, "duration": 1200},
    {"type": "BridgeCreated", "bridge": {"id": "<bridge>", "bridge_type": "mixing",
     "channels": []}},
    {"type": "ChannelHold", "channel": _CHANNEL, "musicclass": "default"},
    {"type": "StasisStart", "args": ["12345"], "channel": _CHANNEL,
     "replace_channel": {"id": "<liaison>", "state": "Up"}},
]  # fmt: skip
RECORDED = _recorded_events() + [json.dumps(e) for e in _SYNTHETIC]
PLACEHOLDERS = sorted({p for text in RECORDED for p in _PLACEHOLDER.findall(text)})
# placeholders that are not channel ids keep one neutral value each
_FIXED = {
    "<ts>": "2025-06-03T10:00:00.000+0800",
    "<n>": "00000001",
    "<asterisk_id>": "00:00:00:00:00:01",
    "<bridge>": "bridge-1",
}
pytestmark = pytest.mark.skipif(not RECORDED, reason=f"no ARI traces under {TRACES}")

junk = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63),
    st.floats(allow_nan=False),
    st.text(max_size=8),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@st.composite
def mutated(draw: st.DrawFn, event: dict[str, Any]) -> dict[str, Any]:
    """`event` with a few fields deleted or replaced by junk, at any depth."""
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        node: Any = event
        while True:
            keys = sorted(node) if isinstance(node, dict) else []
            if not keys:
                break
            key = draw(st.sampled_from(keys))
            if isinstance(node[key], dict) and draw(st.booleans()):
                node = node[key]
                continue
            if draw(st.booleans()):
                del node[key]
            else:
                node[key] = draw(junk)
            break
    return event


@st.composite
def event_batches(draw: st.DrawFn) -> list[str | dict[str, Any]]:
    """Recorded events on our channels, out of order, some corrupted, some not even JSON."""
    ids = draw(
        st.fixed_dictionaries(
            {
                p: st.just(_FIXED.get(p, p.strip("<>")))
                if p in _FIXED or p.startswith("<playback")
                else st.sampled_from(CHANNELS)
                for p in PLACEHOLDERS
            }
        )
    )
    picked = draw(st.lists(st.sampled_from(RECORDED), min_size=1, max_size=25))
    batch: list[str | dict[str, Any]] = []
    for text in draw(st.permutations(picked)):
        text = _PLACEHOLDER.sub(lambda m: ids[m.group(0)], text)
        kind = draw(st.sampled_from(("as-is", "mutated", "mutated", "garbage")))
        if kind == "garbage":
            batch.append(draw(st.sampled_from((text[: len(text) // 2], "", "null", "[]", "{}"))))
        elif kind == "mutated":
            batch.append(draw(mutated(json.loads(text))))
        else:
            batch.append(text)
    return batch


def parsed(message: str | Mapping[str, Any]) -> AriEvent | None:
    try:
        return parse_event(message)
    except MalformedEvent:
        return None


def sentinel_dtmf(digit: str) -> str:
    return json.dumps({"type": "ChannelDtmfReceived", "application": "hotline", "digit": digit,
                       "duration_ms": 100, "channel": {"id": CALLER, "state": "Up"}})  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(message=st.one_of(json_values, json_values.map(json.dumps), st.binary(max_size=40)))
def test_parsing_raises_nothing_but_malformed_event(message: Any) -> None:
    if not isinstance(message, str | bytes | Mapping):
        message = json.dumps(message)  # a bare JSON number, list, ... as its text
    event = parsed(message)
    assert event is None or isinstance(event, AriEvent)


@settings(max_examples=300, deadline=None)
@given(batch=event_batches())
def test_recorded_events_mutated_parse_or_are_rejected(batch: list[str | dict[str, Any]]) -> None:
    for message in batch:
        event = parsed(message)
        assert event is None or event.type


def _caller_left(events: list[AriEvent]) -> bool:
    return any(
        isinstance(e, ChannelHangupRequest | StasisEnd | ChannelDestroyed)
        and e.channel.id == CALLER
        for e in events
    )


async def _through_dispatcher(batch: list[str | dict[str, Any]]) -> None:
    clock = ScaledClock(speed=1000.0)
    dispatcher = ChannelDispatcher(clock=clock, end_linger=0.5)
    # never contacted: apply() folds events into state without calling ARI
    ari = AriClient(base_url="http://127.0.0.1:9", username="u", password="p", app="hotline")
    session = CallSession(ari=ari, dispatcher=dispatcher, clock=clock, channel_id=CALLER,
                          app="hotline")  # fmt: skip
    seen: list[AriEvent] = []

    async def watch(event: AriEvent) -> None:
        seen.append(event)

    dispatcher.subscribe(CALLER, watch)
    try:
        events = [e for e in map(parsed, batch) if e is not None]
        for event in events:
            dispatcher.dispatch(event)
        dispatcher.dispatch(parse_event(sentinel_dtmf("5")))
        await asyncio.wait_for(dispatcher.join(), 10)
        assert dispatcher.handler_errors == 0
        digits = []
        while (digit := session.take_digit()) is not None:
            digits.append(digit)
        if not _caller_left(seen):
            # the caller's lane is alive: the sentinel came through, last
            assert digits[-1:] == ["5"]
            assert not session.hung_up
        else:
            assert session.hung_up
    finally:
        session.close()
        await dispatcher.close()
        await ari.close()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=event_batches())
def test_dispatcher_and_call_session_survive_any_order(batch: list[str | dict[str, Any]]) -> None:
    asyncio.run(_through_dispatcher(batch))


async def _through_websocket(batch: list[str | dict[str, Any]], tmp: Path) -> None:
    clock = ScaledClock(speed=20.0)
    running = await simulator.start_simulator(clock=clock, recordings_dir=tmp,
                                              users={"hotline": "hotline"})  # fmt: skip
    root = str(running.url).rstrip("/").removesuffix("/ari")
    received: list[AriEvent] = []
    got_sentinel = asyncio.Event()

    def on_event(event: AriEvent) -> None:
        received.append(event)
        if event.type == "ChannelDtmfReceived" and getattr(event, "digit", "") == "#":
            got_sentinel.set()

    try:
        async with AriClient(base_url=root, username="hotline", password="hotline",
                             app="hotline") as ari:  # fmt: skip
            stream = ari.events(on_event=on_event, clock=clock)
            runner = asyncio.create_task(stream.run())
            try:
                await asyncio.wait_for(stream.wait_connected(), 5)
                (owner,) = running.simulator.bus.owners("hotline")
                texts = [m if isinstance(m, str) else json.dumps(m) for m in batch]
                for text in [*texts, sentinel_dtmf("#")]:
                    owner.queue.put_nowait(text)
                await asyncio.wait_for(got_sentinel.wait(), 10)
                assert stream.connected
                expected = [e for e in map(parsed, texts) if e is not None]
                assert [e.type for e in received[:-1]] == [e.type for e in expected]
                assert stream.malformed_events == len(texts) - len(expected)
            finally:
                await stream.close()
                await asyncio.wait_for(runner, 5)
    finally:
        await running.stop()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(batch=event_batches())
def test_event_stream_over_the_simulator_socket_keeps_reading(
    batch: list[str | dict[str, Any]], tmp_path_factory: pytest.TempPathFactory
) -> None:
    asyncio.run(_through_websocket(batch, tmp_path_factory.mktemp("recordings")))
