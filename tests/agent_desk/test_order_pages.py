"""The order list and order page as served: filters, paging, counts, names, buttons per role."""

from __future__ import annotations

import re

from tests.agent_desk.conftest import DEPT_A, DEPT_B, DeskHarness


async def create(h: DeskHarness, subject: str, **extra: object) -> dict[str, object]:
    body = {"order_type": "complaint", "urgency": "normal", "subject": subject,
            "caller_number": "13800000001", **extra}  # fmt: skip
    response = await h.call("POST", "/api/orders", as_user="op1", json=body)
    assert response.status == 201, await response.text()
    data: dict[str, object] = await response.json()
    return data


async def page(h: DeskHarness, path: str, *, as_user: str = "sup1") -> str:
    response = await h.call("GET", path, as_user=as_user)
    assert response.status == 200, await response.text()
    return await response.text()


def numbers(html: str) -> list[str]:
    return re.findall(r'<tr data-number="(\d+)"', html)


async def test_list_filters_sorts_by_due_date_and_counts_per_state(harness: DeskHarness) -> None:
    slow = await create(harness, "建议增设公交站", order_type="suggestion", department_code=DEPT_A)
    fast = await create(harness, "求助开锁", order_type="help", urgency="critical",
                        department_code=DEPT_B)  # fmt: skip
    kept = await create(harness, "咨询社保", order_type="consultation")
    html = await page(harness, "/desk/orders")
    # Due date first: critical help (1 working day), consultation (3), suggestion (15).
    assert numbers(html) == [fast["number"], kept["number"], slow["number"]]
    assert 'data-status="dispatched"' in html
    assert "已派单 <b>2</b>" in html
    assert "已受理 <b>1</b>" in html
    assert "临江市公安局" in html
    assert f">{DEPT_A}<" not in html
    only_help = await page(harness, "/desk/orders?type=help")
    assert numbers(only_help) == [fast["number"]]
    by_text = await page(harness, "/desk/orders?q=公交")
    assert numbers(by_text) == [slow["number"]]
    by_department = await page(harness, f"/desk/orders?department={DEPT_B}")
    assert numbers(by_department) == [fast["number"]]
    assert numbers(await page(harness, "/desk/orders?city=青山市")) == []
    assert len(numbers(await page(harness, "/desk/orders?city=临江市"))) == 2
    assert numbers(await page(harness, "/desk/orders?channel=voicemail")) == []
    assert numbers(await page(harness, "/desk/orders?urgency=critical")) == [fast["number"]]
    dispatched = await page(harness, "/desk/orders?status=dispatched")
    assert set(numbers(dispatched)) == {fast["number"], slow["number"]}
    assert "已受理 <b>1</b>" in dispatched  # counts ignore the status filter itself


async def test_deadline_filter_follows_the_working_calendar(harness: DeskHarness) -> None:
    late = await create(harness, "供暖不热", order_type="consultation", urgency="critical",
                        department_code=DEPT_A)  # fmt: skip
    harness.clock.advance(days=3)
    later = await create(harness, "噪音投诉", department_code=DEPT_A)
    overdue = await page(harness, "/desk/orders?deadline=overdue")
    assert numbers(overdue) == [late["number"]]
    on_time = await page(harness, "/desk/orders?deadline=on_time")
    assert numbers(on_time) == [later["number"]]
    assert 'class="overdue"' in overdue


async def test_list_is_paged_on_the_server(harness: DeskHarness) -> None:
    for n in range(4):
        await create(harness, f"路灯不亮 {n}")
    first = await page(harness, "/desk/orders?per_page=3&q=路灯")
    second = await page(harness, "/desk/orders?per_page=3&q=路灯&page=2")
    assert len(numbers(first)) == 3
    assert len(numbers(second)) == 1
    assert not set(numbers(first)) & set(numbers(second))
    assert 'rel="next"' in first
    assert "page=2" in first
    assert "q=%E8%B7%AF" in first


async def test_a_liaison_lists_only_their_departments(harness: DeskHarness) -> None:
    mine = await create(harness, "我的工单", department_code=DEPT_A)
    await create(harness, "别人的工单", department_code=DEPT_B)
    html = await page(harness, "/desk/orders", as_user="li_a")
    assert numbers(html) == [mine["number"]]


async def test_bad_filter_values_are_clear_errors(harness: DeskHarness) -> None:
    response = await harness.call("GET", "/desk/orders?status=lost", as_user="sup1")
    assert response.status == 400
    assert "status must be one of" in (await response.json())["error"]["message"]


async def test_order_page_shows_fields_timeline_and_the_buttons_of_the_role(
    harness: DeskHarness,
) -> None:
    order = await create(harness, "井盖缺失", department_code=DEPT_A, hotline_number="12345",
                         call_id="call-77")  # fmt: skip
    path = f"/desk/orders/{order['number']}"
    liaison = await page(harness, path, as_user="li_a")
    assert 'data-transition="start"' in liaison
    assert 'data-transition="return"' in liaison
    assert 'form class="transition" data-transition="merge"' not in liaison
    assert "临江市公安局" in liaison
    assert "call-77" in liaison
    assert "12345" in liaison
    assert "受理" in liaison
    assert "派单" in liaison
    operator = await page(harness, path, as_user="op1")
    # Dispatched: the unit signs for it; intake may only merge it into a duplicate.
    assert 'data-transition="start"' not in operator
    assert 'data-transition="merge"' in operator
    await harness.call("POST", f"/api/orders/{order['id']}/transitions", as_user="li_a",
                       json={"transition": "start"})  # fmt: skip
    await harness.call("POST", f"/api/orders/{order['id']}/transitions", as_user="li_a",
                       json={"transition": "reply", "reply": "已补装井盖"})  # fmt: skip
    reviewed = await page(harness, path, as_user="op1")
    assert 'data-transition="callback"' in reviewed
    assert 'name="satisfaction"' in reviewed
    assert "已补装井盖" in reviewed
    other = await harness.call("GET", path, as_user="li_b")
    assert other.status == 404


async def test_merge_form_offers_the_callers_other_orders(harness: DeskHarness) -> None:
    first = await create(harness, "楼道漏水")
    second = await create(harness, "楼道漏水 again")
    html = await page(harness, f"/desk/orders/{second['number']}", as_user="op1")
    assert f'name="merged_into_id" value="{first["id"]}"' in html
    assert f'value="{second["id"]}"' not in html
    searched = await page(harness, f"/desk/orders/{second['number']}?dup=无此事", as_user="op1")
    assert "未找到可并入的工单" in searched
