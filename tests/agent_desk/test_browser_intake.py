"""The citizen's pages in real headless Chromium on a phone-sized screen: the browser does
the proof of work, files the report, and follows the order by number and phone."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from agent_desk.orders import Step, Transition
from agent_desk.timeutil import china
from tests.agent_desk.conftest import DEPT_A, DeskHarness
from tests.agent_desk.intake_helpers import configure_intake
from tests.agent_desk.test_browser_day import shot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}  # a common phone's CSS pixels


async def test_a_citizen_reports_on_a_phone_and_follows_the_order(
    browser: Browser, harness: DeskHarness
) -> None:
    # The default difficulty: the page's own SHA-256 must meet it in a phone-like time.
    configure_intake(harness, bits=16)
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = await context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(str(harness.client.make_url("/report")))
    await expect(page.locator("h1")).to_have_text("我要反映")
    # One column that fits the screen: nothing scrolls sideways.
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    await page.select_option("select[name=order_type]", "complaint")
    await page.fill("input[name=subject]", "夜间施工噪音")
    await page.fill("textarea[name=description]", "每晚十一点后仍在施工。")
    await page.fill("input[name=phone]", "13900001111")
    await shot(page, "report-form-phone")
    await page.click("#report-form button[type=submit]")
    await expect(page.locator("#order-number")).to_have_text("2611240001")
    await shot(page, "report-done-phone")
    [order] = await harness.desk.orders.search(visibility=None)
    assert (order.channel, order.subject) == ("web", "夜间施工噪音")

    now = china(harness.clock.now())
    reply = "已责令夜间停工。"
    for step in (Step(Transition.DISPATCH, actor="op1", at=now, department_code=DEPT_A),
                 Step(Transition.START, actor="li_a", at=now),
                 Step(Transition.REPLY, actor="li_a", at=now, reply=reply)):  # fmt: skip
        await harness.desk.orders.move(order.id, step, visibility=None)
    await page.click("#follow-link")
    await expect(page.locator("input[name=number]")).to_have_value("2611240001")
    await page.fill("input[name=contact]", "139 0000 1111")
    await page.click("#follow-form button[type=submit]")
    await expect(page.locator("#follow-status")).to_have_text("已答复")
    await expect(page.locator("#follow-reply")).to_have_text("已责令夜间停工。")
    await expect(page.locator("#follow-timeline li")).to_have_count(4)
    assert "li_a" not in await page.content()
    await shot(page, "follow-phone")
    # A wrong phone shows nothing of the order.
    await page.fill("input[name=number]", "2611240001")
    await page.fill("input[name=contact]", "13900002222")
    await page.click("#follow-form button[type=submit]")
    await expect(page.locator("#follow-error")).to_be_visible()
    await expect(page.locator("#follow-result")).to_have_count(0)
    assert errors == []
    await context.close()
