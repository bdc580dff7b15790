"""The composition root: builds every component from the settings and passes them in."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from agent_desk.orders.survey_ratings import rate_orders_of_call
from agent_desk.stats.rollup_upkeep import add_call_record
from base.calendar_store import CalendarStore
from base.clock import Clock, SystemClock
from base.config import Settings
from base.database import create_engine, create_session_factory
from base.journal import Journal
from base.workdays import WorkingCalendar
from directory import DirectoryRepository, DirectoryService
from hotline.journal_writer import JournalWriter
from ivr.call_records import CallRecord
from ivr.flow import call_log
from ivr.flow.call_log import CallRecorder
from routing import callbacks
from voicemail import VoicemailService
from voicemail import service as voicemail_service

# How long a command waits at exit for the journal's writer to store what is waiting.
DRAIN_AT_EXIT_S = 10.0

logger = logging.getLogger(__name__)


def journal_path(settings: Settings) -> Path:
    """Where this data directory's write-ahead journal lives (local disk, never shared)."""
    return settings.data_dir / "journal" / "facts.sqlite3"


@dataclass(frozen=True, slots=True)
class Components:
    """Everything built from the settings, shared by the commands and the servers."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    calendar: WorkingCalendar
    calendar_store: CalendarStore
    directory_repository: DirectoryRepository
    directory: DirectoryService
    voicemail: VoicemailService
    call_recorder: CallRecorder
    journal: Journal
    journal_writer: JournalWriter


async def _on_call_record(session: AsyncSession, record: CallRecord) -> None:
    """In the transaction that writes a call record: its hour's rollup, its survey rating."""
    await add_call_record(session, record)
    await rate_orders_of_call(session, record)


@asynccontextmanager
async def build_components(
    settings: Settings, *, clock: Clock | None = None, load_directory: bool = True
) -> AsyncIterator[Components]:
    """Open the database and build the services; closes everything on exit."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.resolved_database_url)
    sessions = create_session_factory(engine)
    clock = clock or SystemClock()
    # The package's years until the table is read (`load_directory`, every server does).
    calendar = WorkingCalendar()
    calendar_store = CalendarStore(sessions=sessions, calendar=calendar, clock=clock)
    repository = DirectoryRepository(sessions)
    directory = DirectoryService(
        repository=repository, calendar=calendar, home_city=settings.home_city
    )
    journal = Journal(journal_path(settings), clock=clock)
    await journal.open()
    voicemail = VoicemailService(
        sessions=sessions,
        journal=journal,
        calendar=calendar,
        clock=clock,
        audio_dir=settings.data_dir / "voicemail",
        reply_days=settings.voicemail_reply_days,
    )
    # The recorder keeps the statistics' hourly rollups; ivr cannot import agent_desk.
    recorder = CallRecorder(
        sessions=sessions, journal=journal, clock=clock, on_record=_on_call_record
    )
    writer = JournalWriter(
        journal=journal,
        sessions=sessions,
        store={
            voicemail_service.FACT_KIND: voicemail.store_fact,
            call_log.FACT_KIND: recorder.store_fact,
            callbacks.FACT_KIND: callbacks.store_callback_fact,
        },
        follow_ups={voicemail_service.FACT_KIND: voicemail.follow_up},
    )
    try:
        if load_directory:
            await calendar_store.load()
            await directory.reload()
        yield Components(
            settings=settings,
            clock=clock,
            engine=engine,
            sessions=sessions,
            calendar=calendar,
            calendar_store=calendar_store,
            directory_repository=repository,
            directory=directory,
            voicemail=voicemail,
            call_recorder=recorder,
            journal=journal,
            journal_writer=writer,
        )
    finally:
        await journal.close()
        await engine.dispose()


@asynccontextmanager
async def applying_journal(components: Components) -> AsyncIterator[JournalWriter]:
    """Run the journal's writer for as long as the block runs; drain what waits at exit.

    Entered once every handler of the facts is attached (the desk's voicemail intake
    included): a fact left by a crashed process is applied the moment the writer starts.
    """
    writer = components.journal_writer
    task = asyncio.create_task(writer.run(), name="journal-writer")
    try:
        yield writer
        await asyncio.sleep(0)  # let a writer that has just started take its lock
        if writer.holds_lock and not await writer.drain(timeout_s=DRAIN_AT_EXIT_S):
            logger.warning("journal: facts still waiting at exit; they are applied at next start")
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
