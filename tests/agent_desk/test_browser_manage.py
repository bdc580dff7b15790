"""The management pages in real headless Chromium: a liaison keeps the department's hours."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect

from ivr.call_records import CallRecord
from tests.agent_desk.conftest import DEPT_A, DeskHarness
from tests.agent_desk.test_browser import signed_in

pytestmark = pytest.mark.browser

NEW_HOURS = "mon-sat 08:00-18:00"


async def test_liaison_edits_the_hours_and_sees_them_in_the_history(
    browser: Browser, harness: DeskHarness
) -> None:
    page = await signed_in(browser, harness, "li_a")
    await page.click("a[href='/desk/departments']")
    await expect(page.locator("#department-name")).to_have_text(
        "临江市公安局"
    )  # the name; the code stays in the URL
    hours = page.locator("#department-form input[name=hours]")
    await expect(hours).to_have_value("mon-fri 08:30-12:00 14:30-17:30")
    await hours.fill(NEW_HOURS)
    await page.click("#department-form button[type=submit]")
    await expect(page.locator("#department-result")).to_have_text("已保存")
    row = page.locator('#department-history tr[data-field="hours"]')
    await expect(row).to_contain_text(NEW_HOURS)
    await expect(row).to_contain_text("li_a")
    await expect(row).to_contain_text("办公时间")
    record = harness.desk.directory.get(DEPT_A)
    assert record is not None
    assert record.hours == NEW_HOURS
    # A bad value is refused on the page, naming the field, and changes nothing.
    await hours.fill("whenever")
    await page.click("#department-form button[type=submit]")
    await expect(page.locator("#department-result")).to_contain_text("hours")
    await expect(page.locator("#department-history tbody tr")).to_have_count(1)


async def test_the_console_shows_the_path_of_the_callers_latest_call(
    browser: Browser, harness: DeskHarness
) -> None:
    async with harness.sessions() as session:
        session.add(CallRecord(
            call_id="c-live", channel_id="ch", hotline_number="12345",
            caller_number="13700000008", started_at=harness.clock.now(), outcome="operator",
            steps=[{"t": 2.5, "step": "lookup", "keys": "425", "results": [DEPT_A]},
                   {"t": 4.0, "step": "announce", "to": "operator", "why": "key 0"},
                   {"t": 4.5, "step": "queued", "site": "linjiang"}],
        ))  # fmt: skip
        await session.commit()
    page = await signed_in(browser, harness, "op1")
    await page.goto(str(harness.client.make_url("/desk/console?caller=13700000008")))
    steps = page.locator("#call-path li")  # in words, not step=key
    await expect(steps).to_have_text(["按键 425", "临江市公安局", "转人工", "排队"])
    row = page.locator('#calls tr[data-call="c-live"]')
    await expect(row).to_contain_text("临江市公安局")
    await expect(row).to_contain_text("按键 425 → 临江市公安局 → 转人工 → 排队")
