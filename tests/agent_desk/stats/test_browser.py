"""The statistics pages in headless Chromium (Debian's): charts drawn, wallboard live."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, Page, expect

from tests.agent_desk.conftest import PASSWORD
from tests.agent_desk.stats.conftest import StatsHarness

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
    await expect(page.locator('#kpi-total tr[data-kpi="calls_offered"] td')).to_have_text("9")
    for chart in ("rates", "days", "hours", "departments"):
        image = page.locator(f"#chart-{chart}")
        await expect(image).to_be_visible()
        # Decoded and laid out: the SVG drew, the page's CSP did not block it.
        width = await image.evaluate("img => img.complete ? img.naturalWidth : 0")
        assert width > 300, chart
        box = await image.bounding_box()
        assert box is not None
        assert box["height"] > 100
    await expect(page.locator("#ranking tbody tr").first).to_contain_text("linjiang.gongan")


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
