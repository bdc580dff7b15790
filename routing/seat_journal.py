"""The seat journal: every change of a seat's presence, kept for the time-per-state figures.

The live store holds only each seat's current state; statistics need its history. Presence
and the queue hand each change they make to `SeatJournal.note`, which only buffers it (the
call path never waits for the database); a background task writes the buffer every
second and once more when routing stops. A write that fails keeps its rows for the next.

A wrap-up is written once, when it starts, with the seconds it may last: the store ends
it lazily, so whoever reads the journal ends it the same way (`wrapup_s` after it began,
unless another change came first).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Float, Index, String, insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base
from routing.store.base import SeatRecord, SeatState

log = logging.getLogger(__name__)
FLUSH_EVERY_S = 1.0


class SeatStateChange(Base):
    """One seat entering one state at `at` (epoch seconds of the routing clock)."""

    __tablename__ = "seat_state_changes"
    __table_args__ = (Index("ix_seat_state_changes_seat_at", "seat_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[str] = mapped_column(String(64))
    site: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(String(32), default="")
    call_id: Mapped[str | None] = mapped_column(String(64))
    wrapup_s: Mapped[float] = mapped_column(Float, default=0.0)
    at: Mapped[float] = mapped_column(Float, index=True)


def noted(journal: SeatJournal | None, record: SeatRecord | None) -> SeatRecord | None:
    """`record` after noting it in `journal`, when there is one (Presence, OperatorQueue)."""
    if journal is not None:
        journal.note(record)
    return record


class SeatJournal:
    """Buffers seat changes and writes them to `seat_state_changes` in the background."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._pending: list[dict[str, Any]] = []
        self._lock = asyncio.Lock()

    def note(self, record: SeatRecord | None) -> None:
        """A change the store has just made (`record` as it returned it; None: no change)."""
        if record is None:
            return
        self._pending.append(
            {
                "seat_id": record.seat_id,
                "site": record.site,
                "state": record.state.value,
                "reason": record.reason[:32],
                "call_id": record.call_id,
                "wrapup_s": record.wrapup_s if record.state is SeatState.WRAP_UP else 0.0,
                "at": record.since,
            }
        )

    def note_ringing(self, seat_id: str, *, site: str, call_id: str, at: float) -> None:
        """The queue claimed `seat_id` for `call_id` (the claim returns only the seat's id)."""
        self._pending.append(
            {"seat_id": seat_id, "site": site, "state": SeatState.RINGING.value, "reason": "",
             "call_id": call_id, "wrapup_s": 0.0, "at": at}
        )  # fmt: skip

    async def flush(self) -> int:
        """Write what is buffered; returns how many rows were written."""
        async with self._lock:
            rows, self._pending = self._pending, []
            if not rows:
                return 0
            try:
                async with self._sessions.begin() as session:
                    await session.execute(insert(SeatStateChange), rows)
            except (SQLAlchemyError, OSError) as exc:
                log.warning("seat journal: %d changes kept for the next write: %s", len(rows), exc)
                self._pending[:0] = rows
                return 0
            return len(rows)

    @asynccontextmanager
    async def running(self, every_s: float = FLUSH_EVERY_S) -> AsyncIterator[SeatJournal]:
        """Write every `every_s` (real) seconds while in use, and once more at the end."""

        async def loop() -> None:
            while True:
                await asyncio.sleep(every_s)
                await self.flush()

        task = asyncio.create_task(loop(), name="seat-journal")
        try:
            yield self
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            await self.flush()
