"""The holiday calendar page in Chromium: in December it warns that next year is not
entered, an admin pastes next year's CSV, the page then lists the days and the warning
is gone; the rows it refused are listed by line."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser

from base.clock import CHINA_TZ
from tests.agent_desk.conftest import DeskHarness
from tests.agent_desk.test_browser import signed_in

pytestmark = pytest.mark.browser
SCREENSHOTS = os.environ.get("HOTLINE_SCREENSHOTS")

CSV_2027 = (
    "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-07,workday,春节\n2027-02-09,workday,错\n"
)


async def test_an_admin_enters_next_years_holidays_on_the_page(
    browser: Browser, harness: DeskHarness
) -> None:
    await harness.desk.calendar_store.load()
    harness.clock.current = datetime(2026, 12, 2, 10, 0, tzinfo=CHINA_TZ)
    page = await signed_in(browser, harness, "admin1")
    await page.goto(str(harness.client.make_url("/desk/calendar")))
    warning = page.locator("#calendar-warning")
    assert "2027" in await warning.inner_text()
    assert "按周一至周五" in await page.inner_text("#calendar-state")
    await page.fill("#calendar-import-form textarea", CSV_2027)
    await page.click("#calendar-import-form button[type=submit]")
    errors = page.locator("#calendar-errors li")
    await errors.first.wait_for()
    assert "4" in await errors.first.inner_text()  # the line of the Tuesday "workday"
    await page.reload()
    rows = page.locator("#calendar-days tbody tr")
    assert await rows.count() == 2
    assert "元旦" in await rows.first.inner_text()
    assert await page.locator("#calendar-warning").count() == 0
    if SCREENSHOTS:
        await page.screenshot(path=str(Path(SCREENSHOTS) / "calendar.png"), full_page=True)
    await page.context.close()


async def test_a_supervisor_reads_the_calendar_without_editing_it(
    browser: Browser, harness: DeskHarness
) -> None:
    await harness.desk.calendar_store.load()
    page = await signed_in(browser, harness, "sup1")
    await page.goto(str(harness.client.make_url("/desk/calendar?year=2026")))
    assert await page.locator("#calendar-days tbody tr").count() > 30
    assert await page.locator("#calendar-import-form").count() == 0
    await page.context.close()
