"""The write-ahead journal and its writer: durable appends, exactly-once apply, backing off."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from base.clock import CHINA_TZ, ScaledClock
from base.database import create_engine, create_session_factory
from base.journal import Fact, JournalEntry, JournalUnavailable
from hotline.journal_writer import JournalWriter
from tests.journaling import open_journal, running
from tests.servers import fill, small_tmpfs

CLOCK = ScaledClock(start=datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ))


class _Base(DeclarativeBase):
    pass


class Note(_Base):
    """A table of the test's own: one row per fact key."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(50), unique=True)
    size: Mapped[int] = mapped_column(Integer)


async def store_note(session: AsyncSession, entry: JournalEntry) -> None:
    """Idempotent by key, as every real handler is."""
    if await session.scalar(select(Note.id).where(Note.key == entry.key)) is None:
        session.add(Note(key=entry.key, size=int(entry.data["size"])))


@pytest.fixture
async def notes(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite3'}")
    async with engine.begin() as connection:
        await connection.run_sync(_Base.metadata.create_all)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def keys_in(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return sorted(await session.scalars(select(Note.key)))


def note(key: str, size: object = 1, *, follow_up: bool = False) -> Fact:
    return Fact("note", key, {"size": size}, follow_up=follow_up)


async def test_appended_facts_survive_closing_and_reopening(tmp_path: Path) -> None:
    async with open_journal(tmp_path, CLOCK) as journal:
        await asyncio.gather(*(journal.append(note(f"k{i}")) for i in range(100)))
    async with open_journal(tmp_path, CLOCK) as journal:
        due = await journal.due(0, limit=500)
        assert sorted(e.key for e in due) == sorted(f"k{i}" for i in range(100))
        assert (await journal.depth()).waiting == 100
        assert await journal.find("note", "k7") is not None
        assert await journal.find("note", "nope") is None


async def test_the_writer_applies_each_fact_once_even_when_journaled_twice(
    tmp_path: Path, notes: async_sessionmaker[AsyncSession]
) -> None:
    async with open_journal(tmp_path, CLOCK) as journal:
        writer = JournalWriter(journal=journal, sessions=notes, store={"note": store_note})
        async with running(writer):
            await journal.append(note("a"), note("b"))
            await journal.append(note("a"))  # e.g. a call finished again after a crash
            assert await writer.drain()
        assert await keys_in(notes) == ["a", "b"]
        assert (await journal.depth()).waiting == 0


async def test_a_fact_the_database_refuses_is_kept_aside_and_the_rest_goes_on(
    tmp_path: Path, notes: async_sessionmaker[AsyncSession]
) -> None:
    async with open_journal(tmp_path, CLOCK) as journal:
        writer = JournalWriter(journal=journal, sessions=notes, store={"note": store_note})
        async with running(writer):
            await journal.append(note("good-1"), note("bad", size="not a number"), note("good-2"))
            assert await writer.drain()
        assert await keys_in(notes) == ["good-1", "good-2"]
        refused = await journal.failed()
        assert [e.key for e in refused] == ["bad"]
        assert "ValueError" in (refused[0].failure or "")
        assert (await journal.depth()).failed == 1
        assert await journal.retry_failed() == 1  # what `hotline journal retry` does
        assert (await journal.depth()).waiting == 1


async def test_follow_ups_run_once_the_fact_is_stored(
    tmp_path: Path, notes: async_sessionmaker[AsyncSession]
) -> None:
    followed: list[tuple[str, list[str]]] = []

    async def follow(entry: JournalEntry) -> None:
        followed.append((entry.key, await keys_in(notes)))

    async with open_journal(tmp_path, CLOCK) as journal:
        writer = JournalWriter(journal=journal, sessions=notes, store={"note": store_note},
                               follow_ups={"note": follow})  # fmt: skip
        async with running(writer):
            await journal.append(note("x", follow_up=True), note("y"))
            assert await writer.drain()
    assert followed == [("x", ["x", "y"])]


async def test_a_locked_database_backs_the_journal_up_then_drains_it(
    tmp_path: Path, notes: async_sessionmaker[AsyncSession], caplog: pytest.LogCaptureFixture
) -> None:
    locker = sqlite3.connect(tmp_path / "db.sqlite3", isolation_level=None, timeout=0)
    locker.execute("BEGIN EXCLUSIVE")
    caplog.set_level(logging.WARNING, logger="hotline.journal_writer")
    async with open_journal(tmp_path, CLOCK) as journal:
        writer = JournalWriter(journal=journal, sessions=notes, store={"note": store_note})
        async with running(writer):
            for i in range(30):
                await journal.append(note(f"n{i}"))  # appends go on while the lock holds
            assert not await writer.drain(timeout_s=7.0)  # past SQLite's 5 s busy timeout
            assert (await journal.depth()).waiting == 30
            locker.rollback()
            assert await writer.drain(timeout_s=30.0)
    locker.close()
    assert await keys_in(notes) == sorted(f"n{i}" for i in range(30))
    messages = [r.getMessage() for r in caplog.records]
    assert sum("database is unavailable" in m for m in messages) == 1  # logged once
    assert sum("drained" in m for m in messages) == 1


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "small", "512k") as folder:
        yield folder


async def test_a_full_disk_refuses_the_fact_and_keeps_the_ones_before(full_disk: Path) -> None:
    async with open_journal(full_disk, CLOCK) as journal:
        await journal.append(note("before"))
        fill(full_disk)
        with pytest.raises(JournalUnavailable):
            await journal.append(note("during", size="x" * 200_000))
        (full_disk / "filler").unlink()
        await journal.append(note("after"))
        assert [e.key for e in await journal.due(0)] == ["before", "after"]


async def test_a_second_process_on_the_same_journal_leaves_the_applying_to_the_first(
    tmp_path: Path, notes: async_sessionmaker[AsyncSession]
) -> None:
    async with open_journal(tmp_path, CLOCK) as journal, open_journal(tmp_path, CLOCK) as other:
        first = JournalWriter(journal=journal, sessions=notes, store={"note": store_note})
        second = JournalWriter(journal=other, sessions=notes, store={"note": store_note})
        async with running(first):
            await asyncio.sleep(0.1)
            async with running(second):
                await asyncio.sleep(0.1)
                assert first.holds_lock
                assert not second.holds_lock
                await other.append(note("from-the-other"))
                assert await first.drain()
    assert await keys_in(notes) == ["from-the-other"]
