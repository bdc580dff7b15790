"""One transfer only (二次转接 is forbidden): a caller the operator has put through to a
department cannot be transferred again, over the PBX simulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from base.errors import HotlineError
from ivr.live_transfer import AlreadyTransferred, transfer_live_call
from tests.ivr.flow.routing_harness import Start, queue_hotlines
from tests.ivr.flow.test_queue import assert_nothing_left, bridged_to_operator


@pytest.fixture
async def start(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Start]:
    async with queue_hotlines(tmp_path, prompt_cache) as started:
        yield started


async def test_a_call_put_through_once_is_not_transferred_again(start: Start) -> None:
    async with start(seat_plan={"linjiang": 1}) as hotline:
        hotline.sim.set_endpoint("PJSIP/lj-001-a", "answer:1", hangup_after=30)
        call = hotline.call(keys="0", caller="13900000019", hangup_after=120)
        async with asyncio.timeout(1500):
            while not bridged_to_operator(hotline, call):  # noqa: ASYNC110 - test polling
                await asyncio.sleep(0.05)
        controller = hotline.running.controller
        assert controller is not None
        await transfer_live_call(controller, ref="13900000019", department_code="linjiang.gongan")
        # The 公安局 liaison would pass the caller on to 户政: refused, with a stable code.
        with pytest.raises(AlreadyTransferred) as refused:
            await transfer_live_call(
                controller, ref="13900000019", department_code="linjiang.gongan-huzheng"
            )
        assert isinstance(refused.value, HotlineError)
        assert refused.value.code == "call-already-transferred"
        assert refused.value.status == 409
        assert "linjiang.gongan" in refused.value.message
        record = await hotline.record_of(call)
        assert record["department"] == "linjiang.gongan"
        dialled = [d["endpoint"] for d in record["dials"]]
        assert "PJSIP/lj-002-a" not in dialled  # 户政's liaison never rang
        assert_nothing_left(hotline)
