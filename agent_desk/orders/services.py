"""Work-order logic: accept, move through the life cycle, find, list what is late.

`Visibility` is how callers of this service narrow what a user sees: None for all
orders, or a `Scope` of the departments a liaison is bound to and the platforms a user
sees (agent_desk.orders.scope). The HTTP layer decides it in one
place (agent_desk.permissions); this service only applies it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.errors import OrderInputInvalid, OrderNotFound, TransitionInvalid
from agent_desk.notifier import DeskEvent, Notifier
from agent_desk.orders.deadlines import DeadlineLevel, DeadlinePolicy, DeadlineState
from agent_desk.orders.hops import PlatformHops
from agent_desk.orders.lifecycle import Step, Transition, apply
from agent_desk.orders.models import (
    PENDING_STATUSES,
    OrderEvent,
    OrderStatus,
    OrderType,
    Urgency,
    WorkOrder,
)
from agent_desk.orders.numbering import next_number
from agent_desk.orders.referrals import referral_text
from agent_desk.orders.scope import Visibility, scope_where
from agent_desk.orders.survey_ratings import rating_of_call
from agent_desk.timeutil import china
from base.clock import Clock

# Told of every move inside its transaction (the webhook outbox writes its rows there).
OrderMoved = Callable[[AsyncSession, WorkOrder, OrderEvent], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class OrderDraft:
    """What an operator (or a voicemail) gives to open an order."""

    order_type: OrderType
    urgency: Urgency
    subject: str
    description: str = ""
    caller_number: str = ""
    caller_name: str = ""
    hotline_number: str = ""
    call_id: str = ""
    channel: str = "phone"
    caller_email: str = ""
    due_date: date | None = None  # None: from the deadline table
    platform: str = ""  # routing.platforms: where it came in (agent_desk.platform_filing)


@dataclass(frozen=True, slots=True)
class OrderView:
    order: WorkOrder
    deadline: DeadlineState | None
    events: list[OrderEvent]


class OrderListener(Protocol):
    """Told of an order filed or answered, inside the transaction that stores it (so what
    it writes, e.g. messages to the citizen, is kept together with the order or not at all)."""

    async def order_filed(self, session: AsyncSession, order: WorkOrder) -> None: ...

    async def order_replied(self, session: AsyncSession, order: WorkOrder) -> None: ...


# The moves that give the citizen an answer: the unit's reply, an operator's direct answer.
REPLY_TRANSITIONS = frozenset({Transition.REPLY, Transition.ANSWER})


def visible(visibility: Visibility) -> ColumnElement[bool]:
    return scope_where(visibility, WorkOrder.department_code, WorkOrder.platform)


class OrderService:
    """Opens orders and moves them, each change with its event, audit entry and notification."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        deadlines: DeadlinePolicy,
        notifier: Notifier,
        hops: PlatformHops | None = None,
        on_moved: OrderMoved | None = None,
        listener: OrderListener | None = None,
    ) -> None:
        self._sessions = sessions
        self._hops = hops  # None: no platform tree, hand_down / hand_up find nothing to go to
        self._clock = clock
        self._deadlines = deadlines
        self._notifier = notifier
        self._on_moved = on_moved
        self._listener = listener

    @property
    def deadlines(self) -> DeadlinePolicy:
        return self._deadlines

    def deadline_of(self, order: WorkOrder) -> DeadlineState | None:
        if OrderStatus(order.status) not in PENDING_STATUSES:
            return None
        return self._deadlines.state(order.due_date, china(self._clock.now()))

    async def create(self, draft: OrderDraft, *, actor: str) -> WorkOrder:
        """Accept a new order and give it the next number of the day."""
        async with self._sessions.begin() as session:
            order = await self.create_in(session, draft, actor=actor)
        self._publish(order)
        return order

    async def create_in(self, session: AsyncSession, draft: OrderDraft, *, actor: str) -> WorkOrder:
        """`create` inside the caller's transaction (which commits it); nothing published."""
        subject = draft.subject.strip()
        if not subject or len(subject) > 200:
            raise OrderInputInvalid("subject must be 1 to 200 characters")
        now = china(self._clock.now())
        due = draft.due_date or self._deadlines.due_date(
            draft.order_type, draft.urgency, now.date()
        )
        order = WorkOrder(
            number=await next_number(session, now.date()),
            order_type=draft.order_type.value,
            urgency=draft.urgency.value,
            status=OrderStatus.ACCEPTED.value,
            subject=subject,
            description=draft.description.strip(),
            caller_number=draft.caller_number.strip(),
            caller_name=draft.caller_name.strip(),
            caller_email=draft.caller_email.strip(),
            hotline_number=draft.hotline_number,
            call_id=draft.call_id,
            channel=draft.channel,
            # a draft with no platform (the citizen's web form, SMS): the home city's
            platform=draft.platform or (self._hops.default if self._hops else ""),
            accepted_at=now,
            due_date=due,
            created_by=actor,
            updated_at=now,
            supervised=False,
            redo_count=0,
            satisfaction=await rating_of_call(session, draft.call_id),
        )
        session.add(order)
        await session.flush()
        session.add(
            OrderEvent(order_id=order.id, at=now, actor=actor, transition="accept",
                       from_status=None, to_status=order.status, reason=subject,
                       platform=order.platform)
        )  # fmt: skip
        audit.record(session, at=now, actor=actor, action="order.accept",
                     target=order.number, detail=subject)  # fmt: skip
        if self._listener is not None:
            await self._listener.order_filed(session, order)
        return order

    async def move(
        self,
        order_id: int,
        step: Step,
        *,
        visibility: Visibility,
    ) -> WorkOrder:
        """Apply one named transition; ids outside `visibility` do not exist for the caller."""
        async with self._sessions.begin() as session:
            order = await self._load(session, order_id, visibility)
            await self.move_in(session, order, step, visibility=visibility)
        self._publish(order)
        return order

    async def move_in(
        self, session: AsyncSession, order: WorkOrder, step: Step, *, visibility: Visibility
    ) -> None:
        """`move` inside the caller's transaction (which commits it); nothing published."""
        if step.referral is not None and referral_text(step.referral) is None:
            raise TransitionInvalid(f"unknown referral {step.referral!r}")
        if step.transition is Transition.MERGE and step.merged_into_id is not None:
            try:
                target = await self._load(session, step.merged_into_id, visibility)
            except OrderNotFound:
                # Not a 404: the order in the path exists; the one named in the body does not.
                raise OrderInputInvalid(
                    f"merged_into_id {step.merged_into_id}: no such order"
                ) from None
            if OrderStatus(target.status) is OrderStatus.MERGED:
                raise TransitionInvalid("cannot merge into an order that is itself merged")
        if self._hops is not None:
            step = self._hops.check(order, step)
        elif step.transition in (Transition.HAND_DOWN, Transition.HAND_UP):
            raise TransitionInvalid("no platforms are configured")
        event = apply(order, step)
        session.add(event)
        if self._on_moved is not None:
            await self._on_moved(session, order, event)
        audit.record(
            session,
            at=step.at,
            actor=step.actor,
            action=f"order.{step.transition.value}",
            target=order.number,
            detail=event.reason,
        )
        if self._listener is not None and step.transition in REPLY_TRANSITIONS:
            await self._listener.order_replied(session, order)

    def publish(self, order: WorkOrder) -> None:
        """Tell the desk's live views of an order changed in a caller's transaction."""
        self._publish(order)

    async def add_note(
        self, order_id: int, *, text: str, actor: str, visibility: Visibility
    ) -> OrderEvent:
        """Write something that happened (a call-back, …) into the order's history.

        The status stays: the note is an event with transition `note` and the same status
        on both sides, so the history shows it in order with the moves.
        """
        text = text.strip()
        if not text or len(text) > 4000:
            raise OrderInputInvalid("a note must be 1 to 4000 characters")
        now = china(self._clock.now())
        async with self._sessions() as session:
            order = await self._load(session, order_id, visibility)
            event = OrderEvent(order_id=order.id, at=now, actor=actor, transition="note",
                               from_status=order.status, to_status=order.status, reason=text,
                               department_code=order.department_code,
                               platform=order.platform)  # fmt: skip
            session.add(event)
            audit.record(session, at=now, actor=actor, action="order.note",
                         target=order.number, detail=text)  # fmt: skip
            await session.commit()
        return event

    async def get(self, order_id: int, *, visibility: Visibility) -> OrderView:
        async with self._sessions() as session:
            order = await self._load(session, order_id, visibility)
            events = await session.scalars(
                select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
            )
            return OrderView(order=order, deadline=self.deadline_of(order), events=list(events))

    async def find_by_number(self, number: str) -> WorkOrder | None:
        async with self._sessions() as session:
            found: WorkOrder | None = await session.scalar(
                select(WorkOrder).where(WorkOrder.number == number)
            )
            return found

    async def search(
        self,
        *,
        visibility: Visibility,
        status: OrderStatus | None = None,
        department_code: str | None = None,
        caller_number: str | None = None,
        limit: int = 50,
    ) -> list[WorkOrder]:
        query = select(WorkOrder).where(visible(visibility)).order_by(WorkOrder.number.desc())
        if status is not None:
            query = query.where(WorkOrder.status == status.value)
        if department_code:
            query = query.where(WorkOrder.department_code == department_code)
        if caller_number:
            query = query.where(WorkOrder.caller_number == caller_number)
        async with self._sessions() as session:
            return list((await session.scalars(query.limit(limit))).all())

    async def late(
        self, *, visibility: Visibility, include_warning: bool = False
    ) -> list[WorkOrder]:
        """Pending orders past their due date (and, if asked, those about to be)."""
        pending = [s.value for s in PENDING_STATUSES]
        query = (
            select(WorkOrder)
            .where(visible(visibility), WorkOrder.status.in_(pending))
            .order_by(WorkOrder.due_date, WorkOrder.number)
        )
        async with self._sessions() as session:
            orders = list((await session.scalars(query)).all())
        wanted = {DeadlineLevel.OVERDUE} | ({DeadlineLevel.WARNING} if include_warning else set())
        return [o for o in orders if (d := self.deadline_of(o)) is not None and d.level in wanted]

    @staticmethod
    async def _load(session: AsyncSession, order_id: int, visibility: Visibility) -> WorkOrder:
        order: WorkOrder | None = await session.scalar(
            select(WorkOrder).where(WorkOrder.id == order_id, visible(visibility))
        )
        if order is None:
            raise OrderNotFound(f"no order with id {order_id}")
        return order

    def _publish(self, order: WorkOrder) -> None:
        self._notifier.publish(
            DeskEvent(kind="order", id=order.id, department_code=order.department_code,
                      summary=f"{order.number} {order.status}")
        )  # fmt: skip
