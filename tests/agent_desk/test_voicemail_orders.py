"""Each voicemail opens an order with its deadline, or joins the caller's open one."""

from __future__ import annotations

from datetime import date

from agent_desk import VoicemailOrders
from tests.agent_desk.conftest import DEPT_A, DEPT_B, DeskHarness


def orders_of(harness: DeskHarness) -> VoicemailOrders:
    return VoicemailOrders(
        sessions=harness.sessions,
        orders=harness.desk.orders,
        directory=harness.desk.directory,
        notifier=harness.desk.notifier,
    )


async def test_voicemail_opens_a_dispatched_order_with_its_reply_deadline(
    harness: DeskHarness,
) -> None:
    vm = await harness.add_voicemail(DEPT_A)
    order = await orders_of(harness).order_for_voicemail(vm)
    assert order.status == "dispatched"
    assert order.department_code == DEPT_A
    assert order.due_date == date(2026, 12, 1)
    assert order.channel == "voicemail"
    assert order.subject == "语音留言：临江市公安局"


async def test_second_voicemail_within_a_day_joins_the_open_order(harness: DeskHarness) -> None:
    service = orders_of(harness)
    first = await service.order_for_voicemail(await harness.add_voicemail(DEPT_A))
    harness.clock.advance(hours=5)
    second = await service.order_for_voicemail(await harness.add_voicemail(DEPT_A))
    other_department = await service.order_for_voicemail(await harness.add_voicemail(DEPT_B))
    harness.clock.advance(days=2)
    later = await service.order_for_voicemail(await harness.add_voicemail(DEPT_A))
    assert second.id == first.id
    assert other_department.id != first.id
    assert later.id != first.id
    view = await harness.desk.orders.get(first.id, visibility=None)
    assert [e.transition for e in view.events][-1] == "join_voicemail"


async def test_asking_twice_for_one_voicemail_gives_the_same_order(harness: DeskHarness) -> None:
    service = orders_of(harness)
    vm = await harness.add_voicemail(DEPT_A)
    assert (await service.order_for_voicemail(vm)).id == (await service.order_for_voicemail(vm)).id


async def test_liaison_reply_to_voicemail_replies_to_its_order(harness: DeskHarness) -> None:
    vm = await harness.add_voicemail(DEPT_A)
    order = await orders_of(harness).order_for_voicemail(vm)
    response = await harness.call(
        "POST", f"/api/voicemails/{vm}/handled", as_user="li_a", json={"reply": "已电话回复市民"}
    )
    assert response.status == 200
    assert (await response.json())["handled_by"] == "li_a"
    view = await harness.desk.orders.get(order.id, visibility=None)
    assert view.order.status == "replied"
    assert view.order.reply == "已电话回复市民"


async def test_the_order_number_of_a_voicemail_for_the_ivr_to_read(harness: DeskHarness) -> None:
    service = orders_of(harness)
    vm = await harness.add_voicemail(DEPT_A)
    assert await service.order_number_of(vm) is None  # not filed yet
    order = await service.order_for_voicemail(vm)
    assert await service.order_number_of(vm) == order.number
    joined = await harness.add_voicemail(DEPT_A)
    await service.order_for_voicemail(joined)
    assert await service.order_number_of(joined) == order.number


async def test_a_voicemail_caller_with_a_mobile_gets_the_order_number_by_sms(
    harness: DeskHarness,
) -> None:
    from sqlalchemy import select

    from voicemail.notify import SmsOutboxMessage

    service = orders_of(harness)
    order = await service.order_for_voicemail(await harness.add_voicemail(DEPT_A))
    await service.order_for_voicemail(await harness.add_voicemail(DEPT_A))  # joins: no 2nd SMS
    async with harness.sessions() as session:
        rows = list(await session.scalars(select(SmsOutboxMessage)))
    assert [(r.to, r.purpose, r.order_number) for r in rows] == [
        ("13900000009", "filed", order.number)
    ]
