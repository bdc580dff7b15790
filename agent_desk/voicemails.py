"""The liaison's voicemail inbox: list, play, mark handled with a reply.

Replying to a voicemail also replies to the order it created, so the caller's order
moves on without a second round of typing.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.errors import AudioMissing, OrderInputInvalid, VoicemailNotFound
from agent_desk.notifier import DeskEvent, Notifier
from agent_desk.orders import OrderService, OrderStatus, Step, Transition, Visibility
from agent_desk.orders.models import OrderVoicemail, WorkOrder
from agent_desk.orders.scope import scope_where
from agent_desk.timeutil import china
from base.clock import Clock
from voicemail.models import Voicemail


def voicemail_to_json(voicemail: Voicemail, order_number: str | None) -> dict[str, object]:
    return {
        "id": voicemail.id,
        "mailbox": voicemail.mailbox,
        "department_code": voicemail.department_code,
        "caller_number": voicemail.caller_number,
        "recorded_at": china(voicemail.recorded_at).isoformat(),
        "duration_s": voicemail.duration_s,
        "reason": voicemail.reason,
        "reply_due": voicemail.reply_due.isoformat(),
        "handled_at": china(voicemail.handled_at).isoformat() if voicemail.handled_at else None,
        "handled_by": voicemail.handled_by,
        "reply": voicemail.reply,
        "transcript": voicemail.transcript,
        "has_audio": bool(voicemail.audio_path) and not voicemail.empty,
        "order_number": order_number,
    }


class VoicemailInbox:
    """Voicemails as the desk shows them, narrowed to what the user may see."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        orders: OrderService,
        notifier: Notifier,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._orders = orders
        self._notifier = notifier

    async def list(
        self, *, visibility: Visibility, unhandled_only: bool = False, limit: int = 50
    ) -> list[tuple[Voicemail, str | None]]:
        query = (
            select(Voicemail, WorkOrder.number)
            .outerjoin(OrderVoicemail, OrderVoicemail.voicemail_id == Voicemail.id)
            .outerjoin(WorkOrder, WorkOrder.id == OrderVoicemail.order_id)
            .order_by(Voicemail.recorded_at.desc(), Voicemail.id.desc())
            .limit(limit)
        )
        query = query.where(scope_where(visibility, Voicemail.department_code, Voicemail.platform))
        if unhandled_only:
            query = query.where(Voicemail.handled_at.is_(None))
        async with self._sessions() as session:
            return [(row[0], row[1]) for row in (await session.execute(query)).all()]

    async def get(self, voicemail_id: int, *, visibility: Visibility) -> Voicemail:
        async with self._sessions() as session:
            return await self._load(session, voicemail_id, visibility)

    async def audio(self, voicemail_id: int, *, visibility: Visibility, actor: str) -> Path:
        """The audio file to stream; the playback is written to the audit log."""
        async with self._sessions() as session:
            voicemail = await self._load(session, voicemail_id, visibility)
            path = Path(voicemail.audio_path) if voicemail.audio_path else None
            if path is None or not path.is_file():
                raise AudioMissing(f"voicemail {voicemail_id} has no audio file")
            audit.record(session, at=china(self._clock.now()), actor=actor,
                         action="voicemail.play", target=str(voicemail_id))  # fmt: skip
            await session.commit()
        return path

    async def handle(
        self, voicemail_id: int, *, reply: str, visibility: Visibility, actor: str
    ) -> Voicemail:
        """Mark handled with the reply; the linked order (if still with the unit) is replied too."""
        reply = reply.strip()
        if not reply or len(reply) > 4000:
            raise OrderInputInvalid("reply must be 1 to 4000 characters")
        now = china(self._clock.now())
        async with self._sessions() as session:
            voicemail = await self._load(session, voicemail_id, visibility)
            voicemail.handled_at, voicemail.handled_by, voicemail.reply = now, actor, reply
            audit.record(session, at=now, actor=actor, action="voicemail.handle",
                         target=str(voicemail_id), detail=reply)  # fmt: skip
            order_id = await session.scalar(
                select(OrderVoicemail.order_id).where(OrderVoicemail.voicemail_id == voicemail_id)
            )
            await session.commit()
        if order_id is not None:
            await self._reply_order(order_id, reply=reply, actor=actor, visibility=visibility)
        self._notifier.publish(
            DeskEvent(kind="voicemail", id=voicemail.id, department_code=voicemail.department_code,
                      summary="handled")
        )  # fmt: skip
        return voicemail

    async def _reply_order(
        self, order_id: int, *, reply: str, actor: str, visibility: Visibility
    ) -> None:
        view = await self._orders.get(order_id, visibility=visibility)
        status = OrderStatus(view.order.status)
        now = china(self._clock.now())
        if status is OrderStatus.DISPATCHED:
            await self._orders.move(
                order_id, Step(Transition.START, actor=actor, at=now), visibility=visibility
            )
            status = OrderStatus.IN_PROGRESS
        if status is OrderStatus.IN_PROGRESS:
            await self._orders.move(
                order_id,
                Step(Transition.REPLY, actor=actor, at=now, reply=reply),
                visibility=visibility,
            )

    @staticmethod
    async def _load(session: AsyncSession, voicemail_id: int, visibility: Visibility) -> Voicemail:
        query = select(Voicemail).where(Voicemail.id == voicemail_id)
        query = query.where(scope_where(visibility, Voicemail.department_code, Voicemail.platform))
        voicemail: Voicemail | None = await session.scalar(query)
        if voicemail is None:
            raise VoicemailNotFound(f"no voicemail with id {voicemail_id}")
        return voicemail
