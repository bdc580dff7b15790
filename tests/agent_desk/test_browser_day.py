"""A day at the desk in real Chromium against the whole hotline (PBX simulator, controller,
queue, desk): the operator sits at a seat, a caller's call queues and rings it, the
console pops, the order is logged and dispatched, the liaison finds it on top of the inbox
and replies, and the operator reviews it with the caller's satisfaction.

Screenshots of each step are taken on every run; `make screenshots` (HOTLINE_SCREENSHOTS=1)
keeps them in docs/screenshots/, otherwise they go to a temporary directory, so a test run
does not rewrite files under version control.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from sqlalchemy import select

from agent_desk.auth import Role
from agent_desk.orders import WorkOrder
from routing import SeatState
from tests.agent_desk.conftest import DEPT_A
from tests.ivr.flow.conftest import Harness
from tests.ivr.flow.routing_harness import Start, queue_hotlines, routing_of

pytestmark = pytest.mark.browser
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SCREENSHOTS = (
    DOCS_SCREENSHOTS
    if os.environ.get("HOTLINE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "hotline-screenshots"
)
PASSWORD = "correct-horse-9"
USERS = {"op1": (Role.OPERATOR, ()), "li_a": (Role.LIAISON, (DEPT_A,))}
CALLER = "13800000077"


@pytest.fixture(scope="session")
def prompt_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("prompts")


@pytest.fixture
async def start(tmp_path: Path, prompt_cache: Path) -> AsyncIterator[Start]:
    async with queue_hotlines(tmp_path, prompt_cache) as started:
        yield started


async def sign_in(context: BrowserContext, base: str, name: str) -> Page:
    page = await context.new_page()
    page.set_default_timeout(10_000)
    await page.goto(f"{base}/desk/login")
    await page.fill("input[name=name]", name)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url(lambda url: "/desk/login" not in url)
    return page


async def shot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


async def ringing_at(hotline: Harness, seat: str) -> tuple[float, str]:
    """The real time the seat started ringing (or was answered), and the call's id."""
    presence = routing_of(hotline).presence
    async with asyncio.timeout(30):
        while True:
            record = await presence.seat(seat)
            if record.state in (SeatState.RINGING, SeatState.ON_CALL):
                break
            await asyncio.sleep(0.02)
    assert record.call_id is not None
    return time.monotonic(), record.call_id


async def test_a_call_pops_is_logged_dispatched_replied_and_reviewed(
    browser: Browser, start: Start
) -> None:
    async with start(seat_plan={"linjiang": 0}) as hotline:
        desk = hotline.running.desk
        assert desk is not None
        for name, (role, departments) in USERS.items():
            await desk.auth.add_user(name, role, departments=departments, password=PASSWORD)
        base = hotline.running.http_url.rstrip("/")
        context = await browser.new_context(viewport={"width": 1280, "height": 800})

        # The operator sits at a free seat of the site.
        console = await sign_in(context, base, "op1")
        await console.select_option("#seat-select", "lj-02")
        await console.click("#seat-sit")
        await expect(console.locator("#seat-state")).to_contain_text("lj-02 · 空闲")
        await shot(console, "01-console-seated")

        # A caller keys 425 (公安局), then 0 for an operator: the call queues and rings lj-02.
        hotline.sim.set_endpoint("PJSIP/seat-lj-02", "answer:3")
        hotline.call("12345", caller=CALLER, keys="425#",
                            script=[{"at": 6.0, "dtmf": "0"}], hangup_after=600)  # fmt: skip
        rang, call_id = await ringing_at(hotline, "lj-02")
        pop = console.locator("#pop")
        await expect(pop).to_be_visible()
        popped_after_s = time.monotonic() - rang
        assert popped_after_s < 1.0, popped_after_s
        await expect(pop.locator('[data-field="caller"]')).to_have_text(CALLER)
        await expect(pop.locator('[data-field="dialled"]')).to_have_text("12345")
        await expect(pop.locator('[data-field="path"]')).to_contain_text("按键 425 → 临江市公安局")
        await expect(pop.locator('[data-field="path"]')).to_contain_text("转人工")
        form = console.locator("#order-form")
        await expect(form.locator("input[name=caller_number]")).to_have_value(CALLER)
        await expect(form.locator("input[name=call_id]")).to_have_value(call_id)
        await expect(form.locator("#order-department")).to_have_value(DEPT_A)
        await shot(console, "02-screen-pop")

        # Logged and dispatched: the type (1 click), the subject (free text), submit (1 click).
        await console.select_option("select[name=order_type]", "complaint")
        await console.fill("input[name=subject]", "小区门口夜间有人聚集喧哗")
        await console.click("#order-form button[type=submit]")
        await expect(console.locator("#order-result")).to_contain_text("已派单")
        number = await console.locator("#order-result").get_attribute("data-number")
        assert number is not None
        await expect(form.locator("input[name=subject]")).to_have_value("")  # cleared
        await expect(form.locator("input[name=call_id]")).to_have_value("")
        async with hotline.components.sessions() as session:
            order = await session.scalar(select(WorkOrder).where(WorkOrder.number == number))
        assert order is not None
        assert (order.call_id, order.hotline_number, order.caller_number) == (
            call_id, "12345", CALLER)  # fmt: skip
        assert (order.status, order.department_code) == ("dispatched", DEPT_A)

        # The liaison finds it on top of the inbox, signs for it and replies on its page.
        unit = await browser.new_context(viewport={"width": 1280, "height": 800})
        inbox = await sign_in(unit, base, "li_a")
        first = inbox.locator("#inbox-orders tbody tr").first
        await expect(first).to_have_attribute("data-number", number)
        await expect(first).to_contain_text("临江市公安局")
        await shot(inbox, "03-liaison-inbox")
        await first.locator("a").click()
        await inbox.click('form[data-transition="start"] button')
        await expect(inbox.locator("#order-status")).to_have_text("办理中")
        await inbox.fill('form[data-transition="reply"] textarea', "已安排民警夜间巡查")
        await inbox.click('form[data-transition="reply"] button')
        await expect(inbox.locator("#order-status")).to_have_text("已答复")
        await shot(inbox, "04-order-replied")

        # The operator calls the caller back, records the satisfaction, and closes it.
        await console.goto(f"{base}/desk/orders/{number}")
        await console.check('form[data-transition="callback"] input[name=satisfaction][value="4"]')
        await console.fill('form[data-transition="callback"] textarea', "来电人表示满意")
        await console.click('form[data-transition="callback"] button')
        await expect(console.locator("#order-satisfaction")).to_have_text("4 满意")
        await console.click('form[data-transition="close"] button')
        await expect(console.locator("#order-status")).to_have_text("已办结")
        timeline = console.locator("#timeline tbody tr")
        await expect(timeline).to_have_count(6)  # 受理 派单 签收 答复 回访 办结
        await shot(console, "05-order-closed")
        await console.goto(f"{base}/desk/orders?status=closed")
        await expect(console.locator(f'#orders-table tr[data-number="{number}"]')).to_contain_text(
            "临江市公安局")  # fmt: skip
        await expect(console.locator('#status-counts a[data-status="closed"]')).to_contain_text("1")
        await shot(console, "06-orders-list")
        await unit.close()
        await context.close()
