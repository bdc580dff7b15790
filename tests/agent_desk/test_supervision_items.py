"""督办 items over HTTP: who may open, answer and close them, in which state, and who sees them."""

from __future__ import annotations

from agent_desk.auth import Role
from tests.agent_desk.conftest import DEPT_A, PASSWORD, DeskHarness


async def late_order(h: DeskHarness) -> int:
    response = await h.call("POST", "/api/orders", as_user="op1", json={
        "order_type": "consultation", "urgency": "critical", "subject": "供暖不热",
        "department_code": DEPT_A})  # fmt: skip
    order_id: int = (await response.json())["id"]
    h.clock.advance(days=3)
    return order_id


async def test_open_answer_send_back_and_close(harness: DeskHarness) -> None:
    order_id = await late_order(harness)
    body = {"order_id": order_id, "reason": "请今日办结", "due_date": "2026-11-30"}
    assert (await harness.call("POST", "/api/supervision", as_user="li_a", json=body)).status == 403
    opened = await harness.call("POST", "/api/supervision", as_user="sup1", json=body)
    assert opened.status == 201
    item = await opened.json()
    assert item["state"] == "open"
    path = f"/api/supervision/{item['id']}"
    order = await (await harness.call("GET", f"/api/orders/{order_id}", as_user="sup1")).json()
    assert order["supervised"] is True
    assert order["events"][-1]["transition"] == "supervise"
    # Another unit's liaison cannot see it; closing before an answer is refused.
    other = await harness.call("POST", f"{path}/answer", as_user="li_b", json={"answer": "x"})
    assert other.status == 404
    early = await harness.call("POST", f"{path}/close", as_user="sup1", json={})
    assert early.status == 409
    answered = await harness.call("POST", f"{path}/answer", as_user="li_a",
                                  json={"answer": "已上门检修"})  # fmt: skip
    assert (await answered.json())["state"] == "answered"
    back = await harness.call("POST", f"{path}/send-back", as_user="sup1",
                              json={"review": "请写明恢复时间"})  # fmt: skip
    assert (await back.json())["state"] == "open"
    await harness.call("POST", f"{path}/answer", as_user="li_a", json={"answer": "今日18时前恢复"})
    closed = await (await harness.call("POST", f"{path}/close", as_user="sup1", json={})).json()
    assert (closed["state"], closed["answer"], closed["closed_by"]) == (
        "closed",
        "今日18时前恢复",
        "sup1",
    )
    listing = await harness.call("GET", "/desk/supervision?state=closed", as_user="li_a")
    assert "供暖不热" in await listing.text()
    none_for_b = await harness.call("GET", "/desk/supervision", as_user="li_b")
    assert "供暖不热" not in await none_for_b.text()


async def test_a_deadline_in_the_past_is_refused(harness: DeskHarness) -> None:
    order_id = await late_order(harness)
    body = {"order_id": order_id, "reason": "请办理", "due_date": "2026-11-01"}
    refused = await harness.call("POST", "/api/supervision", as_user="sup1", json=body)
    assert refused.status == 400


async def test_a_platform_bound_supervisor_opens_and_reviews_only_their_platforms_items(
    harness: DeskHarness,
) -> None:
    """A county's supervisor (清河县) neither opens a 督办 on the city's order nor closes
    or sends back the city's item: both are not found, as when reading them."""
    await harness.desk.auth.add_user("sup_qh", Role.SUPERVISOR, password=PASSWORD,
                                     platform="qinghe")  # fmt: skip
    order_id = await late_order(harness)  # a 临江市 order
    body = {"order_id": order_id, "reason": "请今日办结", "due_date": "2026-11-30"}
    refused = await harness.call("POST", "/api/supervision", as_user="sup_qh", json=body)
    assert refused.status == 404
    item = await (await harness.call("POST", "/api/supervision", as_user="sup1", json=body)).json()
    path = f"/api/supervision/{item['id']}"
    await harness.call("POST", f"{path}/answer", as_user="li_a", json={"answer": "已上门检修"})
    for move, review in (("close", {}), ("send-back", {"review": "不行"})):
        response = await harness.call("POST", f"{path}/{move}", as_user="sup_qh", json=review)
        assert (response.status, (await response.json())["error"]["code"]) == (
            404, "supervision-not-found")  # fmt: skip
    closed = await harness.call("POST", f"{path}/close", as_user="sup1", json={})
    assert (await closed.json())["state"] == "closed"
