"""Keeping voicemail: the audio on disk, a row with its reply deadline, and listeners told.

Listeners (the desk's order intake, notifications) run as background tasks: a slow SMTP
server or a failing listener never holds up the call that left the message.
"""

from __future__ import annotations

import array
import asyncio
import io
import logging
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hotline.clock import Clock
from hotline.workdays import WorkingCalendar
from voicemail.models import Voicemail

logger = logging.getLogger(__name__)

# Peak amplitude under which a recording counts as silence (16-bit samples).
SILENCE_PEAK = 500


@dataclass(frozen=True, slots=True)
class VoicemailInfo:
    """A stored voicemail as other packages see it."""

    id: int
    mailbox: str
    department_code: str | None
    caller_number: str
    hotline_number: str
    call_id: str
    recorded_at: datetime
    duration_s: float
    reason: str
    audio_path: str
    empty: bool
    reply_due: date
    handled_at: datetime | None

    @classmethod
    def of(cls, row: Voicemail) -> VoicemailInfo:
        return cls(
            id=row.id,
            mailbox=row.mailbox,
            department_code=row.department_code,
            caller_number=row.caller_number,
            hotline_number=row.hotline_number,
            call_id=row.call_id,
            recorded_at=row.recorded_at,
            duration_s=row.duration_s,
            reason=row.reason,
            audio_path=row.audio_path,
            empty=row.empty,
            reply_due=row.reply_due,
            handled_at=row.handled_at,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "mailbox": self.mailbox,
            "department": self.department_code,
            "caller": self.caller_number,
            "hotline_number": self.hotline_number,
            "call_id": self.call_id,
            "recorded_at": self.recorded_at.isoformat(),
            "duration_s": self.duration_s,
            "reason": self.reason,
            "empty": self.empty,
            "reply_due": self.reply_due.isoformat(),
            "handled": self.handled_at is not None,
        }


class VoicemailListener(Protocol):
    """Told of every new voicemail (the desk files an order, liaisons are notified)."""

    async def voicemail_saved(self, voicemail: VoicemailInfo) -> None: ...


def wav_seconds(audio: bytes) -> float:
    """How long a WAV lasts (0 for one that cannot be read): a recording's duration when
    its RecordingFinished event was lost with a controller."""
    try:
        with wave.open(io.BytesIO(audio)) as wav:
            frames: int = wav.getnframes()
            rate: int = wav.getframerate()
            return frames / rate if rate else 0.0
    except (wave.Error, EOFError):
        return 0.0


def is_silent(audio: bytes) -> bool:
    """True for an empty or silent WAV (a caller who said nothing is still kept, flagged)."""
    try:
        with wave.open(io.BytesIO(audio)) as wav:
            frames = wav.readframes(wav.getnframes())
            width = wav.getsampwidth()
    except (wave.Error, EOFError):
        return True
    if width != 2 or not frames:
        return not frames
    samples = array.array("h", frames[: len(frames) - len(frames) % 2])
    return max(abs(s) for s in samples) < SILENCE_PEAK if samples else True


class VoicemailService:
    """Stores voicemail audio and rows; lists them; tells listeners."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        calendar: WorkingCalendar,
        clock: Clock,
        audio_dir: Path,
        reply_days: int = 5,
    ) -> None:
        self._sessions = sessions
        self._calendar = calendar
        self._clock = clock
        self._audio_dir = audio_dir
        self._reply_days = reply_days
        self._listeners: list[VoicemailListener] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def add_listener(self, listener: VoicemailListener) -> None:
        self._listeners.append(listener)

    async def save(
        self,
        *,
        mailbox: str,
        department_code: str | None,
        caller_number: str,
        hotline_number: str,
        call_id: str,
        reason: str,
        recording_name: str,
        audio: bytes,
        duration_s: float,
    ) -> VoicemailInfo:
        """Keep the audio and the row; the reply is due `reply_days` working days later."""
        now = self._clock.now()
        empty = duration_s <= 0 or is_silent(audio)
        async with self._sessions.begin() as session:
            row = Voicemail(
                mailbox=mailbox,
                department_code=department_code,
                caller_number=caller_number,
                hotline_number=hotline_number,
                call_id=call_id,
                recorded_at=now,
                duration_s=duration_s,
                reason=reason,
                recording_name=recording_name,
                empty=empty,
                reply_due=self._calendar.add_working_days(now.date(), self._reply_days),
            )
            session.add(row)
            await session.flush()
            path = self._audio_dir / now.strftime("%Y%m") / f"{row.id}.wav"
            await asyncio.to_thread(_write, path, audio)
            row.audio_path = str(path)
        info = VoicemailInfo.of(row)
        logger.info("voicemail %d kept for %s (%s, %.0f s)", info.id, mailbox, reason, duration_s)
        for listener in self._listeners:
            task = asyncio.create_task(self._tell(listener, info))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return info

    async def recent(self, *, limit: int = 50) -> Sequence[VoicemailInfo]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(Voicemail)
                .order_by(Voicemail.recorded_at.desc(), Voicemail.id.desc())
                .limit(limit)
            )
            return [VoicemailInfo.of(row) for row in rows]

    async def get(self, voicemail_id: int) -> VoicemailInfo | None:
        async with self._sessions() as session:
            row = await session.get(Voicemail, voicemail_id)
            return None if row is None else VoicemailInfo.of(row)

    async def drain(self) -> None:
        """Wait for listeners still running (at shutdown and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    @staticmethod
    async def _tell(listener: VoicemailListener, info: VoicemailInfo) -> None:
        try:
            await listener.voicemail_saved(info)
        except Exception:
            logger.exception("voicemail %d: listener %r failed", info.id, listener)


def _write(path: Path, audio: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(audio)
