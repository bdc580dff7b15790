"""Platforms over real calls: calls placed through the simulator on the city's numbers and
on the county's own number are filed under their platform, county staff see only the
county's call records and voicemails, and the city's statistics rolled up are the sum of
the city's own and the county's."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from agent_desk.auth import Role
from agent_desk.orders import OrderDraft, OrderType, Urgency
from agent_desk.stats import Dimension, StatsService, parse_period
from tests.ivr.flow.conftest import Harness
from tests.ivr.flow.routing_harness import NO_SEATS, queue_hotlines

NOVEMBER = parse_period("2026-11")
COUNTY_NUMBER = "83312345"
PASSWORD = "correct-horse-9"
# (number dialled, caller, keys, expected platform)
CALLS = [
    ("12345", "13900000201", "9", "linjiang"),  # emergency referral
    ("114", "13900000202", "425#", "linjiang"),  # the department is busy: a voicemail
    (COUNTY_NUMBER, "13900000301", "9", "qinghe"),
    (COUNTY_NUMBER, "13900000302", "425#", "qinghe"),
    (COUNTY_NUMBER, "13900000303", "", "qinghe"),  # hangs up in the menu
]


@pytest.fixture
async def hotline(tmp_path: Path, prompt_cache: Path, database_url: str) -> AsyncIterator[Harness]:
    async with queue_hotlines(tmp_path, prompt_cache) as start:
        settings: dict[str, Any] = {}
        if database_url.startswith("postgresql"):
            settings["database_url"] = database_url
        async with start(seat_plan=NO_SEATS, **settings) as running:
            yield running


async def _place_calls(hotline: Harness) -> dict[str, dict[str, Any]]:
    for endpoint in ("PJSIP/lj-001-a", "PJSIP/lj-001-b"):
        hotline.sim.set_endpoint(endpoint, "busy")
    placed = {
        caller: hotline.call(number, caller=caller, keys=keys, hangup_after=80 if keys else 4)
        for number, caller, keys, _ in CALLS
    }
    return {caller: await hotline.record_of(call) for caller, call in placed.items()}


async def _calls_seen(base_url: str, user: str, caller: str) -> tuple[int, list[str]]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as client:
        signed = await client.post(f"{base_url}/api/auth/login",
                                   json={"name": user, "password": PASSWORD})  # fmt: skip
        assert signed.status == 200, await signed.text()
        async with client.get(f"{base_url}/api/calls", params={"caller": caller}) as response:
            if response.status != 200:
                return response.status, []
            return 200, [c["platform"] for c in (await response.json())["calls"]]


async def test_calls_of_the_county_number_are_the_countys_and_roll_up_to_the_city(
    hotline: Harness,
) -> None:
    records = await _place_calls(hotline)
    for _, caller, _, platform in CALLS:
        assert records[caller]["platform"] == platform, records[caller]
    desk = hotline.running.desk
    assert desk is not None
    voicemails = await desk.voicemails.list(visibility=None)
    # a message is the department's: 公安局 is the city's, whichever number was dialled
    assert {(v.caller_number, v.platform) for v, _ in voicemails} == {
        ("13900000202", "linjiang"), ("13900000302", "linjiang")}  # fmt: skip
    for platform in ("linjiang", "qinghe", "qinghe"):
        draft = OrderDraft(order_type=OrderType.HELP, urgency=Urgency.NORMAL,
                           subject=f"order of {platform}", platform=platform)  # fmt: skip
        await desk.orders.create(draft, actor="op1")

    # who sees which call records (the console's call history)
    for name, platform in (("op_qh", "qinghe"), ("op_lj", "linjiang"), ("op_qs", "qingshan")):
        await desk.auth.add_user(name, Role.OPERATOR, password=PASSWORD, platform=platform)
    url = hotline.running.http_url
    assert await _calls_seen(url, "op_qh", "13900000301") == (200, ["qinghe"])
    assert await _calls_seen(url, "op_qh", "13900000201") == (200, [])  # the city's call
    assert await _calls_seen(url, "op_lj", "13900000301") == (200, ["qinghe"])
    assert await _calls_seen(url, "op_lj", "13900000201") == (200, ["linjiang"])
    assert await _calls_seen(url, "op_qs", "13900000301") == (200, [])  # another city

    stats = StatsService(sessions=hotline.components.sessions, clock=hotline.clock)
    city_only = (await stats.kpis(NOVEMBER, platforms={"linjiang"})).total.counters
    county = (await stats.kpis(NOVEMBER, platforms={"qinghe"})).total.counters
    rolled_up = (await stats.kpis(NOVEMBER, platforms={"linjiang", "qinghe"})).total.counters
    everything = (await stats.kpis(NOVEMBER)).total.counters  # from the hourly rollups
    assert (city_only["offered"], county["offered"]) == (2, 3)
    # the city's: one taken there and the two voicemails' (both for the city's 公安局)
    assert (city_only["orders_total"], county["orders_total"]) == (3, 2)
    assert rolled_up == {name: city_only[name] + county[name] for name in rolled_up}
    assert everything == rolled_up
    per_platform = await stats.kpis(NOVEMBER, (Dimension.PLATFORM,))
    assert {row.key: row.counters for row in per_platform.rows} == {
        ("linjiang",): city_only, ("qinghe",): county}  # fmt: skip
