"""Knowledge-base entries edited by their own departments over the API."""

from __future__ import annotations

from agent_desk import audit
from tests.agent_desk.conftest import DEPT_A, DEPT_B, DeskHarness

ENTRY = {"department_code": DEPT_A, "question": "户口迁入需要什么材料？",
         "answer": "身份证、户口簿和迁入地证明。", "keywords": "户口 迁入"}  # fmt: skip


async def test_liaison_creates_edits_and_deletes_an_entry(harness: DeskHarness) -> None:
    created = await harness.call("POST", "/api/kb/entries", as_user="li_a", json=ENTRY)
    assert created.status == 201, await created.text()
    entry_id = (await created.json())["id"]
    found = await harness.call("GET", "/api/kb/search?q=迁入", as_user="op1")
    assert [e["id"] for e in (await found.json())["entries"]] == [entry_id]

    changed = {"question": ENTRY["question"], "answer": "身份证和户口簿即可。", "keywords": ""}
    updated = await harness.call("PUT", f"/api/kb/entries/{entry_id}", as_user="li_a",
                                 json=changed)  # fmt: skip
    assert updated.status == 200, await updated.text()
    assert (await updated.json())["answer"] == "身份证和户口簿即可。"

    deleted = await harness.call("DELETE", f"/api/kb/entries/{entry_id}", as_user="li_a")
    assert deleted.status == 200
    gone = await harness.call("GET", f"/api/kb/entries/{entry_id}", as_user="li_a")
    assert gone.status == 404
    actions = [e.action for e in await audit.recent(harness.sessions) if e.action[:3] == "kb."]
    assert actions == ["kb.delete", "kb.update", "kb.create"]


async def test_only_the_department_and_oversight_may_edit(harness: DeskHarness) -> None:
    created = await harness.call("POST", "/api/kb/entries", as_user="sup1", json=ENTRY)
    entry_id = (await created.json())["id"]
    body = {"question": "q", "answer": "a"}
    expectations = [
        ("li_b", 404), ("op1", 403), ("admin1", 200), ("li_a", 200),
    ]  # fmt: skip
    for user, status in expectations:
        for method in ("GET", "PUT"):
            response = await harness.call(
                method, f"/api/kb/entries/{entry_id}", as_user=user,
                json=body if method == "PUT" else None,
            )  # fmt: skip
            assert response.status == status, (user, method, await response.text())
    other = await harness.call("POST", "/api/kb/entries", as_user="li_b", json=ENTRY)
    assert other.status == 404  # li_b cannot see DEPT_A at all
    guessed = await harness.call("DELETE", "/api/kb/entries/99999", as_user="admin1")
    assert guessed.status == 404
    refused = await harness.call("DELETE", f"/api/kb/entries/{entry_id}", as_user="li_b")
    assert refused.status == 404
    still = await harness.call("GET", f"/api/kb/entries/{entry_id}", as_user="sup1")
    assert still.status == 200


async def test_bad_entries_are_refused(harness: DeskHarness) -> None:
    await harness.call("POST", "/api/kb/entries", as_user="li_a", json=ENTRY)
    duplicate = await harness.call("POST", "/api/kb/entries", as_user="li_a", json=ENTRY)
    assert duplicate.status == 409
    assert (await duplicate.json())["error"]["code"] == "kb-entry-exists"
    for body in (
        {**ENTRY, "question": "   "},
        {**ENTRY, "answer": None},
        {**ENTRY, "question": "x" * 501},
        {**ENTRY, "department_code": "no.such"},
    ):
        response = await harness.call("POST", "/api/kb/entries", as_user="admin1", json=body)
        assert response.status == 400, (body, await response.text())
    b_entry = {**ENTRY, "department_code": DEPT_B}
    same_question_elsewhere = await harness.call(
        "POST", "/api/kb/entries", as_user="li_b", json=b_entry
    )
    assert same_question_elsewhere.status == 201
