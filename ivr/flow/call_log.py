"""The call record as it is built during a call, and its writer.

A finished call's record is journaled (`hotline.journal`) and written to the database by
the journal's writer: a locked or absent database never loses a record, and writing the
same record twice (a call finished again after a crash) keeps one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hotline.clock import Clock
from hotline.journal import Fact, Journal, JournalEntry, JournalUnavailable
from ivr.call_records import CallRecord
from voicemail import Voicemail

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class CallLog:
    """What has happened on one call so far; becomes a `CallRecord` row at the end."""

    call_id: str
    channel_id: str
    hotline_number: str
    caller_number: str
    started_at: datetime
    site: str = ""
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str = "abandoned"
    reason: str | None = None
    department_code: str | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    dials: list[dict[str, str]] = field(default_factory=list)
    voicemail_id: int | None = None
    # The voicemail this call left, by recording name: its id exists only once it is stored.
    voicemail_recording: str | None = None
    transfer_attempted: bool = False
    transfer_bridged: bool = False
    queue_wait_s: float | None = None
    seat: str | None = None
    overflow_to: str | None = None
    talk_s: int | None = None

    def step(self, at: datetime, name: str, **details: Any) -> None:
        self.steps.append(
            {"t": round((at - self.started_at).total_seconds(), 2), "step": name, **details}
        )

    def to_json(self) -> dict[str, Any]:
        return record_json(self)


_TIMES = ("started_at", "answered_at", "ended_at")


def log_state(log: CallLog) -> dict[str, Any]:
    """The whole call log as JSON-able data, for a checkpoint."""
    data = {name: getattr(log, name) for name in CallLog.__dataclass_fields__}
    for name in _TIMES:
        value = data[name]
        data[name] = value.isoformat() if value is not None else None
    return data


def log_from_state(data: dict[str, Any]) -> CallLog:
    """A call log back from `log_state` (a controller resuming another's call)."""
    values: dict[str, Any] = {
        name: data[name] for name in CallLog.__dataclass_fields__ if name in data
    }
    for name in _TIMES:
        raw = values.get(name)
        values[name] = datetime.fromisoformat(raw) if isinstance(raw, str) else None
    values["steps"] = list(values.get("steps") or [])
    values["dials"] = list(values.get("dials") or [])
    return CallLog(**values)


def record_json(row: CallRecord | CallLog) -> dict[str, Any]:
    """A call record (stored, or still being built) as the CLI and the API show it."""
    return {
        "call_id": row.call_id,
        "channel_id": row.channel_id,
        "hotline_number": row.hotline_number,
        "caller": row.caller_number,
        "site": row.site,
        "started_at": row.started_at.isoformat(),
        "answered_at": row.answered_at.isoformat() if row.answered_at else None,
        "ended_at": row.ended_at.isoformat() if row.ended_at else None,
        "outcome": row.outcome,
        "reason": row.reason,
        "department": row.department_code,
        "dials": row.dials,
        "voicemail": row.voicemail_id,
        "steps": row.steps,
        "queue_wait_s": row.queue_wait_s,
        "seat": row.seat,
        "overflow_to": row.overflow_to,
    }


# Runs in the transaction that writes a record (the statistics rollups add it to its hour).
RecordHook = Callable[[AsyncSession, CallRecord], Awaitable[None]]
FACT_KIND = "call_record"


class CallRecorder:
    """Writes call records; the only writer of the call_records table."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        journal: Journal,
        clock: Clock,
        on_record: RecordHook | None = None,
    ) -> None:
        self._sessions = sessions
        self._journal = journal
        self._clock = clock
        self._on_record = on_record

    async def save(self, log: CallLog) -> None:
        """Journal the finished call's record; the journal's writer stores it."""
        log.ended_at = log.ended_at or self._clock.now()
        fact = Fact(FACT_KIND, log.call_id, log_state(log))
        try:
            await self._journal.append(fact)
        except JournalUnavailable:
            # The local disk refused it: the database is the last place left to keep it.
            logger.error("%s: journal unavailable, writing the call record directly", log.call_id)
            async with self._sessions.begin() as session:
                await self._store(session, log)
            return
        logger.info("%s: call record journaled (%s)", log.channel_id, log.outcome)

    async def store_fact(self, session: AsyncSession, entry: JournalEntry) -> None:
        """The journal writer's handler: the record, unless the call already has one."""
        await self._store(session, log_from_state(entry.data))

    async def _store(self, session: AsyncSession, log: CallLog) -> None:
        exists = await session.scalar(
            select(CallRecord.id).where(CallRecord.call_id == log.call_id)
        )
        if exists is not None:
            return
        voicemail_id = log.voicemail_id
        if voicemail_id is None and log.voicemail_recording:
            voicemail_id = await session.scalar(
                select(Voicemail.id).where(Voicemail.recording_name == log.voicemail_recording)
            )
        row = CallRecord(
            call_id=log.call_id,
            channel_id=log.channel_id,
            hotline_number=log.hotline_number,
            caller_number=log.caller_number,
            site=log.site,
            started_at=log.started_at,
            answered_at=log.answered_at,
            ended_at=log.ended_at or self._clock.now(),
            outcome=log.outcome,
            reason=log.reason,
            department_code=log.department_code,
            steps=log.steps,
            dials=log.dials,
            voicemail_id=voicemail_id,
            transfer_attempted=log.transfer_attempted,
            transfer_bridged=log.transfer_bridged,
            queue_wait_s=log.queue_wait_s,
            seat=log.seat,
            overflow_to=log.overflow_to,
            talk_s=log.talk_s,
        )
        session.add(row)
        await session.flush()
        if self._on_record is not None:
            await self._on_record(session, row)

    async def recent(self, *, limit: int = 50) -> list[dict[str, Any]]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(CallRecord)
                .order_by(CallRecord.started_at.desc(), CallRecord.id.desc())
                .limit(limit)
            )
            return [record_json(row) for row in rows]

    async def get(self, call_id: str) -> dict[str, Any] | None:
        async with self._sessions() as session:
            row = await session.scalar(select(CallRecord).where(CallRecord.call_id == call_id))
            return None if row is None else record_json(row)

    async def by_channel(self, channel_id: str) -> dict[str, Any] | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(CallRecord).where(CallRecord.channel_id == channel_id)
            )
            return None if row is None else record_json(row)
