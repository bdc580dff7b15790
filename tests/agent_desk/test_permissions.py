"""Each role against every endpoint, including other departments' ids and guessed ids."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.agent_desk.conftest import DEPT_A, USERS, DeskHarness

ROLES = ["anonymous", *USERS]
# (method, path template, body, the users allowed; everyone else gets 401 / 403)
ENDPOINTS: list[tuple[str, str, dict[str, object] | None, set[str]]] = [
    ("GET", "/api/auth/me", None, {"op1", "li_a", "li_b", "sup1", "admin1"}),
    ("GET", "/api/users", None, {"admin1"}),
    ("POST", "/api/users", {"name": "new1", "role": "operator"}, {"admin1"}),
    ("GET", "/api/orders", None, {"op1", "li_a", "li_b", "sup1", "admin1"}),
    ("POST", "/api/orders", {"order_type": "help", "subject": "s"}, {"op1", "sup1", "admin1"}),
    ("GET", "/api/orders/late", None, {"op1", "li_a", "li_b", "sup1", "admin1"}),
    ("GET", "/api/orders/referrals", None, {"op1", "li_a", "li_b", "sup1", "admin1"}),
    ("GET", "/api/orders/{order}", None, {"op1", "li_a", "sup1", "admin1"}),
    (
        "POST",
        "/api/orders/{order}/transitions",
        {"transition": "start"},
        {"li_a", "sup1", "admin1"},
    ),
    (
        "POST",
        "/api/orders/{order}/transitions",
        {"transition": "supervise", "reason": "late"},
        {"sup1", "admin1"},
    ),
    ("GET", "/api/voicemails", None, {"op1", "li_a", "li_b", "sup1", "admin1"}),
    ("GET", "/api/voicemails/{voicemail}", None, {"op1", "li_a", "sup1", "admin1"}),
    ("GET", "/api/voicemails/{voicemail}/audio", None, {"op1", "li_a", "sup1", "admin1"}),
    ("POST", "/api/voicemails/{voicemail}/handled", {"reply": "ok"}, {"li_a", "sup1", "admin1"}),
    ("GET", "/api/kb/search?q=x", None, {"op1", "li_a", "li_b", "sup1", "admin1"}),
    ("POST", "/api/calls/c1/transfer", {"department_code": DEPT_A}, {"op1", "sup1", "admin1"}),
    ("GET", "/api/audit", None, {"sup1", "admin1"}),
]


async def fixtures(h: DeskHarness, tmp_path: Path) -> dict[str, int]:
    audio = tmp_path / "vm.wav"
    audio.write_bytes(b"RIFF\x00\x00\x00\x00WAVEfmt ")
    response = await h.call(
        "POST",
        "/api/orders",
        as_user="op1",
        json={"order_type": "help", "subject": "s", "department_code": DEPT_A},
    )
    order = (await response.json())["id"]
    return {"order": order, "voicemail": await h.add_voicemail(DEPT_A, audio=audio)}


@pytest.mark.parametrize("role", ROLES)
async def test_each_role_against_every_endpoint(
    harness: DeskHarness, tmp_path: Path, role: str, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the permission matrix does not depend on the database")
    ids = await fixtures(harness, tmp_path)
    for method, template, body, allowed in ENDPOINTS:
        path = template.format(**ids)
        if role == "anonymous":
            harness.client.session.cookie_jar.clear()
            response = await harness.client.request(method, path, json=body)
        else:
            response = await harness.call(method, path, as_user=role, json=body)
        status = response.status
        if role in allowed:
            assert status < 400, f"{role} {method} {path}: {status} {await response.text()}"
        elif role == "anonymous":
            assert status == 401, f"{method} {path}: {status}"
        elif role == "li_b" and "{" in template:
            # Another department's object does not exist for this liaison.
            assert status == 404, f"{role} {method} {path}: {status}"
        else:
            assert status == 403, f"{role} {method} {path}: {status}"


@pytest.mark.parametrize("guess", ["999999", "0", "99999999999999999999", "abc", "-1"])
async def test_guessed_ids_are_not_found_for_everyone(harness: DeskHarness, guess: str) -> None:
    for user in USERS:
        for path in (
            f"/api/orders/{guess}",
            f"/api/voicemails/{guess}",
            f"/api/voicemails/{guess}/audio",
        ):
            response = await harness.call("GET", path, as_user=user)
            assert response.status == 404, f"{user} {path}: {response.status}"


async def test_liaison_lists_only_their_departments(harness: DeskHarness, tmp_path: Path) -> None:
    await fixtures(harness, tmp_path)
    for path, key in (("/api/orders", "orders"), ("/api/voicemails", "voicemails")):
        own = await (await harness.call("GET", path, as_user="li_a")).json()
        other = await (await harness.call("GET", path, as_user="li_b")).json()
        assert len(own[key]) == 1
        assert other[key] == []


async def test_state_change_without_csrf_token_is_refused(harness: DeskHarness) -> None:
    await harness.sign_in("op1")
    response = await harness.client.post("/api/orders", json={"order_type": "help", "subject": "s"})
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "csrf-token-invalid"


async def test_session_cookie_is_httponly_and_strict(harness: DeskHarness) -> None:
    response = await harness.client.post(
        "/api/auth/login", json={"name": "op1", "password": "correct-horse-9"}
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie


async def test_sign_ins_and_playbacks_are_audited(harness: DeskHarness, tmp_path: Path) -> None:
    ids = await fixtures(harness, tmp_path)
    played = await harness.call("GET", f"/api/voicemails/{ids['voicemail']}/audio", as_user="li_a")
    assert played.status == 200
    assert await played.read() == b"RIFF\x00\x00\x00\x00WAVEfmt "
    entries = (await (await harness.call("GET", "/api/audit", as_user="sup1")).json())["entries"]
    actions = [(e["actor"], e["action"]) for e in entries]
    assert ("li_a", "voicemail.play") in actions
    assert ("li_a", "sign-in") in actions
    assert ("op1", "order.dispatch") in actions
