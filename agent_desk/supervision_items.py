"""督办 as a thing of its own: a supervisor opens it on an order with a reason and a
deadline, the handling unit answers it, the supervisor closes it (or sends it back).

Opening one also moves the order by the life cycle's `supervise` transition, in the same
transaction, so the order's history and its "supervised" flag say so too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import ColumnElement, Date, DateTime, ForeignKey, String, Text, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk import audit
from agent_desk.errors import OrderInputInvalid, TransitionInvalid
from agent_desk.orders import OrderService, Step, Transition, Visibility, WorkOrder
from agent_desk.orders.scope import scope_admits, scope_where
from agent_desk.paging import Paging
from agent_desk.timeutil import china
from base.clock import Clock
from base.database import Base
from base.errors import NotFound


class ItemState(StrEnum):
    OPEN = "open"  # waiting for the unit's answer
    ANSWERED = "answered"  # waiting for the supervisor's review
    CLOSED = "closed"


class SupervisionItem(Base):
    __tablename__ = "desk_supervision_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    department_code: Mapped[str | None] = mapped_column(String(128), index=True)
    state: Mapped[str] = mapped_column(String(16), index=True)
    reason: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date] = mapped_column(Date)
    opened_by: Mapped[str] = mapped_column(String(100))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    answer: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    review: Mapped[str | None] = mapped_column(Text)
    closed_by: Mapped[str | None] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class ItemNotFound(NotFound):
    code = "supervision-not-found"


@dataclass(frozen=True, slots=True, kw_only=True)
class ItemPage(Paging):
    items: list[tuple[SupervisionItem, str, str]]  # item, order number, order subject


def _text(value: str, what: str) -> str:
    value = value.strip()
    if not value or len(value) > 2000:
        raise OrderInputInvalid(f"{what} must be 1 to 2000 characters")
    return value


class SupervisionDesk:
    """Opens, answers and closes supervision items; a liaison sees their units' only."""

    def __init__(
        self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock, orders: OrderService
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._orders = orders

    async def open(
        self, order_id: int, *, reason: str, due: date, actor: str, visibility: Visibility
    ) -> SupervisionItem:
        """Open an item on an order the actor sees (a platform-bound supervisor: their
        platforms' orders only; any other is not found)."""
        reason = _text(reason, "the reason")
        now = china(self._clock.now())
        if due < now.date():
            raise OrderInputInvalid("the supervision deadline is in the past")
        async with self._sessions.begin() as session:
            order = await session.get(WorkOrder, order_id)
            if order is None or not scope_admits(
                visibility, department_code=order.department_code, platform=order.platform
            ):
                raise NotFound(f"no order with id {order_id}")
            step = Step(Transition.SUPERVISE, actor=actor, at=now, reason=reason)
            await self._orders.move_in(session, order, step, visibility=None)
            item = SupervisionItem(order_id=order.id, department_code=order.department_code,
                                   state=ItemState.OPEN.value, reason=reason, due_date=due,
                                   opened_by=actor, opened_at=now)  # fmt: skip
            session.add(item)
        self._orders.publish(order)
        return item

    async def answer(
        self, item_id: int, *, text: str, actor: str, visibility: Visibility
    ) -> SupervisionItem:
        text = _text(text, "the answer")
        return await self._change(item_id, ItemState.OPEN, visibility, actor, answer=text)

    async def close(
        self, item_id: int, *, review: str, actor: str, visibility: Visibility
    ) -> SupervisionItem:
        return await self._change(item_id, ItemState.ANSWERED, visibility, actor,
                                  review=review.strip())  # fmt: skip

    async def send_back(
        self, item_id: int, *, review: str, actor: str, visibility: Visibility
    ) -> SupervisionItem:
        """Not good enough: the item is open again, with the supervisor's note."""
        review = _text(review, "the review")
        return await self._change(item_id, ItemState.ANSWERED, visibility, actor, review=review,
                                  reopen=True)  # fmt: skip

    async def _change(
        self, item_id: int, expected: ItemState, visibility: Visibility, actor: str, *,
        answer: str | None = None, review: str | None = None, reopen: bool = False,
    ) -> SupervisionItem:  # fmt: skip
        now = china(self._clock.now())
        async with self._sessions.begin() as session:
            item = await self._load(session, item_id, visibility)
            if item.state != expected.value:
                raise TransitionInvalid(f"supervision {item_id} is {item.state}",
                                        details={"state": item.state})  # fmt: skip
            if answer is not None:
                item.state, item.answer = ItemState.ANSWERED.value, answer
                item.answered_by, item.answered_at = actor, now
                action, detail = "supervision.answer", answer
            elif reopen:
                item.state, item.review = ItemState.OPEN.value, review
                action, detail = "supervision.send_back", review or ""
            else:
                item.state, item.review = ItemState.CLOSED.value, review or None
                item.closed_by, item.closed_at = actor, now
                action, detail = "supervision.close", review or ""
            audit.record(session, at=now, actor=actor, action=action, target=str(item.id),
                         detail=detail)  # fmt: skip
        return item

    async def get(
        self, item_id: int, *, visibility: Visibility
    ) -> tuple[SupervisionItem, WorkOrder]:
        async with self._sessions() as session:
            item = await self._load(session, item_id, visibility)
            order = await session.get(WorkOrder, item.order_id)
            assert order is not None  # a foreign key
            return item, order

    async def of_order(self, order_id: int) -> list[SupervisionItem]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(SupervisionItem)
                .where(SupervisionItem.order_id == order_id)
                .order_by(SupervisionItem.id)
            )
            return list(rows.all())

    async def page(
        self, *, visibility: Visibility, state: ItemState | None = None,
        department_code: str | None = None, page: int = 1, per_page: int = 20,
    ) -> ItemPage:  # fmt: skip
        where: list[ColumnElement[bool]] = [
            scope_where(visibility, SupervisionItem.department_code, None)
        ]
        if visibility is not None and visibility.platforms is not None:
            # an item stands where its order stands now
            orders_in = select(WorkOrder.id).where(
                scope_where(visibility, None, WorkOrder.platform)
            )
            where.append(SupervisionItem.order_id.in_(orders_in))
        if state is not None:
            where.append(SupervisionItem.state == state.value)
        if department_code:
            where.append(SupervisionItem.department_code == department_code)
        async with self._sessions() as session:
            counted = select(func.count()).select_from(SupervisionItem).where(*where)
            total = int(await session.scalar(counted) or 0)
            rows = await session.execute(
                select(SupervisionItem, WorkOrder.number, WorkOrder.subject)
                .join(WorkOrder, WorkOrder.id == SupervisionItem.order_id)
                .where(*where)
                .order_by(SupervisionItem.due_date, SupervisionItem.id)
                .offset((page - 1) * per_page)
                .limit(per_page)
            )
            items = [(row[0], row[1], row[2]) for row in rows.all()]
        return ItemPage(items=items, total=total, page=page, per_page=per_page)

    @staticmethod
    async def _load(session: AsyncSession, item_id: int, visibility: Visibility) -> SupervisionItem:
        item = await session.get(SupervisionItem, item_id)
        order = await session.get(WorkOrder, item.order_id) if item is not None else None
        if (
            item is None
            or order is None
            or not scope_admits(visibility, department_code=item.department_code,
                                platform=order.platform)
        ):  # fmt: skip
            raise ItemNotFound(f"no supervision item {item_id}")
        return item
