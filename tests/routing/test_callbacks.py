"""The missed-call callback list: one entry per caller per day, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import ScaledClock
from hotline.journal_writer import JournalWriter
from routing.callbacks import FACT_KIND, CallbackList, store_callback_fact
from routing.store import QueueEntry
from tests.journaling import open_journal, running
from tests.routing.conftest import advance


def queued(call_id: str, caller: str = "13912345678", site: str = "linjiang") -> QueueEntry:
    return QueueEntry(
        call_id=call_id, caller=caller, site=site, enqueued_at=0, hotline_number="12345"
    )


async def test_one_entry_per_caller_per_day(
    sessions: async_sessionmaker[AsyncSession], clock: ScaledClock
) -> None:
    callbacks = CallbackList(sessions=sessions, clock=clock)
    first = await callbacks.add_from_queue(queued("c1"))
    assert first is not None
    advance(clock, 600)
    again = await callbacks.add_from_queue(queued("c2", site="qingshan"), requested=True)
    advance(clock, 600)
    third = await callbacks.add_from_queue(queued("c3"))
    assert again is not None
    assert third is not None
    assert third.id == first.id
    assert third.missed_calls == 3
    assert third.last_call_id == "c3"
    assert third.reason == "requested"  # the caller asked once: that stays visible
    assert third.first_at == first.first_at
    assert (third.last_at - third.first_at).total_seconds() == pytest.approx(1200, abs=5)
    assert [entry.id for entry in await callbacks.pending()] == [first.id]
    # The next day the same caller gets a new entry.
    advance(clock, 86400)
    tomorrow = await callbacks.add_from_queue(queued("c4"))
    assert tomorrow is not None
    assert tomorrow.id != first.id
    assert len(await callbacks.pending("linjiang")) == 2


async def test_concurrent_misses_from_one_caller_make_one_entry(
    sessions: async_sessionmaker[AsyncSession], clock: ScaledClock
) -> None:
    callbacks = CallbackList(sessions=sessions, clock=clock)
    await asyncio.gather(*(callbacks.add_from_queue(queued(f"c{n}")) for n in range(5)))
    entries = await callbacks.pending()
    assert len(entries) == 1
    assert entries[0].missed_calls == 5


async def test_callback_done_and_a_later_miss_reopens_it(
    sessions: async_sessionmaker[AsyncSession], clock: ScaledClock
) -> None:
    callbacks = CallbackList(sessions=sessions, clock=clock)
    entry = await callbacks.add_from_queue(queued("c1", caller="02012345678"))
    assert entry is not None
    tried = await callbacks.record_attempt(entry.id, by="lj-03", note="无人接听", done=False)
    assert (tried.attempts, tried.status, tried.note) == (1, "pending", "无人接听")
    done = await callbacks.record_attempt(entry.id, by="lj-03", note="已回复", done=True)
    assert (done.attempts, done.status, done.done_by) == (2, "done", "lj-03")
    assert await callbacks.pending() == []
    reopened = await callbacks.add_from_queue(queued("c2", caller="02012345678"))
    assert reopened is not None
    assert reopened.status == "pending"
    assert reopened.attempts == 2


async def test_withheld_caller_id_cannot_be_called_back(
    sessions: async_sessionmaker[AsyncSession], clock: ScaledClock
) -> None:
    callbacks = CallbackList(sessions=sessions, clock=clock)
    assert await callbacks.add_from_queue(queued("c1", caller="anonymous")) is None
    assert await callbacks.pending() == []


async def test_callbacks_from_the_queue_go_through_the_journal_and_count_once(
    sessions: async_sessionmaker[AsyncSession], clock: ScaledClock, tmp_path: Path
) -> None:
    async with open_journal(tmp_path, clock) as journal:
        callbacks = CallbackList(sessions=sessions, clock=clock, journal=journal)
        assert await callbacks.keep_from_queue(queued("c1"))
        assert not await callbacks.keep_from_queue(queued("c2", caller="anonymous"))
        assert await callbacks.pending() == []  # on disk, not yet in the database
        await journal.append(*(e.fact for e in await journal.due(0)))  # journaled twice
        writer = JournalWriter(journal=journal, sessions=sessions,
                               store={FACT_KIND: store_callback_fact})  # fmt: skip
        async with running(writer):
            assert await writer.drain()
    [entry] = await callbacks.pending()
    assert (entry.caller_number, entry.missed_calls, entry.last_call_id) == ("13912345678", 1, "c1")
