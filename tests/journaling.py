"""Test helpers: a journal in a temporary folder and its writer running as a task."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from base.clock import Clock
from base.journal import Journal
from hotline.journal_writer import JournalWriter


@asynccontextmanager
async def open_journal(folder: Path, clock: Clock) -> AsyncIterator[Journal]:
    journal = Journal(folder / "facts.sqlite3", clock=clock)
    await journal.open()
    try:
        yield journal
    finally:
        await journal.close()


@asynccontextmanager
async def running(writer: JournalWriter) -> AsyncIterator[JournalWriter]:
    task = asyncio.create_task(writer.run())
    try:
        yield writer
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
