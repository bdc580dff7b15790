"""ChannelDispatcher: per-channel FIFO, channels independent, lanes cleaned up."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from base.clock import ScaledClock
from ivr.ari import (
    AriEvent,
    ChannelDestroyed,
    ChannelDispatcher,
    ChannelDtmfReceived,
    Dial,
    PlaybackFinished,
    StasisStart,
    parse_event,
)
from ivr.ari.dispatch import event_targets
from tests.ivr.ari.traces import events, trace


def _channel(channel_id: str, state: str = "Up") -> dict[str, Any]:
    return {"id": channel_id, "name": f"PJSIP/{channel_id}", "state": state}


def _event(event_type: str, channel_id: str, **fields: Any) -> AriEvent:
    return parse_event(
        {"type": event_type, "application": "hotline", "channel": _channel(channel_id), **fields}
    )


def _dtmf(channel_id: str, digit: str) -> AriEvent:
    return _event("ChannelDtmfReceived", channel_id, digit=digit, duration_ms=100)


@pytest.fixture
async def dispatcher() -> Any:
    # a fast clock keeps the StasisEnd linger short in real time
    result = ChannelDispatcher(clock=ScaledClock(speed=100.0), end_linger=1.0)
    yield result
    await result.close()


async def test_one_channel_events_handled_in_order_even_when_handlers_sleep(
    dispatcher: ChannelDispatcher,
) -> None:
    seen: list[str] = []

    async def slow_handler(event: AriEvent) -> None:
        assert isinstance(event, ChannelDtmfReceived)
        # later digits get shorter sleeps: only a serial queue keeps them in order
        await asyncio.sleep(0.02 if event.digit == "1" else 0.001)
        seen.append(event.digit)

    dispatcher.subscribe("c1", slow_handler, types=(ChannelDtmfReceived,))
    for digit in "12345#":
        dispatcher.dispatch(_dtmf("c1", digit))
    await dispatcher.join()
    assert seen == list("12345#")


async def test_blocked_channel_does_not_delay_another(dispatcher: ChannelDispatcher) -> None:
    release_a = asyncio.Event()
    b_done = asyncio.Event()
    order: list[str] = []

    async def handler_a(event: AriEvent) -> None:
        await release_a.wait()
        order.append("a")

    async def handler_b(event: AriEvent) -> None:
        order.append("b")
        b_done.set()

    dispatcher.subscribe("a", handler_a)
    dispatcher.subscribe("b", handler_b)
    dispatcher.dispatch(_dtmf("a", "1"))
    dispatcher.dispatch(_dtmf("b", "2"))
    await asyncio.wait_for(b_done.wait(), timeout=2)
    assert order == ["b"]
    release_a.set()
    await dispatcher.join()
    assert order == ["b", "a"]


async def test_many_channels_each_keep_their_own_order(dispatcher: ChannelDispatcher) -> None:
    seen: dict[str, list[str]] = {}

    async def record(event: AriEvent) -> None:
        assert isinstance(event, ChannelDtmfReceived)
        await asyncio.sleep(0)
        seen.setdefault(event.channel.id, []).append(event.digit)

    channels = [f"ch{i}" for i in range(20)]
    for channel_id in channels:
        dispatcher.subscribe(channel_id, record)
    for digit in "0123456789":
        for channel_id in channels:  # interleaved across channels
            dispatcher.dispatch(_dtmf(channel_id, digit))
    await dispatcher.join()
    assert seen == {channel_id: list("0123456789") for channel_id in channels}


async def test_subscription_filters_by_event_type_and_can_be_cancelled(
    dispatcher: ChannelDispatcher,
) -> None:
    dtmf: list[str] = []
    everything: list[str] = []

    async def on_dtmf(event: AriEvent) -> None:
        dtmf.append(event.type)

    async def on_any(event: AriEvent) -> None:
        everything.append(event.type)

    subscription = dispatcher.subscribe("c1", on_dtmf, types=(ChannelDtmfReceived,))
    dispatcher.subscribe("c1", on_any)
    dispatcher.dispatch(_event("ChannelStateChange", "c1"))
    dispatcher.dispatch(_dtmf("c1", "5"))
    await dispatcher.join()
    subscription.cancel()
    dispatcher.dispatch(_dtmf("c1", "6"))
    await dispatcher.join()
    assert dtmf == ["ChannelDtmfReceived"]
    assert everything == ["ChannelStateChange", "ChannelDtmfReceived", "ChannelDtmfReceived"]


async def test_new_channel_goes_to_app_handler_which_then_sees_the_rest(
    dispatcher: ChannelDispatcher,
) -> None:
    calls: list[str] = []
    flow: list[str] = []

    async def on_flow_event(event: AriEvent) -> None:
        flow.append(event.type)

    async def on_new_call(event: StasisStart) -> None:
        calls.append(event.channel.id)
        await asyncio.sleep(0.01)  # later events of this channel wait for us
        dispatcher.subscribe(event.channel.id, on_flow_event)

    dispatcher.on_stasis_start("hotline", on_new_call)
    dispatcher.dispatch(_event("StasisStart", "in1", args=["114"]))
    dispatcher.dispatch(_dtmf("in1", "1"))
    dispatcher.dispatch(_event("StasisEnd", "in1"))
    await dispatcher.join()
    assert calls == ["in1"]
    assert flow == ["ChannelDtmfReceived", "StasisEnd"]


async def test_claimed_channel_start_is_not_a_new_call(dispatcher: ChannelDispatcher) -> None:
    new_calls: list[str] = []
    liaison: list[str] = []

    async def on_new_call(event: StasisStart) -> None:
        new_calls.append(event.channel.id)

    async def on_liaison(event: AriEvent) -> None:
        liaison.append(event.type)

    dispatcher.on_stasis_start("hotline", on_new_call)
    dispatcher.subscribe("liaison-1", on_liaison)  # subscribed before create_channel
    dispatcher.dispatch(_event("StasisStart", "liaison-1", args=["liaison"]))
    await dispatcher.join()
    assert new_calls == []
    assert liaison == ["StasisStart"]


async def test_lane_closes_after_channel_destroyed(dispatcher: ChannelDispatcher) -> None:
    got: list[str] = []

    async def handler(event: AriEvent) -> None:
        got.append(event.type)

    dispatcher.subscribe("c1", handler)
    dispatcher.dispatch(_event("ChannelDestroyed", "c1", cause=16, cause_txt="Normal Clearing"))
    await dispatcher.join()
    await asyncio.sleep(0)
    assert got == ["ChannelDestroyed"]
    assert dispatcher.active_lanes() == set()
    dispatcher.dispatch(_dtmf("c1", "1"))  # a late event opens a fresh, unsubscribed lane
    await dispatcher.join()
    assert got == ["ChannelDestroyed"]


async def test_late_destroyed_after_stasis_end_still_delivered(
    dispatcher: ChannelDispatcher,
) -> None:
    got: list[str] = []

    async def handler(event: AriEvent) -> None:
        got.append(event.type)

    dispatcher.subscribe("c1", handler)
    dispatcher.dispatch(_event("StasisEnd", "c1"))
    await dispatcher.join()
    await asyncio.sleep(0.002)  # queue drained, lane lingering
    assert ("channel", "c1") in dispatcher.active_lanes()
    dispatcher.dispatch(_event("ChannelDestroyed", "c1", cause=19, cause_txt="No answer"))
    await dispatcher.join()
    await asyncio.sleep(0)
    assert got == ["StasisEnd", "ChannelDestroyed"]
    assert dispatcher.active_lanes() == set()


async def test_stasis_end_without_destroyed_closes_after_linger(
    dispatcher: ChannelDispatcher,
) -> None:
    async def handler(event: AriEvent) -> None:
        return None

    dispatcher.subscribe("inbound", handler)
    dispatcher.dispatch(_event("StasisEnd", "inbound"))
    await dispatcher.join()
    # linger is 1.0 s of a 100x clock: 10 ms real
    for _ in range(100):
        if not dispatcher.active_lanes():
            break
        await asyncio.sleep(0.005)
    assert dispatcher.active_lanes() == set()


async def test_unsubscribed_lane_does_not_outlive_its_queue(
    dispatcher: ChannelDispatcher,
) -> None:
    dispatcher.dispatch(_event("ChannelStateChange", "other-half;2"))
    await dispatcher.join()
    await asyncio.sleep(0)
    assert dispatcher.active_lanes() == set()


async def test_failing_handler_is_logged_and_the_lane_goes_on(
    dispatcher: ChannelDispatcher, caplog: pytest.LogCaptureFixture
) -> None:
    got: list[str] = []

    async def handler(event: AriEvent) -> None:
        assert isinstance(event, ChannelDtmfReceived)
        if event.digit == "1":
            raise RuntimeError("boom")
        got.append(event.digit)

    dispatcher.subscribe("c1", handler)
    with caplog.at_level(logging.ERROR, logger="ivr.ari.dispatch"):
        dispatcher.dispatch(_dtmf("c1", "1"))
        dispatcher.dispatch(_dtmf("c1", "2"))
        await dispatcher.join()
    assert got == ["2"]
    assert dispatcher.handler_errors == 1
    assert "boom" in caplog.text


async def test_playback_routed_by_target_uri_to_channel_and_bridge(
    dispatcher: ChannelDispatcher,
) -> None:
    channel_events: list[AriEvent] = []
    bridge_events: list[AriEvent] = []

    async def on_channel(event: AriEvent) -> None:
        channel_events.append(event)

    async def on_bridge(event: AriEvent) -> None:
        bridge_events.append(event)

    dispatcher.subscribe("c1", on_channel)
    dispatcher.subscribe_bridge("b1", on_bridge)
    for target in ("channel:c1", "bridge:b1"):
        dispatcher.dispatch(
            parse_event(
                {
                    "type": "PlaybackFinished",
                    "playback": {"id": f"p-{target}", "target_uri": target, "state": "done"},
                }
            )
        )
    await dispatcher.join()
    assert [e.playback.target_uri for e in channel_events if isinstance(e, PlaybackFinished)] == [
        "channel:c1"
    ]
    assert [e.playback.target_uri for e in bridge_events if isinstance(e, PlaybackFinished)] == [
        "bridge:b1"
    ]


async def test_unrouted_events_reach_the_app_handler(dispatcher: ChannelDispatcher) -> None:
    got: list[str] = []

    async def on_unrouted(event: AriEvent) -> None:
        got.append(event.type)

    dispatcher.on_unrouted(on_unrouted)
    dispatcher.dispatch(parse_event({"type": "ApplicationReplaced", "application": "hotline"}))
    await dispatcher.join()
    assert got == ["ApplicationReplaced"]


def test_targets_of_recorded_events() -> None:
    path = trace("dial_answer.json")
    kinds = {key[0] for raw in events(path) for key in event_targets(parse_event(raw))}
    assert kinds == {"channel", "bridge"}
    for raw in events(path):
        event = parse_event(raw)
        targets = event_targets(event)
        assert targets, f"{event.type} routed nowhere"
        if isinstance(event, Dial):
            assert ("channel", event.peer.id) in targets


async def test_recorded_busy_dial_reaches_the_liaison_subscriber_in_order(
    dispatcher: ChannelDispatcher,
) -> None:
    path = trace("dial_busy.json")
    expected = [raw["type"] for raw in events(path)]
    got: list[str] = []
    destroyed: list[ChannelDestroyed] = []

    async def on_liaison(event: AriEvent) -> None:
        got.append(event.type)
        if isinstance(event, ChannelDestroyed):
            destroyed.append(event)

    dispatcher.subscribe("<liaison>", on_liaison)
    for raw in events(path):
        dispatcher.dispatch(parse_event(raw))
    await dispatcher.join()
    assert got == expected
    assert [event.cause for event in destroyed] == [17]
