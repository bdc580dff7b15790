"""The caller's recent calls and their IVR path, for the console."""

from __future__ import annotations

from datetime import timedelta

from ivr.call_records import CallRecord
from tests.agent_desk.conftest import DEPT_A, DeskHarness

CALLER = "13700000007"


async def _calls(harness: DeskHarness) -> None:
    start = harness.clock.now()
    async with harness.sessions() as session:
        for n, (outcome, steps) in enumerate([
            ("voicemail", [{"t": 0.0, "step": "greeting"}, {"t": 4.2, "step": "voicemail"}]),
            ("transferred", [{"t": 0.0, "step": "greeting"},
                             {"t": 3.5, "step": "lookup", "query": "公安局", "code": DEPT_A},
                             {"t": 6.1, "step": "transfer", "endpoint": "PJSIP/lj-001-a"}]),
        ]):  # fmt: skip
            session.add(CallRecord(
                call_id=f"c{n}", channel_id=f"ch{n}", hotline_number="12345",
                caller_number=CALLER, started_at=start + timedelta(hours=n), outcome=outcome,
                department_code=DEPT_A, steps=steps,
            ))  # fmt: skip
        session.add(CallRecord(call_id="other", channel_id="x", hotline_number="12345",
                               caller_number="13600000000", started_at=start, outcome="failed",
                               steps=[]))  # fmt: skip
        await session.commit()


async def test_the_console_reads_the_callers_calls_newest_first(harness: DeskHarness) -> None:
    await _calls(harness)
    response = await harness.call("GET", f"/api/calls?caller={CALLER}&limit=5", as_user="op1")
    assert response.status == 200, await response.text()
    calls = (await response.json())["calls"]
    assert [c["call_id"] for c in calls] == ["c1", "c0"]
    latest = calls[0]
    assert latest["outcome"] == "transferred"
    assert [s["step"] for s in latest["steps"]] == ["greeting", "lookup", "transfer"]
    assert latest["steps"][1]["query"] == "公安局"
    one = await harness.call("GET", f"/api/calls?caller={CALLER}&limit=1", as_user="sup1")
    assert [c["call_id"] for c in (await one.json())["calls"]] == ["c1"]


async def test_who_may_read_call_records(harness: DeskHarness) -> None:
    await _calls(harness)
    for user, status in [("op1", 200), ("sup1", 200), ("admin1", 200),
                         ("li_a", 403), ("li_b", 403)]:  # fmt: skip
        response = await harness.call("GET", f"/api/calls?caller={CALLER}", as_user=user)
        assert response.status == status, user
    harness.client.session.cookie_jar.clear()
    assert (await harness.client.get(f"/api/calls?caller={CALLER}")).status == 401
    missing = await harness.call("GET", "/api/calls", as_user="op1")
    assert missing.status == 400
    too_many = await harness.call("GET", f"/api/calls?caller={CALLER}&limit=1000", as_user="op1")
    assert too_many.status == 400
    unknown = await harness.call("GET", "/api/calls?caller=10000", as_user="op1")
    assert (await unknown.json())["calls"] == []
