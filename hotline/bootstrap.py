"""The composition root: builds every component from the settings and passes them in."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agent_desk.stats.rollup_upkeep import add_call_record
from directory import DirectoryRepository, DirectoryService
from hotline.clock import Clock, SystemClock
from hotline.config import Settings
from hotline.database import create_engine, create_session_factory
from hotline.workdays import WorkingCalendar
from ivr.flow.call_log import CallRecorder
from voicemail import VoicemailService

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Components:
    """Everything built from the settings, shared by the commands and the servers."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    calendar: WorkingCalendar
    directory_repository: DirectoryRepository
    directory: DirectoryService
    voicemail: VoicemailService
    call_recorder: CallRecorder


@asynccontextmanager
async def build_components(
    settings: Settings, *, clock: Clock | None = None, load_directory: bool = True
) -> AsyncIterator[Components]:
    """Open the database and build the services; closes everything on exit."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.resolved_database_url)
    sessions = create_session_factory(engine)
    calendar = WorkingCalendar()
    repository = DirectoryRepository(sessions)
    directory = DirectoryService(
        repository=repository, calendar=calendar, home_city=settings.home_city
    )
    clock = clock or SystemClock()
    voicemail = VoicemailService(
        sessions=sessions,
        calendar=calendar,
        clock=clock,
        audio_dir=settings.data_dir / "voicemail",
        reply_days=settings.voicemail_reply_days,
    )
    try:
        if load_directory:
            await directory.reload()
        yield Components(
            settings=settings,
            clock=clock,
            engine=engine,
            sessions=sessions,
            calendar=calendar,
            directory_repository=repository,
            directory=directory,
            voicemail=voicemail,
            # The recorder keeps the statistics' hourly rollups; ivr cannot import agent_desk.
            call_recorder=CallRecorder(sessions=sessions, clock=clock, on_record=add_call_record),
        )
        await voicemail.drain()
    finally:
        await engine.dispose()
