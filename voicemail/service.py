"""Keeping voicemail: the audio on disk, the message journaled, then its row and listeners.

`keep` is what the call waits for: the audio is written and fsynced under a name derived
from the recording (not from a database id, which may not exist yet), and the message is
appended to the journal. The row is written later by the journal's writer
(`store_fact`, idempotent by recording name) together with whatever else must land in the
same transaction (the desk's work order); listeners are told after that (`follow_up`),
apart from the hot path, so a slow SMTP server never holds up a call.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import Clock
from base.database import database_unavailable
from base.journal import Fact, Journal, JournalEntry, JournalUnavailable
from base.workdays import WorkingCalendar
from voicemail.audio import is_empty_recording
from voicemail.models import Voicemail

logger = logging.getLogger(__name__)


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
    platform: str = ""

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
            platform=row.platform,
        )

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "mailbox": self.mailbox,
            "department": self.department_code,
            "caller": self.caller_number,
            "hotline_number": self.hotline_number,
            "platform": self.platform,
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


FACT_KIND = "voicemail"
BYTES_PER_SECOND = 16_000  # 8 kHz, 16-bit mono: what Asterisk records
ROOM_MARGIN_BYTES = 256 * 1024
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")

# Runs in the writer's transaction right after a new voicemail row (the desk files its order).
VoicemailIntake = Callable[[AsyncSession, Voicemail], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class KeptVoicemail:
    """A message on disk and in the journal; its row (and id) follow when the database can."""

    recording_name: str
    audio_path: str
    duration_s: float
    empty: bool
    reply_due: date


def audio_file_name(recording_name: str) -> str:
    """The file a recording is kept in: one per recording name, so keeping twice is harmless."""
    return _UNSAFE.sub("_", recording_name).strip("._") + ".wav"


class VoicemailService:
    """Keeps voicemail audio and rows; lists them; tells listeners."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        journal: Journal,
        calendar: WorkingCalendar,
        clock: Clock,
        audio_dir: Path,
        reply_days: int = 5,
    ) -> None:
        self._sessions = sessions
        self._journal = journal
        self._calendar = calendar
        self._clock = clock
        self._audio_dir = audio_dir
        self._reply_days = reply_days
        self._listeners: list[VoicemailListener] = []
        self._intakes: list[VoicemailIntake] = []

    def add_listener(self, listener: VoicemailListener) -> None:
        self._listeners.append(listener)

    def add_intake(self, intake: VoicemailIntake) -> None:
        self._intakes.append(intake)

    async def keep(
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
        platform: str = "",
    ) -> KeptVoicemail:
        """Write the audio and journal the message; once this returns, nothing is lost.

        Raises `base.journal.JournalUnavailable` (disk full, unwritable) when it cannot
        promise that; then nothing was journaled.
        """
        now = self._clock.now()
        empty = is_empty_recording(audio)
        reply_due = self._calendar.add_working_days(now.date(), self._reply_days)
        path = self._audio_dir / now.strftime("%Y%m") / audio_file_name(recording_name)
        try:
            await asyncio.to_thread(write_durably, path, audio)
        except OSError as exc:
            raise JournalUnavailable(f"cannot write voicemail audio {path}: {exc}") from exc
        data: dict[str, Any] = {
            "mailbox": mailbox,
            "department_code": department_code,
            "caller_number": caller_number,
            "hotline_number": hotline_number,
            "platform": platform,
            "call_id": call_id,
            "recorded_at": now.isoformat(),
            "duration_s": duration_s,
            "reason": reason,
            "recording_name": recording_name,
            "audio_path": str(path),
            "empty": empty,
            "reply_due": reply_due.isoformat(),
        }
        await self._journal.append(Fact(FACT_KIND, recording_name, data, follow_up=True))
        logger.info("voicemail %s kept for %s (%s, %.0f s)", recording_name, mailbox, reason,
                    duration_s)  # fmt: skip
        return KeptVoicemail(recording_name=recording_name, audio_path=str(path),
                             duration_s=duration_s, empty=empty, reply_due=reply_due)  # fmt: skip

    def has_room(self, *, max_seconds: float) -> bool:
        """Whether the disk can take a message of `max_seconds` (8 kHz 16-bit) and its fact."""
        needed = int(max_seconds * BYTES_PER_SECOND) + ROOM_MARGIN_BYTES
        for folder in (self._audio_dir, self._journal.path.parent):
            probe = folder
            while not probe.exists() and probe != probe.parent:
                probe = probe.parent
            try:
                if shutil.disk_usage(probe).free < needed:
                    return False
            except OSError:
                return False
        return True

    async def is_kept(self, recording_name: str, *, ask_database: bool = True) -> bool:
        """Whether this recording is already a voicemail (journaled here, or in the database).

        `ask_database=False` looks only in the local journal: enough for a call this process
        has run from its start (only a call resumed from another controller can have a
        message kept elsewhere), and it spares the database a query per voicemail.
        """
        if await self._journal.find(FACT_KIND, recording_name) is not None:
            return True
        if not ask_database:
            return False
        try:
            async with self._sessions() as session:
                found = await session.scalar(
                    select(Voicemail.id).where(Voicemail.recording_name == recording_name)
                )
        except Exception as exc:
            if not database_unavailable(exc):
                raise
            # Facts kept here are in the local journal (checked above); one kept by another
            # controller and applied already is the only thing this can miss.
            logger.warning("cannot ask the database about %s: %s", recording_name, exc)
            return False
        return found is not None

    async def store_fact(self, session: AsyncSession, entry: JournalEntry) -> None:
        """The journal writer's handler: the row (and its intakes), unless it is there."""
        data = entry.data
        exists = await session.scalar(
            select(Voicemail.id).where(Voicemail.recording_name == data["recording_name"])
        )
        if exists is not None:
            return
        row = Voicemail(
            mailbox=data["mailbox"],
            department_code=data["department_code"],
            caller_number=data["caller_number"],
            hotline_number=data["hotline_number"],
            platform=str(data.get("platform") or ""),  # facts journaled before platforms: ""
            call_id=data["call_id"],
            recorded_at=datetime.fromisoformat(data["recorded_at"]),
            duration_s=float(data["duration_s"]),
            reason=data["reason"],
            recording_name=data["recording_name"],
            audio_path=data["audio_path"],
            empty=bool(data["empty"]),
            reply_due=date.fromisoformat(data["reply_due"]),
        )
        session.add(row)
        await session.flush()
        for intake in self._intakes:
            await intake(session, row)

    async def follow_up(self, entry: JournalEntry) -> None:
        """The journal writer's follow-up: tell the listeners of the stored voicemail."""
        async with self._sessions() as session:
            row = await session.scalar(
                select(Voicemail).where(Voicemail.recording_name == entry.key)
            )
        if row is None:
            return
        info = VoicemailInfo.of(row)
        for listener in self._listeners:
            try:
                await listener.voicemail_saved(info)
            except Exception:
                logger.exception("voicemail %d: listener %r failed", info.id, listener)

    async def by_recording(self, recording_name: str) -> VoicemailInfo | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(Voicemail).where(Voicemail.recording_name == recording_name)
            )
            return None if row is None else VoicemailInfo.of(row)

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


def write_durably(path: Path, audio: bytes) -> None:
    """Write, fsync and rename into place: the file is whole or absent after a crash."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    with partial.open("wb") as out:
        out.write(audio)
        out.flush()
        os.fsync(out.fileno())
    partial.replace(path)
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
