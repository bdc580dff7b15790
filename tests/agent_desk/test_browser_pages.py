"""Every page each role can reach, in Chromium: no raw catalogue key, no tofu, names not codes."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import Browser, Page

from agent_desk.i18n import MESSAGES
from agent_desk.manage_messages import MANAGE_MESSAGES
from agent_desk.order_messages import ORDER_MESSAGES
from tests.agent_desk.conftest import DEPT_A, DeskHarness
from tests.agent_desk.test_browser import signed_in

pytestmark = pytest.mark.browser
KEYS = {key for catalogue in (MESSAGES, MANAGE_MESSAGES, ORDER_MESSAGES) for key in catalogue["zh"]}
NAMESPACES = sorted({key.split(".")[0] for key in KEYS})
# "nav.kb", "order.subject", … as text on a page: a word that missed the catalogue.
RAW_KEY = re.compile(rf"\b(?:{'|'.join(NAMESPACES)})\.[a-z_]+\b")

# Draws one character on a canvas in the page's own font and returns its pixels: two
# different Chinese characters drawn the same (or like an unassigned code point) are tofu.
GLYPH_PIXELS = """(text) => {
  const canvas = document.createElement("canvas");
  canvas.width = 40; canvas.height = 40;
  const context = canvas.getContext("2d");
  context.font = "28px " + getComputedStyle(document.body).fontFamily;
  context.fillText(text, 4, 32);
  return Array.from(context.getImageData(0, 0, 40, 40).data).join(",");
}"""


async def nav_links(page: Page) -> list[str]:
    hrefs = await page.locator("header nav a").evaluate_all("links => links.map(a => a.href)")
    return [str(href) for href in hrefs]


async def assert_words_only(page: Page) -> None:
    await page.wait_for_load_state("networkidle")
    text = await page.inner_text("body")
    raw = sorted(set(RAW_KEY.findall(text)))
    assert not raw, f"{page.url}: raw keys {raw}"
    # The statistics pages are agent_desk.stats' own (their unit column is its to name).
    if "/desk/stats" not in page.url:
        assert DEPT_A not in text, f"{page.url}: a department code where people read"


def test_every_word_is_in_both_languages() -> None:
    for catalogue in (MESSAGES, MANAGE_MESSAGES, ORDER_MESSAGES):
        assert set(catalogue["zh"]) == set(catalogue["en"])


@pytest.mark.parametrize(
    ("user", "lang"),
    [("op1", "zh"), ("li_a", "zh"), ("sup1", "zh"), ("admin1", "zh"), ("op1", "en"),
     ("sup1", "en")],
)  # fmt: skip
async def test_every_page_of_the_role_shows_words_not_keys(
    browser: Browser, harness: DeskHarness, user: str, lang: str
) -> None:
    created = await harness.call("POST", "/api/orders", as_user="op1", json={
        "order_type": "complaint", "subject": "路灯不亮", "department_code": DEPT_A})  # fmt: skip
    number = (await created.json())["number"]
    page = await signed_in(browser, harness, user)
    await page.goto(f"{page.url.split('?')[0]}?lang={lang}")  # the choice is kept in a cookie
    links = await nav_links(page)
    assert any(link.endswith("/desk/orders") for link in links)
    if user in ("sup1", "admin1"):
        assert {"/desk/stats", "/desk/wallboard", "/desk/reports"} <= {
            "/" + link.split("/", 3)[3] for link in links}  # fmt: skip
    for link in [*links, str(harness.client.make_url(f"/desk/orders/{number}"))]:
        await page.goto(link)
        await assert_words_only(page)


async def test_chinese_renders_with_a_cjk_font_not_boxes(
    browser: Browser, harness: DeskHarness
) -> None:
    page = await signed_in(browser, harness, "op1")
    family = await page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Noto Sans CJK SC" in family
    re_, xian, unassigned = [
        await page.evaluate(GLYPH_PIXELS, text) for text in ("热", "线", "\U000e01f0")
    ]
    assert re_ != xian, "两个不同的汉字画成了同一个方块 (tofu)"
    assert re_ != unassigned
    width = await page.evaluate(
        "() => { const c = document.createElement('canvas').getContext('2d');"
        " c.font = '28px ' + getComputedStyle(document.body).fontFamily;"
        " return c.measureText('热线').width; }"
    )
    assert width > 40  # two full-width characters at 28 px
