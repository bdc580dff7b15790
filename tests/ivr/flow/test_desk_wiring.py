"""The call path and the desk together: voicemail becomes an order; the IVR reads its progress."""

from __future__ import annotations

import aiohttp
from sqlalchemy import select

from agent_desk.orders.models import WorkOrder
from tests.ivr.flow.conftest import METRICS_TOKEN, Harness


async def _orders(hotline: Harness) -> list[WorkOrder]:
    async with hotline.components.sessions() as session:
        return list(await session.scalars(select(WorkOrder).order_by(WorkOrder.id)))


async def test_a_voicemail_opens_an_order_for_its_department(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "busy")
    hotline.sim.set_endpoint("PJSIP/lj-001-b", "busy")
    record = await hotline.record_of(
        hotline.call(keys="425#", caller="13911112222", hangup_after=80)
    )
    assert record["outcome"] == "voicemail"
    orders = await _orders(hotline)
    assert len(orders) == 1
    assert orders[0].caller_number == "13911112222"
    assert orders[0].department_code == "linjiang.gongan"


async def test_order_progress_is_read_only_to_the_number_that_filed_it(hotline: Harness) -> None:
    hotline.sim.set_endpoint("PJSIP/lj-001-a", "busy")
    hotline.sim.set_endpoint("PJSIP/lj-001-b", "busy")
    await hotline.record_of(hotline.call(keys="425#", caller="13911113333", hangup_after=80))
    (order,) = await _orders(hotline)
    mine = await hotline.record_of(hotline.call(keys=f"*{order.number}#", caller="13911113333"))
    step = next(s for s in mine["steps"] if s["step"] == "order_status")
    assert (step["found"], step["disclosed"]) == (True, True)
    theirs = await hotline.record_of(hotline.call(keys=f"*{order.number}#", caller="13700000000"))
    step = next(s for s in theirs["steps"] if s["step"] == "order_status")
    assert (step["found"], step["disclosed"]) == (True, False)


async def test_metrics_show_calls_seats_and_ari_latency(hotline: Harness) -> None:
    await hotline.record_of(hotline.call(keys="9#"))
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{hotline.running.http_url}/metrics") as refused,
    ):
        assert refused.status == 401
        assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            f"{hotline.running.http_url}/metrics",
            headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
        ) as response,
    ):
        assert response.status == 200
        text = await response.text()
    assert 'hotline_calls{state="ivr"} 0.0' in text
    assert "hotline_ari_request_seconds_count" in text
    # this fixture hands callers to the general mailbox, so no routing seats are shown
    assert "# TYPE hotline_seats gauge" in text
