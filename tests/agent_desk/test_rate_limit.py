"""The public forms' rate limit is one count in the database, whatever the processes."""

from __future__ import annotations

import asyncio

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.intake import RateLimit
from tests.agent_desk.conftest import SteppedClock

LIMIT = 5


def _limits(*factories: async_sessionmaker[AsyncSession], clock: SteppedClock) -> list[RateLimit]:
    return [RateLimit(sessions=f, clock=clock, name="report", limit=LIMIT, window_s=3600)
            for f in factories]  # fmt: skip


async def test_two_desks_together_refuse_the_request_over_the_limit(
    sessions: async_sessionmaker[AsyncSession],
    second_process: async_sessionmaker[AsyncSession],
    clock: SteppedClock,
) -> None:
    one, two = _limits(sessions, second_process, clock=clock)
    answers = [await (one if i % 2 else two).allow("203.0.113.7") for i in range(LIMIT + 1)]
    assert answers == [True] * LIMIT + [False]
    assert not await one.allow("203.0.113.7")
    assert await two.allow("203.0.113.8")  # another address has its own count
    follow = RateLimit(sessions=sessions, clock=clock, name="follow", limit=1, window_s=3600)
    assert await follow.allow("203.0.113.7")  # and another limit its own
    clock.advance(seconds=3600)  # the window has ended: a new one starts
    assert await two.allow("203.0.113.7")


async def test_forty_parallel_requests_let_exactly_the_limit_through(
    sessions: async_sessionmaker[AsyncSession],
    second_process: async_sessionmaker[AsyncSession],
    clock: SteppedClock,
) -> None:
    one, two = _limits(sessions, second_process, clock=clock)
    answers = await asyncio.gather(*(one.allow("198.51.100.1") for _ in range(40)))
    assert answers.count(True) == LIMIT
    # Split over two processes at once: still the limit in all.
    answers = await asyncio.gather(
        *((one if i % 2 else two).allow("198.51.100.2") for i in range(40))
    )
    assert answers.count(True) == LIMIT
