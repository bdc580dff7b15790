"""User administration over the API: details, contacts, deactivation, password reset."""

from __future__ import annotations

from agent_desk import audit
from tests.agent_desk.conftest import DEPT_A, PASSWORD, DeskHarness


async def user_id(harness: DeskHarness, name: str) -> int:
    response = await harness.call("GET", "/api/users", as_user="admin1")
    ids: dict[str, int] = {u["name"]: u["id"] for u in (await response.json())["users"]}
    return ids[name]


async def test_admin_adds_a_liaison_with_contacts(harness: DeskHarness) -> None:
    created = await harness.call("POST", "/api/users", as_user="admin1",
                                 json={"name": "li_new", "role": "liaison",
                                       "departments": [DEPT_A]})  # fmt: skip
    assert created.status == 201
    new_id = (await created.json())["id"]
    contact = {"email": "li@example.org", "phone": "138 0000 0001"}
    patched = await harness.call("PATCH", f"/api/users/{new_id}", as_user="admin1", json=contact)
    assert patched.status == 200, await patched.text()
    account = await patched.json()
    assert (account["email"], account["phone"], account["active"]) == (
        "li@example.org", "13800000001", True,
    )  # fmt: skip
    assert account["departments"] == [DEPT_A]
    cleared = await harness.call("PATCH", f"/api/users/{new_id}", as_user="admin1",
                                 json={"email": None})  # fmt: skip
    assert ((await cleared.json())["email"], (await cleared.json())["phone"]) == (
        None, "13800000001",
    )  # fmt: skip
    bad = await harness.call("PATCH", f"/api/users/{new_id}", as_user="admin1",
                             json={"email": "nope"})  # fmt: skip
    assert bad.status == 400
    assert (await bad.json())["error"]["details"]["field"] == "email"
    unknown_field = await harness.call("PATCH", f"/api/users/{new_id}", as_user="admin1",
                                       json={"name": "renamed"})  # fmt: skip
    assert unknown_field.status == 400


async def test_deactivation_signs_the_user_out_and_keeps_them_out(harness: DeskHarness) -> None:
    op_id = await user_id(harness, "op1")
    harness.client.session.cookie_jar.clear()
    await harness.sign_in("op1")
    assert (await harness.client.get("/api/auth/me")).status == 200
    op_cookie = harness.client.session.cookie_jar.filter_cookies(harness.client.make_url("/"))
    response = await harness.call("PATCH", f"/api/users/{op_id}", as_user="admin1",
                                  json={"active": False})  # fmt: skip
    assert (await response.json())["active"] is False
    harness.client.session.cookie_jar.clear()
    harness.client.session.cookie_jar.update_cookies(op_cookie)
    assert (await harness.client.get("/api/auth/me")).status == 401
    login = await harness.client.post("/api/auth/login", json={"name": "op1", "password": PASSWORD})
    assert login.status == 401
    back = await harness.call("PATCH", f"/api/users/{op_id}", as_user="admin1",
                              json={"active": True})  # fmt: skip
    assert (await back.json())["active"] is True
    await harness.sign_in("op1")
    admin_id = await user_id(harness, "admin1")
    itself = await harness.call("PATCH", f"/api/users/{admin_id}", as_user="admin1",
                                json={"active": False})  # fmt: skip
    assert itself.status == 409
    actions = {e.action for e in await audit.recent(harness.sessions, limit=500)}
    assert {"user.deactivate", "user.activate"} <= actions


async def test_password_reset_gives_a_one_time_password(harness: DeskHarness) -> None:
    li_id = await user_id(harness, "li_a")
    response = await harness.call("POST", f"/api/users/{li_id}/password", as_user="admin1")
    assert response.status == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = (await response.json())["one_time_password"]
    assert len(password) >= 12
    harness.client.session.cookie_jar.clear()
    old = await harness.client.post("/api/auth/login", json={"name": "li_a", "password": PASSWORD})
    assert old.status == 401
    new = await harness.client.post("/api/auth/login", json={"name": "li_a", "password": password})
    assert new.status == 200
    entries = await audit.recent(harness.sessions, action="user.password-reset")
    assert [(e.actor, e.target) for e in entries] == [("admin1", "li_a")]


async def test_only_admins_manage_users(harness: DeskHarness) -> None:
    li_id = await user_id(harness, "li_a")
    for user in ("op1", "li_a", "li_b", "sup1"):
        for method, path, body in [
            ("GET", f"/api/users/{li_id}", None),
            ("PATCH", f"/api/users/{li_id}", {"active": False}),
            ("POST", f"/api/users/{li_id}/password", None),
        ]:
            response = await harness.call(method, path, as_user=user, json=body)
            assert response.status == 403, (user, method, path)
    for path in ("/api/users/999999", "/api/users/abc", "/api/users/99999999999"):
        response = await harness.call("GET", path, as_user="admin1")
        assert response.status == 404, path
    assert (await harness.call("GET", f"/api/users/{li_id}", as_user="admin1")).status == 200


async def test_the_users_page_lists_accounts_for_admins_only(harness: DeskHarness) -> None:
    page = await harness.call("GET", "/desk/users", as_user="admin1")
    assert page.status == 200
    text = await page.text()
    assert 'data-name="li_a"' in text
    assert 'data-name="sup1"' in text
    redirected = await harness.call("GET", "/desk/users", as_user="sup1")
    assert redirected.url.path == "/desk/supervisor"
