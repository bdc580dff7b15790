"""The missed-call callback list (国办函〔2025〕66号): callers an operator must call back.

A caller who hangs up while queued, or presses 2 to ask for a callback, goes on the list
once per day: further missed calls that day update the same entry (an upsert, safe when
several controllers write at once). The operator's callback is noted on the entry.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import CHINA_TZ, Clock
from base.database import dialect_insert
from base.errors import NotFound
from base.journal import Fact, Journal, JournalEntry
from routing.models import (
    CALLBACK_DONE,
    CALLBACK_PENDING,
    REASON_ABANDONED,
    REASON_REQUESTED,
    CallbackRequest,
)
from routing.store.base import QueueEntry

log = logging.getLogger(__name__)

# Numbers nobody can call back (withheld or unknown caller ids).
UNREACHABLE = frozenset({"", "anonymous", "unknown", "restricted", "private"})
FACT_KIND = "callback_request"


class CallbackNotFound(NotFound):
    code = "callback-not-found"


class CallbackList:
    """Adds callers to the callback list and records the operators' callbacks."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        journal: Journal | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._journal = journal

    async def add(
        self, *, caller: str, site: str, hotline_number: str, call_id: str, reason: str
    ) -> CallbackRequest | None:
        """Put the caller on today's list (or update today's entry); None if unreachable."""
        values = self._values(caller=caller, site=site, hotline_number=hotline_number,
                              call_id=call_id, reason=reason)  # fmt: skip
        if values is None:
            return None
        async with self._sessions.begin() as session:
            await upsert_entry(session, values)
        log.info("%s: callback entry for %s at %s (%s)", call_id, caller, site, reason)
        return await self.entry_for(caller, values["day"])

    async def keep_from_queue(self, entry: QueueEntry, *, requested: bool = False) -> bool:
        """The caller of a queue entry that left the queue (see `OperatorQueue.abandoned`):
        journaled for the database when there is a journal; False if unreachable."""
        values = self._values(
            caller=entry.caller, site=entry.origin, hotline_number=entry.hotline_number,
            call_id=entry.call_id, reason=REASON_REQUESTED if requested else REASON_ABANDONED,
        )  # fmt: skip
        if values is None:
            return False
        if self._journal is None:
            async with self._sessions.begin() as session:
                await upsert_entry(session, values)
            return True
        data = {**values, "day": values["day"].isoformat(),
                "first_at": values["first_at"].isoformat(),
                "last_at": values["last_at"].isoformat()}  # fmt: skip
        await self._journal.append(Fact(FACT_KIND, entry.call_id, data))
        return True

    async def add_from_queue(
        self, entry: QueueEntry, *, requested: bool = False
    ) -> CallbackRequest | None:
        """The caller of a queue entry that left the queue, written at once."""
        return await self.add(
            caller=entry.caller,
            site=entry.origin,
            hotline_number=entry.hotline_number,
            call_id=entry.call_id,
            reason=REASON_REQUESTED if requested else REASON_ABANDONED,
        )

    def _values(
        self, *, caller: str, site: str, hotline_number: str, call_id: str, reason: str
    ) -> dict[str, Any] | None:
        if caller.strip().lower() in UNREACHABLE:
            log.info("%s: caller id withheld, no callback entry", call_id)
            return None
        now = self._clock.now()
        return {
            "caller_number": caller,
            "day": now.astimezone(CHINA_TZ).date(),
            "site": site,
            "hotline_number": hotline_number,
            "first_at": now,
            "last_at": now,
            "missed_calls": 1,
            "last_call_id": call_id,
            "reason": reason,
            "status": CALLBACK_PENDING,
            "attempts": 0,
        }

    async def entry_for(self, caller: str, day: date) -> CallbackRequest | None:
        async with self._sessions() as session:
            found: CallbackRequest | None = await session.scalar(
                select(CallbackRequest).where(
                    CallbackRequest.caller_number == caller, CallbackRequest.day == day
                )
            )
            return found

    async def pending(self, site: str | None = None) -> list[CallbackRequest]:
        """Entries still to call back, oldest first (optionally of one site)."""
        query = select(CallbackRequest).where(CallbackRequest.status == CALLBACK_PENDING)
        if site is not None:
            query = query.where(CallbackRequest.site == site)
        async with self._sessions() as session:
            rows = await session.scalars(query.order_by(CallbackRequest.first_at))
            return list(rows)

    async def record_attempt(
        self, entry_id: int, *, by: str, note: str | None = None, done: bool
    ) -> CallbackRequest:
        """An operator called back: count it, keep the note, close the entry if done."""
        async with self._sessions.begin() as session:
            entry = await session.get(CallbackRequest, entry_id, with_for_update=True)
            if entry is None:
                raise CallbackNotFound(f"no callback entry {entry_id}", details={"id": entry_id})
            entry.attempts += 1
            if note:
                entry.note = note
            if done:
                entry.status = CALLBACK_DONE
                entry.done_at = self._clock.now()
                entry.done_by = by
            return entry


async def upsert_entry(session: AsyncSession, values: dict[str, Any]) -> None:
    """Today's entry for the caller, created or updated by one statement."""
    insert = dialect_insert(session)
    statement = insert(CallbackRequest).values(**values)
    table = CallbackRequest.__table__.c
    # A later miss the same day reopens the entry; an explicit request wins over a plain
    # hang-up, so the operator sees the caller asked.
    update = {
        "site": statement.excluded.site,
        "hotline_number": statement.excluded.hotline_number,
        "last_at": statement.excluded.last_at,
        "missed_calls": table.missed_calls + 1,
        "last_call_id": statement.excluded.last_call_id,
        "status": CALLBACK_PENDING,
        "reason": (
            statement.excluded.reason if values["reason"] == REASON_REQUESTED else table.reason
        ),
    }
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["caller_number", "day"],
            set_=update,
            # Applied twice (a crash between commit and mark): the same call counts once.
            where=table.last_call_id != statement.excluded.last_call_id,
        )
    )


async def store_callback_fact(session: AsyncSession, entry: JournalEntry) -> None:
    """The journal writer's handler for callback requests."""
    data = entry.data
    values = {**data, "day": date.fromisoformat(data["day"]),
              "first_at": datetime.fromisoformat(data["first_at"]),
              "last_at": datetime.fromisoformat(data["last_at"])}  # fmt: skip
    await upsert_entry(session, values)
