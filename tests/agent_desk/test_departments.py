"""Departments keep their own directory entry: permissions, validation, history, live lookup."""

from __future__ import annotations

from agent_desk import audit
from directory import DirectoryRepository
from tests.agent_desk.conftest import DEPT_A, DEPT_B, DeskHarness

NEW_HOURS = "sat 09:00-12:00"  # closed on the test's Tuesday morning


async def test_liaison_edits_own_department_and_history_is_kept(harness: DeskHarness) -> None:
    response = await harness.call(
        "PUT", f"/api/departments/{DEPT_A}", as_user="li_a",
        json={"hours": NEW_HOURS, "service_phone": "66100199", "address": "临江市政务路1号"},
    )  # fmt: skip
    assert response.status == 200, await response.text()
    data = await response.json()
    # The address was sent unchanged: only real changes count and are kept.
    assert data["changed"] == ["service_phone", "hours"]
    assert data["department"]["hours"] == NEW_HOURS
    history = {c["field"]: c for c in data["history"]}
    assert history["hours"]["old"] == "mon-fri 08:30-12:00 14:30-17:30"
    assert history["hours"]["new"] == NEW_HOURS
    assert history["service_phone"]["changed_by"] == "li_a"
    assert set(history) == {"hours", "service_phone"}

    # The database, the lookup and the open-now card all see the edit at once.
    stored = await DirectoryRepository(harness.sessions).get(DEPT_A)
    assert stored is not None
    assert stored.service_phone == "66100199"
    cached = harness.desk.directory.get(DEPT_A)
    assert cached is not None
    assert cached.hours == NEW_HOURS
    card = harness.desk.directory.card(DEPT_A, harness.clock.now())
    assert card is not None
    assert not card.open_now

    again = await harness.call("GET", f"/api/departments/{DEPT_A}", as_user="sup1")
    # Newest first: the edit wrote service_phone, then hours.
    assert [c["field"] for c in (await again.json())["history"]] == ["hours", "service_phone"]
    entries = await audit.recent(harness.sessions, action="department.edit")
    assert [(e.actor, e.target, e.detail) for e in entries] == [
        ("li_a", DEPT_A, "service_phone, hours")
    ]


async def test_an_edited_alias_is_found_by_the_lookup_immediately(harness: DeskHarness) -> None:
    before = harness.desk.directory.search("蓝鲸大厅").results
    assert not any(m.matched == "alias:蓝鲸大厅" for m in before)
    response = await harness.call(
        "PUT", f"/api/departments/{DEPT_B}", as_user="li_b",
        json={"aliases": ["户籍", "户口", "蓝鲸大厅"]},
    )  # fmt: skip
    assert response.status == 200, await response.text()
    assert (await response.json())["department"]["aliases"] == ["户籍", "户口", "蓝鲸大厅"]
    best = harness.desk.directory.search("蓝鲸大厅").results[0]
    assert (best.code, best.matched) == (DEPT_B, "alias:蓝鲸大厅")


async def test_bad_input_is_refused_naming_the_field(harness: DeskHarness) -> None:
    cases = [
        ({"hours": "sometimes"}, "hours"),
        ({"service_phone": "call me"}, "service_phone"),
        ({"liaison_endpoint": "not an endpoint"}, "liaison_endpoint"),
        ({"name": "公安"}, "name"),  # not the department's to change
        ({"address": 5}, "address"),
        ({"duties": "x" * 5000}, "duties"),
        ({"aliases": ["a|b"]}, "aliases"),
    ]
    for body, field in cases:
        response = await harness.call(
            "PUT", f"/api/departments/{DEPT_A}", as_user="li_a", json=body
        )
        assert response.status == 400, (body, await response.text())
        error = (await response.json())["error"]
        assert error["code"] == "department-input-invalid"
        assert error["details"]["field"] == field
        assert field in error["message"]
    check = await harness.call("GET", f"/api/departments/{DEPT_A}", as_user="li_a")
    assert (await check.json())["history"] == []


async def test_who_may_edit_which_department(harness: DeskHarness) -> None:
    body = {"address": "临江市新区1号"}
    expectations = [
        ("li_a", DEPT_B, 404),  # another department's entry does not exist for this liaison
        ("li_a", "no.such.code", 404),
        ("li_b", DEPT_A, 404),
        ("op1", DEPT_A, 403),
        ("sup1", "no.such.code", 404),
        ("sup1", DEPT_B, 200),
        ("admin1", DEPT_A, 200),
    ]
    for user, code, status in expectations:
        for method in ("GET", "PUT"):
            response = await harness.call(
                method, f"/api/departments/{code}", as_user=user,
                json=body if method == "PUT" else None,
            )  # fmt: skip
            assert response.status == status, (user, method, code, await response.text())
    harness.client.session.cookie_jar.clear()
    anonymous = await harness.client.put(f"/api/departments/{DEPT_A}", json=body)
    assert anonymous.status == 401


async def test_the_list_names_the_liaisons_own_departments(harness: DeskHarness) -> None:
    mine = await harness.call("GET", "/api/departments", as_user="li_a")
    assert [d["code"] for d in (await mine.json())["departments"]] == [DEPT_A]
    every = await harness.call("GET", "/api/departments", as_user="admin1")
    assert len((await every.json())["departments"]) == len(harness.desk.directory)


async def test_a_put_without_csrf_token_is_refused(harness: DeskHarness) -> None:
    harness.client.session.cookie_jar.clear()
    await harness.sign_in("li_a")
    response = await harness.client.put(f"/api/departments/{DEPT_A}", json={"hours": NEW_HOURS})
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "csrf-token-invalid"
