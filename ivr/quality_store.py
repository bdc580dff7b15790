"""Keeping quality recordings (质检录音) as safely as voicemail, and letting them go.

`keep` is what the call waits for: the audio is written and fsynced under a name derived
from the recording, then the recording is appended to the journal; the row is written
later by the journal's writer (`store_fact`, idempotent by recording name). A recording
is kept `retention_days`; `purge_due` deletes the rows and files past it, and
`purge_task` runs it on the hotline's clock for as long as the HTTP app runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import Clock
from base.database import database_unavailable
from base.journal import Fact, Journal, JournalEntry, JournalUnavailable
from ivr.quality_models import QualityRecording
from voicemail import audio_file_name, write_durably

logger = logging.getLogger(__name__)

FACT_KIND = "quality_recording"
PURGE_EVERY_S = 3600.0


class QualityRecordings:
    """Keeps, lists and purges the recorded bridges of calls."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        journal: Journal,
        clock: Clock,
        audio_dir: Path,
        retention_days: int = 180,
    ) -> None:
        self._sessions = sessions
        self._journal = journal
        self._clock = clock
        self._audio_dir = audio_dir
        self.retention_days = retention_days

    async def keep(
        self,
        *,
        call_id: str,
        kind: str,
        recording_name: str,
        audio: bytes,
        duration_s: float,
        started_at: datetime,
    ) -> str:
        """Write the audio and journal the recording; once this returns, nothing is lost.

        Returns the audio path. Raises `JournalUnavailable` when it cannot promise that.
        """
        path = self._audio_dir / started_at.strftime("%Y%m") / audio_file_name(recording_name)
        try:
            await asyncio.to_thread(write_durably, path, audio)
        except OSError as exc:
            raise JournalUnavailable(f"cannot write quality recording {path}: {exc}") from exc
        data: dict[str, Any] = {
            "call_id": call_id,
            "kind": kind,
            "recording_name": recording_name,
            "audio_path": str(path),
            "duration_s": duration_s,
            "started_at": started_at.isoformat(),
            "retention_until": (started_at + timedelta(days=self.retention_days)).isoformat(),
        }
        await self._journal.append(Fact(FACT_KIND, recording_name, data))
        logger.info("quality recording %s kept (%s, %.0f s)", recording_name, kind, duration_s)
        return str(path)

    async def is_kept(self, recording_name: str) -> bool:
        return await self._journal.find(FACT_KIND, recording_name) is not None

    async def store_fact(self, session: AsyncSession, entry: JournalEntry) -> None:
        """The journal writer's handler: the row, unless it is there already."""
        data = entry.data
        exists = await session.scalar(
            select(QualityRecording.id).where(
                QualityRecording.recording_name == data["recording_name"]
            )
        )
        if exists is not None:
            return
        session.add(
            QualityRecording(
                call_id=data["call_id"],
                kind=data["kind"],
                recording_name=data["recording_name"],
                audio_path=data["audio_path"],
                duration_s=float(data["duration_s"]),
                started_at=datetime.fromisoformat(data["started_at"]),
                retention_until=datetime.fromisoformat(data["retention_until"]),
            )
        )

    async def of_call(self, call_id: str) -> list[QualityRecording]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(QualityRecording)
                .where(QualityRecording.call_id == call_id)
                .order_by(QualityRecording.started_at, QualityRecording.id)
            )
            return list(rows)

    async def purge_due(self) -> int:
        """Delete the recordings past their retention, files first; how many went."""
        now = self._clock.now()
        async with self._sessions() as session:
            due = list(
                await session.scalars(
                    select(QualityRecording).where(QualityRecording.retention_until < now)
                )
            )
        for row in due:
            with contextlib.suppress(FileNotFoundError):
                await asyncio.to_thread(Path(row.audio_path).unlink)
        if due:
            async with self._sessions.begin() as session:
                await session.execute(
                    delete(QualityRecording).where(QualityRecording.id.in_([row.id for row in due]))
                )
            logger.info("quality recordings: %d past retention purged", len(due))
        return len(due)

    async def run_purge(self, *, every_s: float = PURGE_EVERY_S) -> None:
        """Purge now and then every `every_s` on the hotline's clock, until cancelled."""
        while True:
            try:
                await self.purge_due()
            except Exception as exc:
                if not database_unavailable(exc):
                    logger.exception("quality recordings: purge failed; trying again later")
                else:  # an outage is reported by the journal's writer; one line is enough
                    logger.warning("quality recordings: purge postponed, database unavailable")
            await self._clock.sleep(every_s)


def purge_task(
    recordings: QualityRecordings, *, every_s: float = PURGE_EVERY_S
) -> Callable[[web.Application], AsyncIterator[None]]:
    """An aiohttp `cleanup_ctx` running the retention purge while the app runs."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(recordings.run_purge(every_s=every_s), name="quality-purge")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context
