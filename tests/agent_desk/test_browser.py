"""The desk pages in real headless Chromium (Debian's), driven by Playwright."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from agent_desk import VoicemailOrders
from tests.agent_desk.conftest import DEPT_A, PASSWORD, DeskHarness
from tests.agent_desk.test_browser_day import shot

pytestmark = pytest.mark.browser


async def signed_in(browser: Browser, harness: DeskHarness, name: str) -> Page:
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    page.set_default_timeout(10_000)
    await page.goto(str(harness.client.make_url("/desk/login")))
    await page.fill("input[name=name]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda url: "/desk/login" not in url)
    return page


async def test_wrong_password_shows_an_error(browser: Browser, harness: DeskHarness) -> None:
    page = await browser.new_page()
    await page.goto(str(harness.client.make_url("/desk/login")))
    await page.fill("input[name=name]", "op1")
    await page.fill("input[name=password]", "nope")
    await page.click("button[type=submit]")
    await expect(page.locator("#login-error")).to_contain_text("用户名或密码错误")


async def test_operator_logs_a_call_as_an_order_and_dispatches_it(
    browser: Browser, harness: DeskHarness
) -> None:
    page = await signed_in(browser, harness, "op1")
    assert page.url.endswith("/desk/console")
    await page.fill("#directory-form input[name=q]", "公安局")
    await page.click("#directory-form button")
    await page.locator("#directory-results button").first.click()
    await expect(page.locator('#department-card [data-field="name"]')).to_have_text("临江市公安局")
    await expect(page.locator("#order-department")).to_have_value(DEPT_A)
    await page.fill("#caller-number", "13800000001")
    await page.select_option("select[name=order_type]", "complaint")
    await page.fill("input[name=subject]", "夜间施工噪音")
    await page.click("#order-form button[type=submit]")
    await expect(page.locator("#order-result")).to_contain_text("2611240001")
    await expect(page.locator("#history")).to_contain_text("夜间施工噪音")
    order = (await harness.desk.orders.search(visibility=None))[0]
    assert (order.status, order.department_code, order.created_by) == ("dispatched", DEPT_A, "op1")


async def test_liaison_plays_and_replies_to_a_voicemail(
    browser: Browser, harness: DeskHarness, tmp_path: Path
) -> None:
    audio = tmp_path / "vm.wav"
    audio.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt ")
    vm = await harness.add_voicemail(DEPT_A, audio=audio)
    await VoicemailOrders(
        sessions=harness.sessions, orders=harness.desk.orders,
        directory=harness.desk.directory, notifier=harness.desk.notifier,
    ).order_for_voicemail(vm)  # fmt: skip
    page = await signed_in(browser, harness, "li_a")
    assert page.url.endswith("/desk/inbox")
    item = page.locator(f'[data-voicemail="{vm}"]')
    await expect(item.locator("audio")).to_have_attribute("src", f"/api/voicemails/{vm}/audio")
    await expect(page.locator("#inbox-orders")).to_contain_text("语音留言")
    await expect(item).to_contain_text("临江市公安局")  # the department by name
    await expect(item).to_contain_text("占线")  # the reason in words
    await item.locator("textarea").fill("已回电说明办理流程")
    await item.locator("button[type=submit]").click()
    await expect(item).to_have_count(0)  # handled: it leaves the unheard list
    voicemail = await harness.desk.voicemails.get(vm, visibility=None)
    assert voicemail.handled_by == "li_a"


async def test_supervisor_opens_a_supervision_the_unit_answers_and_it_is_closed(
    browser: Browser, harness: DeskHarness
) -> None:
    response = await harness.call(
        "POST", "/api/orders", as_user="op1",
        json={"order_type": "consultation", "urgency": "critical", "subject": "供暖不热",
              "department_code": DEPT_A},
    )  # fmt: skip
    number = (await response.json())["number"]
    harness.clock.advance(days=3)
    page = await signed_in(browser, harness, "sup1")
    row = page.locator(f'#late-orders tr[data-number="{number}"]')
    await expect(row).to_have_class("overdue")
    await expect(row).to_contain_text("供暖不热")
    await expect(row).to_contain_text("临江市公安局")
    await row.locator("a", has_text="督办").click()
    await page.fill("#supervise textarea[name=reason]", "请今日办结并回复来电人")
    await page.click("#supervise button[type=submit]")
    await expect(page.locator("#item-state")).to_have_text("待答复")
    item_url = page.url
    unit = await signed_in(browser, harness, "li_a")
    await unit.click("header a[href='/desk/supervision']")
    await expect(unit.locator("#supervision-items")).to_contain_text("请今日办结并回复来电人")
    await unit.locator("#supervision-items a").first.click()
    await unit.fill("#answer-form textarea", "已派人上门检修，今日恢复供暖")
    await unit.click("#answer-form button")
    await expect(unit.locator("#item-state")).to_have_text("待审核")
    await page.goto(item_url)
    await expect(page.locator("#item-answer")).to_contain_text("今日恢复供暖")
    await page.fill("#close-form textarea", "同意办结")
    await page.click("#close-form button")
    await expect(page.locator("#item-state")).to_have_text("已办结")
    await page.goto(str(harness.client.make_url(f"/desk/orders/{number}")))
    await expect(page.locator("#timeline")).to_contain_text("请今日办结并回复来电人")
    await expect(page.locator("#order-supervisions")).to_contain_text("已办结")
    await page.goto(item_url)
    await shot(page, "07-supervision-closed")


async def test_english_toggle_switches_the_labels(browser: Browser, harness: DeskHarness) -> None:
    page = await signed_in(browser, harness, "op1")
    await page.click("a.lang")
    await expect(page.locator("#order-form button[type=submit]")).to_have_text("Log and dispatch")


async def test_operator_signs_in_at_a_seat_from_the_console(
    browser: Browser, harness: DeskHarness
) -> None:
    page = await signed_in(browser, harness, "op1")
    assert harness.desk.seats is not None
    linjiang = len(harness.desk.seats.sites.site("linjiang").seats)
    await expect(page.locator("#seat-select option")).to_have_count(linjiang)  # its site only
    await page.select_option("#seat-select", "lj-03")
    await page.click("#seat-sit")
    await expect(page.locator("#seat-state")).to_have_text("lj-03 · 空闲")
    assert harness.desk.seats is not None
    seat = await harness.desk.seats.presence.seat("lj-03")
    assert seat.state.value == "available"
