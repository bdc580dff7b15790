"""The seat journal: every presence and queue change of a seat lands in the database, in
order; with the database locked the changes wait in memory and are written after."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import ScaledClock
from base.database import create_engine, create_session_factory
from hotline.migrate import upgrade_async
from routing import (
    InMemoryStore,
    OperatorQueue,
    Presence,
    QueuedCall,
    SeatJournal,
    SeatStateChange,
    load_sites,
)
from tests.routing.conftest import advance


async def _journalled(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str, float]]:
    async with sessions() as session:
        rows = await session.execute(
            select(SeatStateChange.state, SeatStateChange.reason, SeatStateChange.at)
            .where(SeatStateChange.seat_id == "lj-01")
            .order_by(SeatStateChange.id)
        )
        return [(state, reason, at) for state, reason, at in rows]


async def test_every_change_of_a_seat_is_journalled_in_order(
    sessions: async_sessionmaker[AsyncSession], clock: ScaledClock
) -> None:
    sites = load_sites()
    store = InMemoryStore(clock=clock)
    journal = SeatJournal(sessions)
    presence = Presence(store=store, sites=sites, journal=journal)
    queue = OperatorQueue(store=store, sites=sites, clock=clock, journal=journal)
    await presence.define_seats()
    t0 = clock.now().timestamp()
    await presence.sign_in("lj-01")
    advance(clock, 10)
    await queue.enqueue(QueuedCall(call_id="c1", caller="13900000001", site="linjiang"))
    offer = await queue.next_offer("c1")
    assert offer is not None
    assert offer.seat_id == "lj-01"
    advance(clock, 4)
    await queue.answered("c1", "lj-01")
    advance(clock, 60)
    await queue.finished("c1")
    advance(clock, 5)
    await presence.take_break("lj-01")
    advance(clock, 30)
    await presence.sign_out("lj-01")
    assert await _journalled(sessions) == []  # buffered: the call path never waits
    assert await journal.flush() == 6
    assert [(s, r, round(at - t0)) for s, r, at in await _journalled(sessions)] == [
        ("available", "", 0), ("ringing", "", 10), ("on_call", "", 14),
        ("wrap_up", "", 74), ("break", "break", 79), ("offline", "signed_out", 109),
    ]  # fmt: skip
    async with sessions() as session:
        wrapup = await session.scalar(
            select(SeatStateChange.wrapup_s).where(SeatStateChange.state == "wrap_up")
        )
    assert wrapup == sites.site("linjiang").wrapup_s


async def test_changes_wait_while_the_database_is_locked(
    tmp_path: Path, clock: ScaledClock
) -> None:
    path = tmp_path / "locked.sqlite3"
    url = f"sqlite+aiosqlite:///{path}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    journal = SeatJournal(sessions)
    presence = Presence(store=InMemoryStore(clock=clock), sites=load_sites(), journal=journal)
    await presence.define_seats()
    locker = sqlite3.connect(path, isolation_level=None)
    try:
        locker.execute("BEGIN EXCLUSIVE")
        await presence.sign_in("lj-01")
        await presence.take_break("lj-01")
        assert await journal.flush() == 0  # busy: kept for the next write
        await presence.available("lj-01")
    finally:
        locker.rollback()
        locker.close()
    try:
        assert await journal.flush() == 3
        assert [s for s, _, _ in await _journalled(sessions)] == ["available", "break", "available"]
    finally:
        await engine.dispose()
