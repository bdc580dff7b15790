"""Dispatch through the platform tree: city → county → department → back to the city.

Each hop goes through the JSON API as the person who would make it, is checked by the
life cycle and the tree (agent_desk.orders.hops), and leaves an event on the timeline
with the platform the order stood at; moves the tree does not allow are refused.
"""

from __future__ import annotations

from typing import Any

from agent_desk.auth import Role
from tests.agent_desk.conftest import DEPT_A, PASSWORD, DeskHarness

QH_DEPT = "qinghe.gongan"
REFUSED = "order-transition-invalid"


async def _users(h: DeskHarness) -> None:
    await h.desk.auth.add_user("sup_lj", Role.SUPERVISOR, password=PASSWORD, platform="linjiang")
    await h.desk.auth.add_user("op_qh", Role.OPERATOR, password=PASSWORD, platform="qinghe")
    await h.desk.auth.add_user("li_qh", Role.LIAISON, departments=[QH_DEPT], password=PASSWORD,
                               platform="qinghe")  # fmt: skip


async def _move(h: DeskHarness, user: str, order_id: int, **body: Any) -> tuple[int, Any]:
    async with await h.call(
        "POST", f"/api/orders/{order_id}/transitions", as_user=user, json=body
    ) as response:
        return response.status, await response.json()


async def _order(h: DeskHarness, user: str, order_id: int) -> tuple[int, Any]:
    async with await h.call("GET", f"/api/orders/{order_id}", as_user=user) as response:
        return response.status, await response.json()


async def test_city_to_county_to_department_and_back_to_the_city(harness: DeskHarness) -> None:
    await _users(harness)
    async with await harness.call(
        "POST", "/api/orders", as_user="sup_lj",
        json={"order_type": "complaint", "subject": "清河县城关镇路灯不亮",
              "hotline_number": "12345", "caller_number": "13900001111"},
    ) as created:  # fmt: skip
        assert created.status == 201
        order = await created.json()
    assert order["platform"] == "linjiang"
    order_id = order["id"]
    assert (await _order(harness, "op_qh", order_id))[0] == 404  # the city's, not yet theirs

    status, body = await _move(harness, "sup_lj", order_id, transition="hand_down",
                               platform="qingshan", reason="不是本市")  # fmt: skip
    assert (status, body["error"]["code"]) == (409, REFUSED), body
    status, body = await _move(harness, "sup_lj", order_id, transition="hand_down",
                               platform="qinghe", reason="属清河县辖区")  # fmt: skip
    assert status == 200, body
    assert (body["status"], body["platform"]) == ("accepted", "qinghe")

    status, body = await _move(harness, "op_qh", order_id, transition="dispatch",
                               department_code=DEPT_A)  # fmt: skip
    assert (status, body["error"]["code"]) == (409, REFUSED), body
    status, body = await _move(harness, "op_qh", order_id, transition="dispatch",
                               department_code=QH_DEPT)  # fmt: skip
    assert (status, body["status"]) == (200, "dispatched"), body

    status, body = await _move(harness, "li_qh", order_id, transition="return",
                               reason="涉及市管道路，县里无权处理")  # fmt: skip
    assert (status, body["status"]) == (200, "returned"), body
    status, body = await _move(harness, "op_qh", order_id, transition="hand_up",
                               reason="市管道路，退回市级")  # fmt: skip
    assert status == 200, body
    assert (body["status"], body["platform"], body["department_code"]) == (
        "accepted", "linjiang", None)  # fmt: skip
    assert (await _order(harness, "op_qh", order_id))[0] == 404  # back at the city

    status, body = await _move(harness, "sup_lj", order_id, transition="hand_up", reason="再上")
    assert (status, body["error"]["code"]) == (409, REFUSED), body
    status, body = await _move(harness, "sup_lj", order_id, transition="dispatch",
                               department_code=DEPT_A)  # fmt: skip
    assert (status, body["status"]) == (200, "dispatched"), body

    status, view = await _order(harness, "sup_lj", order_id)
    assert status == 200
    timeline = [(e["transition"], e["to_status"], e["platform"], e["actor"])
                for e in view["events"]]  # fmt: skip
    assert timeline == [
        ("accept", "accepted", "linjiang", "sup_lj"),
        ("hand_down", "accepted", "qinghe", "sup_lj"),
        ("dispatch", "dispatched", "qinghe", "op_qh"),
        ("return", "returned", "qinghe", "li_qh"),
        ("hand_up", "accepted", "linjiang", "op_qh"),
        ("dispatch", "dispatched", "linjiang", "sup_lj"),
    ]
    assert [e["department_code"] for e in view["events"]][2:4] == [QH_DEPT, QH_DEPT]


async def test_a_county_order_is_filed_under_its_own_number(harness: DeskHarness) -> None:
    await _users(harness)
    for user, number, platform in (("sup_lj", "83312345", "qinghe"),
                                   ("op_qh", "12345", "qinghe"),
                                   ("sup_lj", "114", "linjiang")):  # fmt: skip
        async with await harness.call(
            "POST", "/api/orders", as_user=user,
            json={"order_type": "help", "subject": f"{user} {number}", "hotline_number": number},
        ) as created:  # fmt: skip
            assert created.status == 201
            assert (await created.json())["platform"] == platform, (user, number)
