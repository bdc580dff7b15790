"""The liaison inbox API: its departments' open orders and unheard voicemails, by due date."""

from __future__ import annotations

from datetime import date

from agent_desk.orders import OrderDraft, OrderType, Step, Transition, Urgency
from agent_desk.timeutil import china
from tests.agent_desk.conftest import DEPT_A, DEPT_B, DeskHarness
from voicemail.models import Voicemail


async def dispatched(h: DeskHarness, subject: str, department: str, kind: OrderType) -> str:
    order = await h.desk.orders.create(
        OrderDraft(order_type=kind, urgency=Urgency.NORMAL, subject=subject), actor="op1"
    )
    step = Step(Transition.DISPATCH, actor="op1", at=china(h.clock.now()),
                department_code=department, reason="派单")  # fmt: skip
    await h.desk.orders.move(order.id, step, visibility=None)
    return order.number


async def test_inbox_holds_every_open_order_of_the_units_sorted_by_due_date(
    harness: DeskHarness,
) -> None:
    suggestion = await dispatched(harness, "增设座椅", DEPT_A, OrderType.SUGGESTION)
    # Many newer orders of another unit: the old "latest 100" window lost the first one.
    for n in range(30):
        await dispatched(harness, f"别处 {n}", DEPT_B, OrderType.HELP)
    consultation = await dispatched(harness, "办证咨询", DEPT_A, OrderType.CONSULTATION)
    response = await harness.call("GET", "/api/inbox?per_page=1", as_user="li_a")
    data = await response.json()
    assert data["orders_total"] == 2
    assert data["pages"] == 2
    assert [o["number"] for o in data["orders"]] == [consultation]  # due soonest first
    assert data["orders"][0]["department_name"] == "临江市公安局"
    second = await (
        await harness.call("GET", "/api/inbox?per_page=1&page=2", as_user="li_a")
    ).json()
    assert [o["number"] for o in second["orders"]] == [suggestion]
    everyone = await (await harness.call("GET", "/api/inbox", as_user="sup1")).json()
    assert everyone["orders_total"] == 32


async def test_inbox_lists_unheard_voicemails_with_reason_length_and_empty_marked(
    harness: DeskHarness,
) -> None:
    heard = await harness.add_voicemail(DEPT_A, caller="13900000001")
    await harness.add_voicemail(DEPT_B, caller="13900000002")
    async with harness.sessions() as session:
        session.add(Voicemail(
            mailbox=DEPT_A, department_code=DEPT_A, caller_number="13900000003",
            hotline_number="12345", call_id="call-empty", recorded_at=harness.clock.now(),
            duration_s=0.4, reason="after_hours", audio_path="", empty=True,
            reply_due=date(2026, 11, 25), recording_name="vm-empty",
        ))  # fmt: skip
        await session.commit()
    reply = await harness.call("POST", f"/api/voicemails/{heard}/handled", as_user="li_a",
                               json={"reply": "已回电"})  # fmt: skip
    assert reply.status == 200
    data = await (await harness.call("GET", "/api/inbox", as_user="li_a")).json()
    assert data["voicemails_total"] == 1
    (only,) = data["voicemails"]
    assert (only["caller_number"], only["reason"], only["empty"]) == (
        "13900000003",
        "after_hours",
        True,
    )
    assert only["department_name"] == "临江市公安局"
    assert only["duration_s"] == 0.4
