"""The call record as it is built during a call, and its writer.

A finished call's record is journaled (`base.journal`) and written to the database by
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

from base.clock import Clock
from base.journal import Fact, Journal, JournalEntry, JournalUnavailable
from ivr.call_records import QUEUE_ANSWERED, QUEUE_CALLBACK, QUEUE_OUTCOMES, CallRecord
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
    platform: str = ""  # routing.platforms: the county owning the number dialled, else site
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
    queue_outcome: str | None = None  # ivr.call_records.QUEUE_OUTCOMES
    call_wait_s: float | None = None
    overflowed: bool = False
    voicemail_empty: bool = False
    survey_rating: int | None = None

    # The queue outcomes, each written the moment it happens (the statistics count them).
    def queue_answered(
        self, at: datetime, *, wait_s: float, seat: str, overflow_to: str | None
    ) -> None:
        """A seat answered after `wait_s` in the queue; what follows (a transfer) keeps it."""
        self.outcome = "operator"
        self.queue_outcome = QUEUE_ANSWERED
        self.queue_wait_s = round(wait_s, 1)
        self.call_wait_s = round((at - self.started_at).total_seconds(), 1)
        self.seat = seat
        self.overflow_to = overflow_to
        self.overflowed = self.overflowed or overflow_to is not None

    def queue_overflowed(self) -> None:
        """A seat of a neighbouring city is ringing for this caller."""
        self.overflowed = True

    def queue_left(self, how: str, *, wait_s: float) -> None:
        """The caller left the queue unanswered (`how`: abandoned, timeout_voicemail,
        voicemail, callback_requested) after `wait_s`."""
        if how not in QUEUE_OUTCOMES or how == QUEUE_ANSWERED:
            raise ValueError(f"not a way to leave the queue: {how!r}")
        self.queue_outcome = how
        self.queue_wait_s = round(max(wait_s, 0.0), 1)
        if how == QUEUE_CALLBACK:
            self.outcome = "callback_requested"

    def voicemail_kept(self, recording: str, *, empty: bool) -> None:
        """The call left a voicemail; `empty`: it holds no message (0 s or silence)."""
        self.outcome = "voicemail"
        self.voicemail_recording = recording
        self.voicemail_empty = empty

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
        "platform": row.platform,
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
        "queue_outcome": row.queue_outcome,
        "call_wait_s": row.call_wait_s,
        "overflowed": row.overflowed,
        "talk_s": row.talk_s,
        "voicemail_empty": row.voicemail_empty,
        "survey_rating": row.survey_rating,
    }


def record_values(log: CallLog, *, ended_at: datetime) -> dict[str, Any]:
    """The call_records columns of a finished call log (voicemail_id as the log knows it).
    The recorder writes these; the demo history bulk-inserts the same values."""
    return {
        "call_id": log.call_id,
        "channel_id": log.channel_id,
        "hotline_number": log.hotline_number,
        "caller_number": log.caller_number,
        "site": log.site,
        "platform": log.platform or log.site,
        "started_at": log.started_at,
        "answered_at": log.answered_at,
        "ended_at": log.ended_at or ended_at,
        "outcome": log.outcome,
        "reason": log.reason,
        "department_code": log.department_code,
        "steps": log.steps,
        "dials": log.dials,
        "voicemail_id": log.voicemail_id,
        "transfer_attempted": log.transfer_attempted,
        "transfer_bridged": log.transfer_bridged,
        "queue_wait_s": log.queue_wait_s,
        "seat": log.seat,
        "overflow_to": log.overflow_to,
        "talk_s": log.talk_s,
        "queue_outcome": log.queue_outcome,
        "call_wait_s": log.call_wait_s,
        "overflowed": log.overflowed,
        "voicemail_empty": log.voicemail_empty,
        "survey_rating": log.survey_rating,
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
        values = record_values(log, ended_at=self._clock.now())
        if values["voicemail_id"] is None and log.voicemail_recording:
            found = (
                await session.execute(
                    select(Voicemail.id, Voicemail.empty).where(
                        Voicemail.recording_name == log.voicemail_recording
                    )
                )
            ).first()
            if found is not None:
                # The stored voicemail's verdict counts, also for a call resumed after a crash.
                values["voicemail_id"] = found.id
                values["voicemail_empty"] = bool(found.empty)
        row = CallRecord(**values)
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
