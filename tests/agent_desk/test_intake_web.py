"""The public form /report and /follow over HTTP: proof of work, rate limit, privacy."""

from __future__ import annotations

import re

from agent_desk.intake import solve
from agent_desk.orders import Step, Transition
from agent_desk.timeutil import china
from tests.agent_desk.conftest import DEPT_A, DeskHarness
from tests.agent_desk.intake_helpers import POW_BITS, configure_intake

FORM = {"order_type": "complaint", "subject": "夜间施工噪音", "description": "每晚十一点后仍在施工",
        "name": "王女士", "phone": "13900001111", "email": ""}  # fmt: skip


async def _challenge(harness: DeskHarness) -> str:
    async with harness.client.get("/report") as response:
        assert response.status == 200
        assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")
        page = await response.text()
    found = re.search(r'name="challenge" value="([^"]+)"', page)
    assert found is not None
    assert "我要反映" in page
    return found.group(1)


async def _submit(harness: DeskHarness, form: dict[str, str], *, challenge: str,
                  nonce: str | None = None) -> tuple[int, str]:  # fmt: skip
    data = {**form, "challenge": challenge,
            "nonce": nonce if nonce is not None else solve(challenge, POW_BITS)}  # fmt: skip
    async with harness.client.post("/report", data=data) as response:
        return response.status, await response.text()


async def test_the_form_files_a_web_order_and_answers_with_its_number(
    harness: DeskHarness,
) -> None:
    configure_intake(harness)
    status, page = await _submit(harness, FORM, challenge=await _challenge(harness))
    assert status == 201, page
    [order] = await harness.desk.orders.search(visibility=None)
    assert (order.channel, order.subject, order.caller_number, order.order_type) == (
        "web", "夜间施工噪音", "13900001111", "complaint",
    )  # fmt: skip
    assert order.number in page
    assert f"/follow?number={order.number}" in page
    assert order.due_date.isoformat() in page


async def test_work_not_done_or_a_spent_challenge_is_refused(harness: DeskHarness) -> None:
    configure_intake(harness)
    challenge = await _challenge(harness)
    status, page = await _submit(harness, FORM, challenge=challenge, nonce="")
    assert status == 400
    assert "安全验证" in page
    wrong = next(n for n in range(1000)
                 if solve(challenge, POW_BITS) != str(n))  # fmt: skip
    status, _ = await _submit(harness, FORM, challenge=challenge, nonce=str(wrong))
    assert status == 400
    forged = challenge[:-1] + ("1" if challenge.endswith("0") else "0")  # never the original
    status, _ = await _submit(harness, FORM, challenge=forged)
    assert status == 400
    assert await harness.desk.orders.search(visibility=None) == []
    assert (await _submit(harness, FORM, challenge=challenge))[0] == 201
    assert (await _submit(harness, FORM, challenge=challenge))[0] == 400  # used once only
    assert len(await harness.desk.orders.search(visibility=None)) == 1


async def test_one_address_is_limited_then_let_in_after_the_window(harness: DeskHarness) -> None:
    configure_intake(harness, rate_limit=3)
    statuses = [(await _submit(harness, FORM, challenge=await _challenge(harness)))[0]
                for _ in range(4)]  # fmt: skip
    assert statuses == [201, 201, 201, 429]
    assert len(await harness.desk.orders.search(visibility=None)) == 3
    harness.clock.advance(hours=1, seconds=1)
    assert (await _submit(harness, FORM, challenge=await _challenge(harness)))[0] == 201


async def test_bad_input_is_told_and_kept(harness: DeskHarness) -> None:
    configure_intake(harness)
    status, page = await _submit(harness, {**FORM, "phone": "12"},
                                 challenge=await _challenge(harness))  # fmt: skip
    assert status == 400
    assert "联系电话" in page
    assert "每晚十一点后仍在施工" in page


async def test_follow_shows_state_and_reply_to_the_citizen_only(harness: DeskHarness) -> None:
    configure_intake(harness)
    await _submit(harness, FORM, challenge=await _challenge(harness))
    [order] = await harness.desk.orders.search(visibility=None)
    now = china(harness.clock.now())
    for step in (
        Step(Transition.DISPATCH, actor="op1", at=now, department_code=DEPT_A,
             reason="内部意见：此人多次投诉"),
        Step(Transition.START, actor="li_a", at=now),
        Step(Transition.REPLY, actor="li_a", at=now, reply="已责令施工单位夜间停工。"),
    ):  # fmt: skip
        await harness.desk.orders.move(order.id, step, visibility=None)
    async with harness.client.get(f"/follow?number={order.number}") as response:
        assert response.status == 200
        assert order.number in await response.text()
    async with harness.client.post(
        "/follow", data={"number": order.number, "contact": "+86 139-0000-1111"}
    ) as response:
        page = await response.text()
    assert response.status == 200, page
    assert "已答复" in page
    assert "已责令施工单位夜间停工。" in page
    assert "临江市公安局" in page
    for private in ("内部意见", "li_a", "op1", "13900001111", "王女士"):
        assert private not in page
    async with harness.client.post(
        "/follow", data={"number": order.number, "contact": "13900002222"}
    ) as response:
        assert response.status == 404
        assert "已责令" not in await response.text()


async def test_a_second_report_of_one_citizen_is_offered_for_merging(harness: DeskHarness) -> None:
    configure_intake(harness)
    await _submit(harness, FORM, challenge=await _challenge(harness))
    harness.clock.advance(hours=3)
    status, page = await _submit(harness, {**FORM, "phone": "+86 13900001111"},
                                 challenge=await _challenge(harness))  # fmt: skip
    second, first = await harness.desk.orders.search(visibility=None)
    assert status == 201
    assert f"您近期已提交过工单 {first.number}" in page
    async with await harness.call("GET", f"/desk/orders/{second.number}",
                                  as_user="admin1") as response:  # fmt: skip
        desk_page = await response.text()
    assert response.status == 200
    assert f'name="merged_into_id" value="{first.id}"' in desk_page
    assert "疑似重复" in desk_page
    harness.clock.advance(hours=73)
    await _submit(harness, FORM, challenge=await _challenge(harness))
    third = (await harness.desk.orders.search(visibility=None))[0]
    view = await harness.desk.orders.get(third.id, visibility=None)
    assert [e.transition for e in view.events] == ["accept"]  # outside the window
