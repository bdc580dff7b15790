"""`CitizenIntake`: a matter sent by web form, e-mail or SMS becomes a work order.

All channels go through `file`, which opens the order with its channel and looks for the
same citizen's other open orders of the last `duplicate_window` (same phone line or the
same e-mail address). Any found are offered for 并单: a note on the new order names them,
and the order page's 并单 form lists them (it searches the caller's number or address).
Nothing is merged automatically: two matters of one person may be two matters.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.citizen.contacts import digits, same_line
from agent_desk.orders import Channel, OrderDraft, OrderService, OrderType, Urgency
from agent_desk.orders.models import OPEN_STATUSES, OrderEvent, WorkOrder
from agent_desk.timeutil import china
from base.clock import Clock

DUPLICATE_NOTE = "疑似重复：同一来访人近期已有工单"


@dataclass(frozen=True, slots=True)
class CitizenReport:
    """What a citizen sent, whatever the channel."""

    channel: Channel
    subject: str
    description: str = ""
    phone: str = ""
    email: str = ""
    name: str = ""
    order_type: OrderType = OrderType.HELP
    ref: str = ""  # the channel's own id (SMS sequence, Message-ID): filed once only


@dataclass(frozen=True, slots=True)
class Filed:
    order: WorkOrder
    duplicates: list[WorkOrder]  # the same citizen's open orders in the window, newest first


class CitizenIntake:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        orders: OrderService,
        clock: Clock,
        duplicate_window: timedelta = timedelta(hours=72),
    ) -> None:
        self._sessions = sessions
        self._orders = orders
        self._clock = clock
        self._window = duplicate_window

    @property
    def orders(self) -> OrderService:
        return self._orders

    async def file(self, report: CitizenReport) -> Filed:
        actor = f"intake:{report.channel.value}"
        draft = OrderDraft(
            order_type=report.order_type, urgency=Urgency.NORMAL,
            subject=report.subject.strip()[:200] or "（无主题）",
            description=report.description.strip(), caller_number=report.phone.strip(),
            caller_name=report.name.strip(), caller_email=report.email.strip(),
            channel=report.channel.value, call_id=report.ref[:64],
        )  # fmt: skip
        async with self._sessions.begin() as session:
            if report.ref:
                seen = await session.scalar(
                    select(WorkOrder).where(WorkOrder.call_id == report.ref)
                )
                if seen is not None:
                    return Filed(order=seen, duplicates=[])
            duplicates = await self._same_citizen(session, report)
            order = await self._orders.create_in(session, draft, actor=actor)
            if duplicates:
                numbers = "、".join(d.number for d in duplicates)
                text = f"{DUPLICATE_NOTE}：{numbers}，可并单"
                session.add(OrderEvent(order_id=order.id, at=order.accepted_at, actor=actor,
                                       transition="note", from_status=order.status,
                                       to_status=order.status, reason=text))  # fmt: skip
                audit.record(session, at=order.accepted_at, actor=actor, action="order.note",
                             target=order.number, detail=text)  # fmt: skip
        self._orders.publish(order)
        return Filed(order=order, duplicates=duplicates)

    async def follow(self, number: str, contact: str) -> WorkOrder | None:
        """The order `number` if `contact` is the phone or e-mail it was filed with."""
        order = await self._orders.find_by_number(number)
        if order is None:
            return None
        contact = contact.strip()
        by_phone = same_line(order.caller_number, contact)
        by_email = "@" in contact and order.caller_email.lower() == contact.lower()
        return order if by_phone or by_email else None

    async def _same_citizen(self, session: AsyncSession, report: CitizenReport) -> list[WorkOrder]:
        tail = digits(report.phone)[-11:]
        email = report.email.strip().lower()
        if len(tail) < 7 and not email:
            return []
        since = china(self._clock.now()) - self._window
        who = []
        if len(tail) >= 7:
            who.append(WorkOrder.caller_number.endswith(tail))
        if email:
            who.append(func.lower(WorkOrder.caller_email) == email)
        found = await session.scalars(
            select(WorkOrder)
            .where(or_(*who), WorkOrder.accepted_at >= since,
                   WorkOrder.status.in_([s.value for s in OPEN_STATUSES]))
            .order_by(WorkOrder.accepted_at.desc())
            .limit(10)
        )  # fmt: skip
        return [
            o
            for o in found
            if (tail and same_line(o.caller_number, report.phone))
            or (email and o.caller_email.lower() == email)
        ]
