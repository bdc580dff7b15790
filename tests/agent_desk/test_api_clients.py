"""A department's system with a bearer token: its department only, read vs write scope,
rotation with an overlap, revocation at once, every call audited, and the cookie path
still needing its CSRF token."""

from __future__ import annotations

from typing import Any

from aiohttp import ClientResponse

from agent_desk import audit
from tests.agent_desk.conftest import DEPT_A, DEPT_B, DeskHarness


async def _order(h: DeskHarness, department: str, subject: str) -> int:
    created = await h.call("POST", "/api/orders", as_user="op1",
                           json={"order_type": "help", "subject": subject,
                                 "department_code": department})  # fmt: skip
    assert created.status == 201, await created.text()
    order_id: int = (await created.json())["id"]
    return order_id


async def _client(h: DeskHarness, name: str, scope: str, department: str = DEPT_A) -> str:
    body = {"name": name, "department_code": department, "scope": scope}
    response = await h.call("POST", "/api/api-clients", as_user="admin1", json=body)
    assert response.status == 201, await response.text()
    body = await response.json()
    assert body["client"]["scopes"] == (["read"] if scope == "read" else ["read", "write"])
    assert body["client"]["last_used_at"] is None
    token: str = body["token"]
    assert token.startswith("hlc_")
    return token


async def _bearer(h: DeskHarness, method: str, path: str, token: str,
                  json: Any = None) -> ClientResponse:  # fmt: skip
    """A machine's request: no cookie, no CSRF token, only the Authorization header."""
    h.client.session.cookie_jar.clear()
    return await h.client.request(method, path, json=json,
                                  headers={"Authorization": f"Bearer {token}"})  # fmt: skip


async def _error(response: ClientResponse) -> tuple[int, str]:
    body = await response.json()
    assert set(body) == {"error"}
    return response.status, body["error"]["code"]


async def test_a_client_sees_and_moves_only_its_departments_orders(harness: DeskHarness) -> None:
    own = await _order(harness, DEPT_A, "own-order")
    other = await _order(harness, DEPT_B, "other-department-order")
    token = await _client(harness, "gongan-system", "write")

    listed = await _bearer(harness, "GET", "/api/orders", token)
    assert listed.status == 200
    ids = [o["id"] for o in (await listed.json())["orders"]]
    assert ids == [own]
    assert "other-department-order" not in await listed.text()
    assert await _error(await _bearer(harness, "GET", f"/api/orders/{other}", token)) == (
        404, "order-not-found")  # fmt: skip
    moved_other = await _bearer(harness, "POST", f"/api/orders/{other}/transitions", token,
                                {"transition": "start"})  # fmt: skip
    assert await _error(moved_other) == (404, "order-not-found")

    # 签收 then 答复, without any CSRF token; the same life-cycle rules as the desk's.
    path = f"/api/orders/{own}/transitions"
    started = await _bearer(harness, "POST", path, token, {"transition": "start"})
    assert started.status == 200, await started.text()
    assert (await started.json())["status"] == "in_progress"
    no_text = await _bearer(harness, "POST", path, token, {"transition": "reply"})
    assert await _error(no_text) == (409, "order-transition-invalid")
    again = await _bearer(harness, "POST", path, token, {"transition": "start"})
    assert await _error(again) == (409, "order-transition-invalid")
    not_the_units = await _bearer(harness, "POST", path, token, {"transition": "close"})
    assert await _error(not_the_units) == (403, "forbidden")
    replied = await _bearer(harness, "POST", path, token,
                            {"transition": "reply", "reply": "已处理"})  # fmt: skip
    assert (await replied.json())["status"] == "replied"
    view = await (await _bearer(harness, "GET", f"/api/orders/{own}", token)).json()
    assert [(e["transition"], e["actor"]) for e in view["events"]][-2:] == [
        ("start", "api:gongan-system"), ("reply", "api:gongan-system")]  # fmt: skip

    # Only the order routes: nothing else of the desk answers a token.
    others = [("POST", "/api/orders", {"order_type": "help", "subject": "x"}),
              ("GET", "/api/voicemails", None), ("GET", "/api/users", None),
              ("GET", "/api/api-clients", None), ("GET", "/api/auth/me", None),
              ("GET", "/api/inbox", None), ("GET", "/api/kb/search", None)]  # fmt: skip
    for method, route, body in others:
        answer = await _bearer(harness, method, route, token, body)
        assert await _error(answer) == (403, "forbidden"), route


async def test_a_read_scope_token_cannot_write(harness: DeskHarness) -> None:
    order = await _order(harness, DEPT_A, "read-only")
    token = await _client(harness, "dashboard", "read")
    assert (await _bearer(harness, "GET", f"/api/orders/{order}", token)).status == 200
    refused = await _bearer(harness, "POST", f"/api/orders/{order}/transitions", token,
                            {"transition": "start"})  # fmt: skip
    assert await _error(refused) == (403, "api-scope-insufficient")
    view = await (await _bearer(harness, "GET", f"/api/orders/{order}", token)).json()
    assert view["status"] == "dispatched"


async def test_revocation_is_at_once_and_rotation_overlaps(harness: DeskHarness) -> None:
    await _order(harness, DEPT_A, "rotation")
    token = await _client(harness, "unit-app", "read")
    assert (await _bearer(harness, "GET", "/api/orders", token)).status == 200
    clients = await (await harness.call("GET", "/api/api-clients", as_user="admin1")).json()
    (client,) = clients["clients"]
    assert client["last_used_at"] == harness.clock.now().isoformat()
    assert client["last_used_ip"] == "127.0.0.1"

    rotated = await harness.call("POST", f"/api/api-clients/{client['id']}/rotate",
                                 as_user="admin1", json={"overlap_minutes": 30})  # fmt: skip
    new = (await rotated.json())["token"]
    assert (await _bearer(harness, "GET", "/api/orders", token)).status == 200  # overlap
    assert (await _bearer(harness, "GET", "/api/orders", new)).status == 200
    harness.clock.advance(minutes=31)
    assert await _error(await _bearer(harness, "GET", "/api/orders", token)) == (
        401, "api-token-invalid")  # fmt: skip
    assert (await _bearer(harness, "GET", "/api/orders", new)).status == 200

    at_once = await harness.call("POST", f"/api/api-clients/{client['id']}/rotate",
                                 as_user="admin1", json={"overlap_minutes": 0})  # fmt: skip
    newest = (await at_once.json())["token"]
    assert (await _bearer(harness, "GET", "/api/orders", new)).status == 401
    assert (await _bearer(harness, "GET", "/api/orders", newest)).status == 200

    revoked = await harness.call("POST", f"/api/api-clients/{client['id']}/revoke",
                                 as_user="admin1")  # fmt: skip
    assert revoked.status == 200
    assert (await revoked.json())["client"]["active"] is False
    # No time passes: the very next call is refused.
    assert await _error(await _bearer(harness, "GET", "/api/orders", newest)) == (
        401, "api-token-invalid")  # fmt: skip
    again = await harness.call("POST", f"/api/api-clients/{client['id']}/rotate",
                               as_user="admin1", json={})  # fmt: skip
    assert await _error(again) == (409, "api-client-revoked")

    page = await harness.call("GET", "/desk/integrations", as_user="admin1")
    text = await page.text()
    assert page.status == 200
    assert "unit-app" in text
    assert "127.0.0.1" in text  # the last use, shown to admins
    assert "hlc_" not in text  # never a token
    operator_page = await harness.call("GET", "/desk/integrations", as_user="op1")
    assert operator_page.url.path != "/desk/integrations"


async def test_every_call_is_audited_and_refused_ones_too(harness: DeskHarness) -> None:
    order = await _order(harness, DEPT_A, "audited")
    token = await _client(harness, "audited-app", "write")
    await _bearer(harness, "GET", "/api/orders", token)
    await _bearer(harness, "POST", f"/api/orders/{order}/transitions", token,
                  {"transition": "start"})  # fmt: skip
    await _bearer(harness, "GET", "/api/orders", "hlc_not-a-real-token")
    calls = [(e.actor, e.target, e.detail, e.ip)
             for e in await audit.recent(harness.sessions, action="api.call")]  # fmt: skip
    assert calls[::-1] == [
        ("api:audited-app", "GET /api/orders", "200", "127.0.0.1"),
        ("api:audited-app", f"POST /api/orders/{order}/transitions", "200", "127.0.0.1"),
    ]
    refused = await audit.recent(harness.sessions, action="api.refused")
    assert [(e.actor, e.detail) for e in refused] == [("api:unknown-token", "401")]
    moves = await audit.recent(harness.sessions, action="order.start")
    assert moves[0].actor == "api:audited-app"


async def test_bearer_needs_no_csrf_while_cookies_still_do(harness: DeskHarness) -> None:
    order = await _order(harness, DEPT_A, "csrf")
    token = await _client(harness, "csrf-app", "write")
    path = f"/api/orders/{order}/transitions"
    # A signed-in liaison's cookie without the CSRF header: refused as before.
    harness.client.session.cookie_jar.clear()
    await harness.sign_in("li_a")
    no_csrf = await harness.client.post(path, json={"transition": "start"})
    assert await _error(no_csrf) == (403, "csrf-token-invalid")
    # The cookie rides along with a bad bearer token: 401, no fall-back to the cookie.
    bad = await harness.client.post(path, json={"transition": "start"},
                                    headers={"Authorization": "Bearer hlc_wrong"})  # fmt: skip
    assert await _error(bad) == (401, "api-token-invalid")
    view = await (await _bearer(harness, "GET", f"/api/orders/{order}", token)).json()
    assert view["status"] == "dispatched"
    # The token alone moves it.
    moved = await _bearer(harness, "POST", path, token, {"transition": "start"})
    assert moved.status == 200
