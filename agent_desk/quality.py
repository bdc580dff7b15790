"""质检 on the desk: supervisors play a bridged call's recording and score it.

The recordings are kept by the controller (ivr.quality_store); here they are listed by
call, or by order through the order's call id, played (each playback audited) and given
one inspection each: a score 0-100 and notes, with who saved it and when. A supervisor
bound to a platform sees the recordings of calls filed under it and those below it
(`platforms`, the principal's); any other is answered as if it did not exist (404).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.errors import OrderInputInvalid, QualityAudioMissing, QualityRecordingNotFound
from agent_desk.timeutil import china
from base.clock import Clock
from ivr.call_records import CallRecord
from ivr.quality_models import QualityRecording

MAX_NOTES = 2000
Platforms = frozenset[str] | None  # the principal's: None sees every platform


def quality_to_json(row: QualityRecording) -> dict[str, object]:
    return {
        "id": row.id,
        "call_id": row.call_id,
        "kind": row.kind,
        "duration_s": row.duration_s,
        "started_at": china(row.started_at).isoformat(),
        "retention_until": china(row.retention_until).isoformat(),
        "score": row.score,
        "notes": row.notes,
        "scored_by": row.scored_by,
        "scored_at": china(row.scored_at).isoformat() if row.scored_at else None,
        "audio_url": f"/api/quality/recordings/{row.id}/audio",
    }


@dataclass(frozen=True, slots=True)
class Inspection:
    """A 质检 form as submitted."""

    score: int
    notes: str


def inspection(score: object, notes: object) -> Inspection:
    """Check a submitted form: a whole score 0-100 and notes of at most 2000 characters."""
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise OrderInputInvalid("score must be a whole number from 0 to 100",
                                details={"field": "score"})  # fmt: skip
    text = "" if notes is None else notes
    if not isinstance(text, str) or len(text) > MAX_NOTES:
        raise OrderInputInvalid(f"notes must be text of at most {MAX_NOTES} characters",
                                details={"field": "notes"})  # fmt: skip
    return Inspection(score=score, notes=text.strip())


class QualityDesk:
    """The recordings of calls as supervisors see them."""

    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def of_call(self, call_id: str, *, platforms: Platforms) -> list[QualityRecording]:
        if not call_id:
            return []
        query = _visible(select(QualityRecording), platforms).where(
            QualityRecording.call_id == call_id
        )
        async with self._sessions() as session:
            rows = await session.scalars(
                query.order_by(QualityRecording.started_at, QualityRecording.id)
            )
            return list(rows)

    async def get(self, recording_id: int, *, platforms: Platforms) -> QualityRecording:
        async with self._sessions() as session:
            return await _load(session, recording_id, platforms)

    async def audio(self, recording_id: int, *, actor: str, platforms: Platforms) -> Path:
        """The file to stream; the playback is written to the audit log."""
        async with self._sessions() as session:
            row = await _load(session, recording_id, platforms)
            path = Path(row.audio_path)
            if not await asyncio.to_thread(path.is_file):
                raise QualityAudioMissing(f"quality recording {recording_id} has no audio file")
            audit.record(session, at=china(self._clock.now()), actor=actor,
                         action="quality.play", target=str(recording_id))  # fmt: skip
            await session.commit()
        return path

    async def score(
        self, recording_id: int, form: Inspection, *, actor: str, platforms: Platforms
    ) -> QualityRecording:
        now = china(self._clock.now())
        async with self._sessions() as session:
            row = await _load(session, recording_id, platforms)
            row.score, row.notes, row.scored_by, row.scored_at = (
                form.score, form.notes, actor, now
            )  # fmt: skip
            audit.record(session, at=now, actor=actor, action="quality.score",
                         target=str(recording_id), detail=f"{form.score}")  # fmt: skip
            await session.commit()
            await session.refresh(row)
            return row


def _visible(query: Select[QualityRecording], platforms: Platforms) -> Select[QualityRecording]:
    """Narrowed to calls filed under `platforms` (None: every platform)."""
    if platforms is None:
        return query
    return query.join(CallRecord, CallRecord.call_id == QualityRecording.call_id).where(
        CallRecord.platform.in_(sorted(platforms))
    )


async def _load(session: AsyncSession, recording_id: int, platforms: Platforms) -> QualityRecording:
    query = _visible(select(QualityRecording), platforms)
    row = await session.scalar(query.where(QualityRecording.id == recording_id))
    if row is None:
        raise QualityRecordingNotFound(f"no quality recording with id {recording_id}")
    return row
