"""The call flow against the PBX simulator: every outcome of the keypad protocol."""

from __future__ import annotations

from tests.ivr.flow.conftest import Harness


async def test_keys_then_1_read_the_number_and_end(hotline: Harness) -> None:
    # 公安局 -> G-A-J -> 425; 1 during the reading: number only.
    call = hotline.call(keys="425#", script=[{"at": 12.0, "dtmf": "1"}])
    record = await hotline.record_of(call)
    assert record["outcome"] == "info_given"
    assert record["department"] == "linjiang.gongan"
    assert record["dials"] == []


async def test_clear_match_is_transferred_to_the_liaison(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:2", hangup_after=10)
    call = hotline.call(keys="425#")
    record = await hotline.record_of(call)
    assert record["outcome"] == "transferred"
    assert record["dials"] == [{"endpoint": "PJSIP/lj-001-a", "dialstatus": "ANSWER"}]
    assert hotline.sim.summary()["bridges"] == []
    assert hotline.sim.summary()["channels"] == []
