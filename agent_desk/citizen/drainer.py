"""`OutboxDrainer`: sends what waits in the outbox, retrying until it is taken.

A row is claimed by moving its `next_attempt_at` a lease ahead in one conditional UPDATE,
so two drainers (two processes) never send it at the same time. Sent: `sent_at`. Failed:
`attempts`, `last_error`, and the next try after an exponential backoff; after
`max_attempts` the row gets `failed_at` and a log entry and is left for a person to look
at. Rows of a medium with no sender configured simply wait.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.citizen.senders import MessageSender, OutgoingMessage
from agent_desk.timeutil import china
from base.clock import Clock
from voicemail.notify import SmsOutboxMessage

logger = logging.getLogger(__name__)
LEASE = timedelta(minutes=5)  # longer than any one send may take
BATCH = 50


class OutboxDrainer:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        senders: Mapping[str, MessageSender],
        poll_s: float = 5.0,
        backoff_initial_s: float = 30.0,
        backoff_max_s: float = 3600.0,
        max_attempts: int = 48,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._senders = dict(senders)
        self._poll_s = poll_s
        self._backoff_initial = backoff_initial_s
        self._backoff_max = backoff_max_s
        self._max_attempts = max_attempts

    async def run(self) -> None:
        """Drain every `poll_s` seconds until cancelled (a background task)."""
        while True:
            try:
                await self.drain_once()
            except Exception:
                logger.exception("outbox: draining failed; trying again")
            await self._clock.sleep(self._poll_s)

    async def drain_once(self) -> int:
        """Try every message that is due now; how many were sent."""
        if not self._senders:
            return 0
        now = china(self._clock.now())
        async with self._sessions() as session:
            rows = await session.scalars(
                select(SmsOutboxMessage)
                .where(*_due(now), SmsOutboxMessage.medium.in_(sorted(self._senders)))
                .order_by(SmsOutboxMessage.id)
                .limit(BATCH)
            )
            due = [
                OutgoingMessage(id=r.id, medium=r.medium, to=r.to, text=r.text,
                                subject=r.subject or "")
                for r in rows
            ]  # fmt: skip
        sent = 0
        for message in due:
            if await self._claim(message.id, now):
                sent += await self._attempt(message)
        return sent

    async def _claim(self, row_id: int, now: datetime) -> bool:
        async with self._sessions.begin() as session:
            result = await session.execute(
                update(SmsOutboxMessage)
                .where(SmsOutboxMessage.id == row_id, *_due(now))
                .values(next_attempt_at=now + LEASE)
            )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def _attempt(self, message: OutgoingMessage) -> int:
        try:
            await self._senders[message.medium].send(message)
        except Exception as exc:
            await self._failed(message, f"{type(exc).__name__}: {exc}"[:500])
            return 0
        async with self._sessions.begin() as session:
            row = await session.get(SmsOutboxMessage, message.id)
            if row is not None:
                row.sent_at = china(self._clock.now())
                row.attempts += 1
                row.next_attempt_at = None
        logger.info("outbox: %s %d to %s sent", message.medium, message.id, message.to)
        return 1

    async def _failed(self, message: OutgoingMessage, error: str) -> None:
        now = china(self._clock.now())
        async with self._sessions.begin() as session:
            row = await session.get(SmsOutboxMessage, message.id)
            if row is None:
                return
            row.attempts += 1
            row.last_error = error
            if row.attempts >= self._max_attempts:
                row.failed_at = now
                row.next_attempt_at = None
                logger.error("outbox: gave up on %s %d after %d attempts: %s",
                             message.medium, message.id, row.attempts, error)  # fmt: skip
                return
            delay = min(self._backoff_max, self._backoff_initial * 2 ** (row.attempts - 1))
            row.next_attempt_at = now + timedelta(seconds=delay)
        logger.warning("outbox: %s %d failed (%s); next try in %.0f s",
                       message.medium, message.id, error, delay)  # fmt: skip


def _due(now: datetime) -> tuple[ColumnElement[bool], ...]:
    return (
        SmsOutboxMessage.sent_at.is_(None),
        SmsOutboxMessage.failed_at.is_(None),
        or_(SmsOutboxMessage.next_attempt_at.is_(None), SmsOutboxMessage.next_attempt_at <= now),
    )
