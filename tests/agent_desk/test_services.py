"""The order service on SQLite and PostgreSQL: numbers, moves with their trail, visibility."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.audit import AuditEntry
from agent_desk.errors import OrderNotFound, TransitionInvalid
from agent_desk.notifier import Notifier
from agent_desk.orders import (
    OrderDraft,
    OrderService,
    OrderType,
    Scope,
    Step,
    Transition,
    Urgency,
)
from agent_desk.orders.models import OrderCounter
from tests.agent_desk.conftest import SteppedClock

DRAFT = OrderDraft(
    order_type=OrderType.COMPLAINT,
    urgency=Urgency.NORMAL,
    subject="噪音扰民",
    caller_number="13800000001",
)


async def test_numbers_follow_the_day_and_restart_each_day(
    orders: OrderService, clock: SteppedClock
) -> None:
    first = await orders.create(DRAFT, actor="op1")
    second = await orders.create(DRAFT, actor="op1")
    clock.advance(days=1)
    third = await orders.create(DRAFT, actor="op1")
    assert [first.number, second.number, third.number] == ["2611240001", "2611240002", "2611250001"]


async def test_fifty_concurrent_orders_take_fifty_numbers_without_a_retry(
    orders: OrderService,
) -> None:
    created = await asyncio.gather(
        *(orders.create(DRAFT, actor="op1") for _ in range(50)), return_exceptions=True
    )
    failures = [c for c in created if isinstance(c, BaseException)]
    assert failures == []
    numbers = sorted(c.number for c in created if not isinstance(c, BaseException))
    assert numbers == [f"261124{n:04d}" for n in range(1, 51)]


async def test_a_days_counter_starts_above_orders_filed_before_it(
    orders: OrderService, sessions: async_sessionmaker[AsyncSession]
) -> None:
    first = await orders.create(DRAFT, actor="op1")
    async with sessions.begin() as session:  # as after upgrading: orders, no counter row
        await session.execute(delete(OrderCounter))
    assert (await orders.create(DRAFT, actor="op1")).number == f"{first.number[:-4]}0002"


async def test_due_date_comes_from_the_table_in_working_days(orders: OrderService) -> None:
    order = await orders.create(DRAFT, actor="op1")
    # Complaint, normal: 10 working days from Tue 2026-11-24.
    assert order.due_date == date(2026, 12, 8)


async def test_each_move_keeps_who_when_why_and_is_audited(
    orders: OrderService, clock: SteppedClock, sessions: async_sessionmaker[AsyncSession]
) -> None:
    order = await orders.create(DRAFT, actor="op1")
    await orders.move(
        order.id,
        Step(Transition.DISPATCH, actor="op1", at=clock.now(), department_code="a"),
        visibility=None,
    )
    clock.advance(hours=1)
    await orders.move(
        order.id,
        Step(Transition.START, actor="li1", at=clock.now()),
        visibility=Scope(departments=frozenset({"a"})),
    )
    view = await orders.get(order.id, visibility=None)
    assert [(e.transition, e.actor, e.to_status) for e in view.events] == [
        ("accept", "op1", "accepted"),
        ("dispatch", "op1", "dispatched"),
        ("start", "li1", "in_progress"),
    ]
    async with sessions() as session:
        actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
    assert actions == ["order.accept", "order.dispatch", "order.start"]


async def test_orders_of_other_departments_do_not_exist_for_a_liaison(
    orders: OrderService, clock: SteppedClock
) -> None:
    order = await orders.create(DRAFT, actor="op1")
    await orders.move(
        order.id,
        Step(Transition.DISPATCH, actor="op1", at=clock.now(), department_code="a"),
        visibility=None,
    )
    with pytest.raises(OrderNotFound):
        await orders.get(order.id, visibility=Scope(departments=frozenset({"b"})))
    with pytest.raises(OrderNotFound):
        await orders.move(
            order.id,
            Step(Transition.START, actor="x", at=clock.now()),
            visibility=Scope(departments=frozenset({"b"})),
        )
    assert await orders.search(visibility=Scope(departments=frozenset({"b"}))) == []
    assert [o.id for o in await orders.search(visibility=Scope(departments=frozenset({"a"})))] == [
        order.id
    ]


async def test_illegal_move_changes_nothing(orders: OrderService, clock: SteppedClock) -> None:
    order = await orders.create(DRAFT, actor="op1")
    with pytest.raises(TransitionInvalid):
        await orders.move(
            order.id, Step(Transition.CLOSE, actor="x", at=clock.now()), visibility=None
        )
    view = await orders.get(order.id, visibility=None)
    assert view.order.status == "accepted"
    assert len(view.events) == 1


async def test_unknown_referral_is_refused(orders: OrderService, clock: SteppedClock) -> None:
    order = await orders.create(DRAFT, actor="op1")
    step = Step(Transition.NOT_ACCEPT, actor="x", at=clock.now(), reason="r", referral="nowhere")
    with pytest.raises(TransitionInvalid):
        await orders.move(order.id, step, visibility=None)


async def test_late_lists_only_pending_orders_past_due(
    orders: OrderService, clock: SteppedClock
) -> None:
    late = await orders.create(
        OrderDraft(order_type=OrderType.CONSULTATION, urgency=Urgency.CRITICAL, subject="s"),
        actor="op1",
    )
    answered = await orders.create(
        OrderDraft(order_type=OrderType.CONSULTATION, urgency=Urgency.CRITICAL, subject="s"),
        actor="op1",
    )
    await orders.move(
        answered.id,
        Step(Transition.ANSWER, actor="op1", at=clock.now(), reply="ok"),
        visibility=None,
    )
    await orders.create(DRAFT, actor="op1")
    clock.advance(days=1)
    assert [o.id for o in await orders.late(visibility=None)] == [late.id]


async def test_changes_are_published(orders: OrderService, notifier: Notifier) -> None:
    queue = notifier.subscribe()
    order = await orders.create(DRAFT, actor="op1")
    event = queue.get_nowait()
    assert (event.kind, event.id) == ("order", order.id)
