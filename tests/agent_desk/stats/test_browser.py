"""The statistics pages in headless Chromium (Debian's): charts drawn, wallboard live."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.async_api import Browser, Page, expect

from routing import Presence, load_sites
from tests.agent_desk.conftest import PASSWORD
from tests.agent_desk.stats.conftest import NOW, StatsHarness, call

pytestmark = pytest.mark.browser


async def supervisor_page(browser: Browser, harness: StatsHarness) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.set_default_timeout(10_000)
    await page.goto(str(harness.client.make_url("/desk/login")))
    await page.fill("input[name=name]", "sup1")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda url: "/desk/login" not in url)
    return page


async def test_dashboard_shows_its_charts(browser: Browser, stats_harness: StatsHarness) -> None:
    page = await supervisor_page(browser, stats_harness)
    await page.goto(str(stats_harness.client.make_url("/desk/stats?period=2026-09")))
    calls = page.locator('#kpi-total tr[data-kpi="calls_offered"]')
    await expect(calls.locator("td.now")).to_have_text("9")
    await expect(calls.locator("td.before")).to_have_text("0")  # August, the period before
    await expect(calls.locator("td.change")).to_have_text("+9")
    # 1 of 3 operator calls within 15 s misses the ≥ 90 % target
    await expect(page.locator('#kpi-total tr[data-kpi="answered_15s_rate"]')).to_have_class(
        "missed"
    )
    await expect(page.locator('#by-seat tr[data-seat="lj-01"] td').first).to_have_text("1")
    for chart in ("rates", "days", "hours", "departments"):
        image = page.locator(f"#chart-{chart}")
        await expect(image).to_be_visible()
        # Decoded and laid out: the SVG drew, the page's CSP did not block it.
        width = await image.evaluate("img => img.complete ? img.naturalWidth : 0")
        assert width > 300, chart
        box = await image.bounding_box()
        assert box is not None
        assert box["height"] > 100
    await expect(page.locator("#ranking tbody tr").first).to_contain_text("临江市公安局")


async def test_wallboard_updates_from_the_stream(
    browser: Browser, stats_harness: StatsHarness
) -> None:
    page = await supervisor_page(browser, stats_harness)
    errors: list[str] = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    await page.goto(str(stats_harness.client.make_url("/desk/wallboard")))
    await expect(page.locator("#tile-waiting")).to_have_text("1")
    # The city table is drawn by the script from the event stream, not by the server.
    row = page.locator('#sites tr[data-site="linjiang"]')
    await expect(row).to_contain_text("3")
    await expect(page.locator("#live-absent")).to_be_hidden()
    assert errors == []


async def test_wallboard_agent_grid_follows_the_seats_live(
    browser: Browser, stats_harness: StatsHarness
) -> None:
    harness = stats_harness
    slow = call(50, NOW - timedelta(minutes=30), "operator", seat="lj-01",
                queue_outcome="answered", queue_wait_s=20.0, call_wait_s=26.0)  # fmt: skip
    async with harness.month.sessions.begin() as session:  # a seat's call today, slow
        session.add(slow)
    page = await supervisor_page(browser, harness)
    await page.goto(str(harness.client.make_url("/desk/wallboard")))
    first = page.locator('#agents tr[data-seat="lj-01"]')
    await expect(first).to_have_attribute("data-state", "available")
    await expect(first.locator("td").nth(4)).to_have_text("1")  # calls today
    second = page.locator('#agents tr[data-seat="lj-02"]')
    await expect(second).to_have_attribute("data-state", "offline")
    # Answered after 20 s in the queue: today's 15-s rate (target ≥ 90 %) is coloured.
    await expect(page.locator('[data-tile="answered_15s_rate"]')).to_have_class(
        re.compile("missed")
    )
    ticking = await first.locator("td.in-state").text_content()
    presence = Presence(store=harness.store, sites=load_sites())
    await presence.sign_in("lj-02")
    await presence.take_break("lj-01")
    # The next push (every 5 s) redraws the grid without a reload.
    await expect(second).to_have_attribute("data-state", "available", timeout=12_000)
    await expect(first).to_have_attribute("data-state", "break")
    assert ticking is not None
    await page.wait_for_timeout(1_200)
    later = await page.locator('#agents tr[data-seat="lj-02"] td.in-state').text_content()
    assert later is not None
    assert int(later) >= 1  # time in state ticks between pushes
