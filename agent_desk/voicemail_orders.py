"""Each voicemail becomes an order (or joins the caller's open one) with its reply deadline.

The call flow calls `VoicemailOrders.order_for_voicemail` after storing a message. A caller
who rings the same department again within a day about an order still open joins it
rather than opening a duplicate.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.errors import VoicemailNotFound
from agent_desk.notifier import DeskEvent, Notifier
from agent_desk.orders import OrderDraft, OrderService, OrderType, Step, Transition, Urgency
from agent_desk.orders.models import PENDING_STATUSES, OrderEvent, OrderVoicemail, WorkOrder
from agent_desk.timeutil import china
from directory import DirectoryService
from voicemail.models import Voicemail

logger = logging.getLogger(__name__)
ACTOR = "ivr"
JOIN_WINDOW = timedelta(days=1)


class VoicemailOrders:
    """Turns stored voicemails into work orders dispatched to the mailbox's department."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        orders: OrderService,
        directory: DirectoryService,
        notifier: Notifier,
    ) -> None:
        self._sessions = sessions
        self._orders = orders
        self._directory = directory
        self._notifier = notifier

    async def order_for_voicemail(self, voicemail_id: int) -> WorkOrder:
        """The order this voicemail belongs to, created or joined; calling twice is harmless."""
        async with self._sessions.begin() as session:
            voicemail = await session.get(Voicemail, voicemail_id)
            if voicemail is None:
                raise VoicemailNotFound(f"no voicemail with id {voicemail_id}")
            order = await self.file(session, voicemail)
        self._orders.publish(order)
        return order

    async def file(self, session: AsyncSession, voicemail: Voicemail) -> WorkOrder:
        """`order_for_voicemail` inside the caller's transaction: the journal's writer
        stores a voicemail and its order together, or neither."""
        linked = await session.scalar(
            select(WorkOrder)
            .join(OrderVoicemail, OrderVoicemail.order_id == WorkOrder.id)
            .where(OrderVoicemail.voicemail_id == voicemail.id)
        )
        if linked is not None:
            return linked
        existing = await self._open_order_of_caller(session, voicemail)
        if existing is not None:
            self._link(session, existing, voicemail, joined=True)
            logger.info("voicemail %d joined order %s", voicemail.id, existing.number)
            self._notify(voicemail)
            return existing
        order = await self._orders.create_in(session, self._draft(voicemail), actor=ACTOR)
        if voicemail.department_code:
            await self._orders.move_in(
                session, order,
                Step(Transition.DISPATCH, actor=ACTOR, at=china(voicemail.recorded_at),
                     department_code=voicemail.department_code, reason="语音留言自动派单"),
                visibility=None,
            )  # fmt: skip
        self._link(session, order, voicemail, joined=False)
        logger.info("voicemail %d opened order %s", voicemail.id, order.number)
        self._notify(voicemail)
        return order

    async def order_number_of(self, voicemail_id: int) -> str | None:
        """The number of the order a stored voicemail opened or joined (None: not filed yet),
        for the IVR to read to the caller after the message."""
        async with self._sessions() as session:
            number: str | None = await session.scalar(
                select(WorkOrder.number)
                .join(OrderVoicemail, OrderVoicemail.order_id == WorkOrder.id)
                .where(OrderVoicemail.voicemail_id == voicemail_id)
            )
        return number

    async def order_number_for_recording(self, recording_name: str) -> str | None:
        """`ivr.ports.VoicemailOrderNumbers`: the order of the voicemail kept under
        `recording_name` (the call flow knows its recording, not yet the voicemail id)."""
        async with self._sessions() as session:
            number: str | None = await session.scalar(
                select(WorkOrder.number)
                .join(OrderVoicemail, OrderVoicemail.order_id == WorkOrder.id)
                .join(Voicemail, Voicemail.id == OrderVoicemail.voicemail_id)
                .where(Voicemail.recording_name == recording_name)
            )
        return number

    async def intake(self, session: AsyncSession, voicemail: Voicemail) -> None:
        """A `voicemail.VoicemailIntake`: file every new voicemail on an order."""
        await self.file(session, voicemail)

    @staticmethod
    async def _open_order_of_caller(
        session: AsyncSession, voicemail: Voicemail
    ) -> WorkOrder | None:
        if not voicemail.caller_number or not voicemail.department_code:
            return None
        since = china(voicemail.recorded_at) - JOIN_WINDOW
        found: WorkOrder | None = await session.scalar(
            select(WorkOrder)
            .where(
                WorkOrder.caller_number == voicemail.caller_number,
                WorkOrder.department_code == voicemail.department_code,
                WorkOrder.status.in_([s.value for s in PENDING_STATUSES]),
                WorkOrder.accepted_at >= since,
            )
            .order_by(WorkOrder.accepted_at.desc())
            .limit(1)
        )
        return found

    def _draft(self, voicemail: Voicemail) -> OrderDraft:
        record = self._directory.get(voicemail.department_code or "")
        name = record.name if record else "热线"
        return OrderDraft(
            order_type=OrderType.HELP,
            urgency=Urgency.NORMAL,
            subject=f"语音留言：{name}",
            description=voicemail.transcript or "",
            caller_number=voicemail.caller_number,
            hotline_number=voicemail.hotline_number,
            call_id=voicemail.call_id,
            channel="voicemail",
            due_date=voicemail.reply_due,
            platform=voicemail.platform,
        )

    @staticmethod
    def _link(
        session: AsyncSession, order: WorkOrder, voicemail: Voicemail, *, joined: bool
    ) -> None:
        session.add(OrderVoicemail(order_id=order.id, voicemail_id=voicemail.id))
        if joined:
            session.add(
                OrderEvent(order_id=order.id, at=china(voicemail.recorded_at), actor=ACTOR,
                           transition="join_voicemail", from_status=order.status,
                           to_status=order.status, reason=f"voicemail {voicemail.id}",
                           department_code=order.department_code)
            )  # fmt: skip

    def _notify(self, voicemail: Voicemail) -> None:
        self._notifier.publish(
            DeskEvent(kind="voicemail", id=voicemail.id, department_code=voicemail.department_code,
                      summary="new")
        )  # fmt: skip
