"""An operator's day as the statistics tell it: they sit down at the desk, take a real call
through the simulator, wrap up, take a break and leave; the per-seat and per-operator
figures (time per state, calls, talk, wrap-up) match what the test worked out by hand."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Browser, expect

from agent_desk.auth import Role
from tests.agent_desk.stats.placed_calls import seat_endpoint
from tests.ivr.flow.conftest import FlowClock, Harness
from tests.ivr.flow.routing_harness import NO_SEATS, queue_hotlines, routing_of

PASSWORD = "a-long-password-1"
RING_S, TALK_S, BREAK_S, WRAPUP_S = 5, 20, 30, 30  # WRAPUP_S: linjiang's in the sites file
# Simulated seconds: the clock runs 25× real time, so an HTTP round trip costs ~1 s.
SLACK_S = 2.0


@pytest.fixture
async def hotline(tmp_path: Path, prompt_cache: Path, database_url: str) -> AsyncIterator[Harness]:
    async with queue_hotlines(tmp_path, prompt_cache) as start:
        settings: dict[str, Any] = {"quality_consent_prompt": False, "quality_recording": False}
        if database_url.startswith("postgresql"):
            settings["database_url"] = database_url
        async with start(seat_plan=NO_SEATS, **settings) as running:
            yield running


async def _signed_in(http: aiohttp.ClientSession, base: str, name: str) -> dict[str, str]:
    async with http.post(f"{base}/api/auth/login",
                         json={"name": name, "password": PASSWORD}) as response:  # fmt: skip
        assert response.status == 200, await response.text()
        return {"X-CSRF-Token": (await response.json())["csrf_token"]}


@dataclass(frozen=True, slots=True)
class Moment:
    """When the desk did something: between these two readings of the simulated clock
    (epoch seconds), taken just before the request and just after its answer. On a loaded
    machine an HTTP round trip costs simulated seconds, so the figures are bounded by these
    brackets rather than given a slack."""

    before: float
    after: float


@dataclass(frozen=True, slots=True)
class OperatorsDay:
    record: dict[str, Any]  # the call's record
    sat: Moment  # op1 sat down
    on_break: Moment  # op1 took the break
    left: Moment  # op1 left


def between(start: Moment, end: Moment) -> tuple[float, float]:
    """The shortest and longest time from `start` to `end`."""
    return end.before - start.after, end.after - start.before


async def _post(op: aiohttp.ClientSession, url: str, clock: FlowClock, **kwargs: Any) -> Moment:
    before = clock.now().timestamp()
    async with op.post(url, **kwargs) as response:
        assert response.status == 200, await response.text()
    return Moment(before, clock.now().timestamp())


async def place_an_operators_day(hotline: Harness) -> OperatorsDay:
    """op1 sits at lj-01, takes a call (ringing 5 s, 20 s of talk), logs an order during the
    wrap-up, idles 10 s once it ran out, takes a 30-s break and leaves; sup1 exists."""
    desk = hotline.running.desk
    assert desk is not None
    await desk.auth.add_user("op1", Role.OPERATOR, password=PASSWORD)
    await desk.auth.add_user("sup1", Role.SUPERVISOR, password=PASSWORD)
    base, clock = hotline.running.http_url, hotline.clock
    hotline.sim.set_endpoint(seat_endpoint("lj-01"), f"answer:{RING_S}", hangup_after=TALK_S)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as op:
        headers = await _signed_in(op, base, "op1")
        sat = await _post(op, f"{base}/api/my-seat", clock, json={"seat_id": "lj-01"},
                          headers=headers)  # fmt: skip
        await clock.sleep(10)
        record = await hotline.record_of(hotline.call(keys="0", hangup_after=200))
        assert (record["seat"], record["queue_outcome"]) == ("lj-01", "answered")
        order = {"order_type": "help", "subject": "路灯不亮", "call_id": record["call_id"]}
        async with op.post(f"{base}/api/orders", json=order, headers=headers) as response:
            assert response.status == 201, await response.text()  # logged during wrap-up
        await clock.sleep(WRAPUP_S + 10)  # the wrap-up runs out by itself, then 10 s idle
        on_break = await _post(op, f"{base}/api/my-seat/state", clock,
                               json={"state": "break"}, headers=headers)  # fmt: skip
        await clock.sleep(BREAK_S)
        left = await _post(op, f"{base}/api/my-seat/leave", clock, headers=headers)
    await routing_of(hotline).journal.flush()
    return OperatorsDay(record, sat, on_break, left)


async def test_an_operators_sitting_call_wrap_up_and_break_are_counted_by_hand(
    hotline: Harness,
) -> None:
    day = await place_an_operators_day(hotline)
    record = day.record
    base, clock = hotline.running.http_url, hotline.clock
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as sup:
        await _signed_in(sup, base, "sup1")
        period = clock.now().date().isoformat()[:7]
        async with sup.get(f"{base}/api/stats/operators?period={period}") as response:
            assert response.status == 200
            (operator,) = (await response.json())["operators"]
        async with sup.get(f"{base}/api/stats/seats?period={period}") as response:
            seats = {seat["seat"]: seat for seat in (await response.json())["seats"]}

    talk = float(record["talk_s"])
    assert operator["name"] == "op1"
    assert (operator["calls"], operator["orders"]) == (1, 1)
    assert operator["average_talk_s"] == pytest.approx(talk)
    assert operator["average_wrap_up_s"] == pytest.approx(WRAPUP_S)
    time = operator["time"]
    seconds = time["seconds"]
    assert seconds["ringing"] == pytest.approx(RING_S, abs=SLACK_S)
    assert seconds["on_call"] == pytest.approx(talk, abs=SLACK_S)
    assert seconds["wrap_up"] == pytest.approx(WRAPUP_S, abs=0.1)  # ends by itself: exact
    shortest, longest = between(day.on_break, day.left)
    assert shortest <= seconds["break"] <= longest
    assert time["wrap_ups"] == 1
    signed_in = time["signed_in_s"]
    shortest, longest = between(day.sat, day.left)
    assert shortest <= signed_in <= longest
    others = seconds["ringing"] + seconds["on_call"] + seconds["wrap_up"] + seconds["break"]
    assert seconds["available"] == pytest.approx(signed_in - others, abs=0.5)
    working = seconds["on_call"] + seconds["wrap_up"]
    assert time["occupancy"] == pytest.approx(working / (signed_in - seconds["break"]), abs=1e-3)
    # The seat tells the same story: only op1 sat there, and only lj-01 was used.
    assert list(seats) == ["lj-01"]
    assert (seats["lj-01"]["calls"], seats["lj-01"]["orders"]) == (1, 1)
    seat_seconds = seats["lj-01"]["time"]["seconds"]
    for state in ("ringing", "on_call", "wrap_up", "break"):
        assert seat_seconds[state] == pytest.approx(seconds[state], abs=0.5), state


@pytest.mark.browser
async def test_the_stats_page_shows_the_operators_day(hotline: Harness, browser: Browser) -> None:
    day = await place_an_operators_day(hotline)
    context = await browser.new_context(viewport={"width": 1400, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(10_000)
    base = hotline.running.http_url
    await page.goto(f"{base}/desk/login")
    await page.fill("input[name=name]", "sup1")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda url: "/desk/login" not in url)
    await page.goto(f"{base}/desk/stats?period={hotline.clock.now().date().isoformat()[:7]}")
    row = page.locator('#by-operator tr[data-operator="op1"]')
    await expect(row.locator("td.calls")).to_have_text("1")
    talk = int(day.record["talk_s"])
    # h:mm:ss of the time on the call: the talk time, give or take the clock's blur
    on_call = await row.locator("td.on-call").text_content()
    assert on_call is not None
    assert re.fullmatch(r"0:00:\d\d", on_call), on_call
    assert abs(int(on_call[-2:]) - talk) <= SLACK_S
    await expect(row.locator("td.occupancy")).to_have_text(re.compile(r"\d+\.\d%"))
    seat = page.locator('#by-seat tr[data-seat="lj-01"]')
    await expect(seat.locator("td.on-call")).to_have_text(on_call)
    await context.close()
