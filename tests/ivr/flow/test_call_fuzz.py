"""Whole calls under garbage: random, malformed and out-of-order ARI events injected into
a live call never crash the controller; every call still ends with one call record and
leaves nothing behind on the PBX."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ivr.ari import MalformedEvent, parse_event
from ivr.call_records import OUTCOMES
from tests.ivr.flow.conftest import Harness

CHANNEL = "<caller>"
_ids = st.sampled_from([CHANNEL, "leg-x", "1795485600.99", ""])
_channel = st.builds(
    lambda cid, state: {"id": cid, "name": "PJSIP/x", "state": state},
    _ids,
    st.sampled_from(["Up", "Down", "Ringing", "Busy", "???"]),
)
_event = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("ChannelDtmfReceived"), "digit": st.sampled_from("0123456789*#A"),
         "duration_ms": st.integers(0, 500), "channel": _channel}
    ),
    st.fixed_dictionaries(
        {"type": st.just("PlaybackFinished"),
         "playback": st.fixed_dictionaries({
             "id": st.text(max_size=8), "state": st.sampled_from(["done", "failed", "x"]),
             "target_uri": st.sampled_from([f"channel:{CHANNEL}", "channel:zz", "bridge:b"]),
         })}
    ),
    st.fixed_dictionaries(
        {"type": st.just("Dial"), "dialstatus": st.sampled_from(["", "ANSWER", "BUSY", "NOPE"]),
         "peer": _channel}
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["StasisEnd", "ChannelDestroyed", "ChannelHangupRequest",
                                  "ChannelStateChange", "StasisStart"]),
         "channel": _channel, "cause": st.integers(-1, 200)}
    ),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["RecordingFinished", "RecordingFailed"]),
         "recording": st.fixed_dictionaries({"name": st.text(max_size=8),
                                             "target_uri": st.just(f"channel:{CHANNEL}")})}
    ),
    st.dictionaries(st.text(max_size=6), st.integers(), max_size=3),  # no type at all
    st.just("not json {"),
)  # fmt: skip


def _aimed(event: Any, channel_id: str) -> str:
    """The event as text, with the placeholder channel id replaced by the real call's."""
    text = event if isinstance(event, str) else json.dumps(event)
    return text.replace(CHANNEL, channel_id)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(noise=st.lists(_event, max_size=12), keys=st.sampled_from(["425#", "9#", "0", ""]))
async def test_garbage_events_never_break_a_call(
    hotline: Harness, noise: list[Any], keys: str
) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:1", hangup_after=5)
    call = hotline.call(keys=keys, hangup_after=40)
    controller = hotline.running.controller
    async with asyncio.timeout(250):
        while call.channel_id not in controller.flows:  # noqa: ASYNC110 - test polling
            await asyncio.sleep(0.01)
    for raw in noise:
        try:
            event = parse_event(_aimed(raw, call.channel_id))
        except MalformedEvent:
            continue  # the event stream logs and skips these
        controller.dispatcher.dispatch(event)
        await asyncio.sleep(0)
    record = await hotline.record_of(call)
    assert record["outcome"] in OUTCOMES
    assert controller.dispatcher.handler_errors == 0
    async with asyncio.timeout(1500):
        while hotline.sim.summary()["channels"] or hotline.sim.summary()["bridges"]:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
