"""The call flow when things go wrong: dropped WebSocket, ARI errors, both event orders."""

from __future__ import annotations

import asyncio

from ivr.ari import AriClient
from tests.ivr.flow.conftest import Harness
from tests.ivr.flow.test_flow import assert_nothing_left


async def test_events_before_http_replies_do_not_confuse_the_flow(hotline: Harness) -> None:
    hotline.sim.set_options(events_before_response=True)
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "busy")
    hotline.sim.set_endpoint("PJSIP/lj-001-b", "answer:1", hangup_after=5)
    record = await hotline.record_of(hotline.call(keys="425#"))
    assert record["outcome"] == "transferred"
    assert [d["dialstatus"] for d in record["dials"]] == ["BUSY", "ANSWER"]
    assert_nothing_left(hotline)


async def test_websocket_dropped_mid_call_reconnects_and_the_call_goes_on(
    hotline: Harness,
) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:1", hangup_after=5)
    call = hotline.call(keys="425#")
    await asyncio.sleep(0.3)
    assert await hotline.sim.drop_app("hotline") == 1
    record = await hotline.record_of(call)
    assert record["outcome"] == "transferred"
    assert hotline.running.controller.connected
    # a call placed after the reconnect is served normally
    second = await hotline.record_of(hotline.call(keys="9#"))
    assert second["outcome"] == "emergency_referral"
    assert_nothing_left(hotline)


async def test_channel_hung_up_behind_the_controllers_back_is_recorded(hotline: Harness) -> None:
    call = hotline.call(keys="", hangup_after=None)
    await asyncio.sleep(0.3)
    async with AriClient(
        base_url=hotline.running.simulator.url if hotline.running.simulator else "",
        username="hotline",
        password="hotline",
        app="other",
    ) as ari:
        await ari.hangup(call.channel_id)
    record = await hotline.record_of(call)
    assert record["outcome"] == "abandoned"
    assert_nothing_left(hotline)
