"""The order API end to end: sign in, log and dispatch, move, history, errors."""

from __future__ import annotations

from tests.agent_desk.conftest import DEPT_A, DeskHarness


async def create(h: DeskHarness, **extra: object) -> dict[str, object]:
    body = {
        "order_type": "complaint",
        "urgency": "urgent",
        "subject": "路灯不亮",
        "caller_number": "13800000001",
        **extra,
    }
    response = await h.call("POST", "/api/orders", as_user="op1", json=body)
    assert response.status == 201, await response.text()
    data: dict[str, object] = await response.json()
    return data


async def test_operator_logs_and_dispatches_a_call_in_one_request(harness: DeskHarness) -> None:
    order = await create(harness, department_code=DEPT_A)
    assert order["number"] == "2611240001"
    assert order["status"] == "dispatched"
    assert order["department_code"] == DEPT_A
    assert order["deadline"] == {
        "due_date": "2026-12-01",
        "level": "on_time",
        "working_days_left": 5,
    }


async def test_liaison_replies_and_operator_closes_after_callback(harness: DeskHarness) -> None:
    order = await create(harness, department_code=DEPT_A)
    path = f"/api/orders/{order['id']}/transitions"
    for user, body in [
        ("li_a", {"transition": "start"}),
        ("li_a", {"transition": "reply", "reply": "已安排维修"}),
        ("op1", {"transition": "callback", "satisfaction": 4}),
        ("op1", {"transition": "close"}),
        ("sup1", {"transition": "archive"}),
    ]:
        response = await harness.call("POST", path, as_user=user, json=body)
        assert response.status == 200, await response.text()
    detail = await (await harness.call("GET", f"/api/orders/{order['id']}", as_user="sup1")).json()
    assert detail["status"] == "archived"
    assert [(e["transition"], e["actor"]) for e in detail["events"]] == [
        ("accept", "op1"),
        ("dispatch", "op1"),
        ("start", "li_a"),
        ("reply", "li_a"),
        ("callback", "op1"),
        ("close", "op1"),
        ("archive", "sup1"),
    ]


async def test_illegal_transition_is_409_with_its_code(harness: DeskHarness) -> None:
    order = await create(harness)
    response = await harness.call(
        "POST",
        f"/api/orders/{order['id']}/transitions",
        as_user="op1",
        json={"transition": "close"},
    )
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "order-transition-invalid"


async def test_not_accepted_needs_a_known_referral(harness: DeskHarness) -> None:
    order = await create(harness)
    path = f"/api/orders/{order['id']}/transitions"
    bad = await harness.call(
        "POST",
        path,
        as_user="op1",
        json={"transition": "not_accept", "reason": "r", "referral": "x"},
    )
    assert bad.status == 409
    good = await harness.call(
        "POST",
        path,
        as_user="op1",
        json={"transition": "not_accept", "reason": "火灾", "referral": "fire-119"},
    )
    assert (await good.json())["referral"] == "fire-119"


async def test_caller_history_lists_earlier_orders_newest_first(harness: DeskHarness) -> None:
    first = await create(harness)
    second = await create(harness)
    await create(harness, caller_number="13999999999")
    response = await harness.call("GET", "/api/orders?caller_number=13800000001", as_user="op1")
    numbers = [o["number"] for o in (await response.json())["orders"]]
    assert numbers == [second["number"], first["number"]]


async def test_bad_input_is_a_400_with_the_error_shape(harness: DeskHarness) -> None:
    response = await harness.call(
        "POST", "/api/orders", as_user="op1", json={"order_type": "gossip", "subject": "x"}
    )
    assert response.status == 400
    body = await response.json()
    assert body["error"]["code"] == "invalid-input"
    assert "order_type" in body["error"]["message"]


async def test_dispatch_to_unknown_department_is_refused(harness: DeskHarness) -> None:
    response = await harness.call(
        "POST",
        "/api/orders",
        as_user="op1",
        json={"order_type": "help", "subject": "x", "department_code": "nope"},
    )
    assert response.status == 400


async def test_transfer_asks_the_call_controller(harness: DeskHarness) -> None:
    response = await harness.call(
        "POST", "/api/calls/c-42/transfer", as_user="op1", json={"department_code": DEPT_A}
    )
    assert response.status == 200
    assert harness.call_control.transfers == [("c-42", DEPT_A)]


async def test_transfer_without_call_controller_is_503(harness: DeskHarness) -> None:
    harness.desk.call_control = None
    response = await harness.call(
        "POST", "/api/calls/c-42/transfer", as_user="op1", json={"department_code": DEPT_A}
    )
    assert response.status == 503
    assert (await response.json())["error"]["code"] == "asterisk-ari-not-initialized"


async def test_late_orders_show_after_the_due_date(harness: DeskHarness) -> None:
    order = await create(harness, department_code=DEPT_A)
    harness.clock.advance(days=10)
    response = await harness.call("GET", "/api/orders/late", as_user="sup1")
    late = (await response.json())["orders"]
    assert [o["number"] for o in late] == [order["number"]]
    assert late[0]["deadline"]["level"] == "overdue"


async def test_openapi_document_lists_every_api_route(harness: DeskHarness) -> None:
    document = await (await harness.client.get("/api/openapi.json")).json()
    documented = set(document["paths"])
    served = {
        r.resource.canonical
        for r in harness.client.app.router.routes()
        if r.resource is not None
        and r.resource.canonical.startswith("/api/")
        and r.method != "HEAD"
    }
    served -= {
        "/api/openapi.json",
        "/api/events",
        "/api/directory/search",
        "/api/directory/departments/{code}",
    }
    assert served == documented


async def test_merging_into_a_missing_order_is_bad_input_not_404(harness: DeskHarness) -> None:
    # The order in the path exists: a 404 would say it does not (schemathesis ST302).
    order = await create(harness)
    response = await harness.call(
        "POST",
        f"/api/orders/{order['id']}/transitions",
        as_user="op1",
        json={"transition": "merge", "merged_into_id": 67108864},
    )
    assert response.status == 400
    error = (await response.json())["error"]
    assert error["code"] == "order-input-invalid"
    assert "67108864" in error["message"]
