"""Per-address rate limits of the public forms, counted in the database.

Every desk process shares the count (two processes do not double the limit): each request
bumps its `(limit name, address)` row through `base.window_counter`, so of 40 parallel
requests exactly `limit` get a count within it.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from base.clock import Clock
from base.database import Base
from base.window_counter import bump_window

KEY_LENGTH = 200
SWEEP_EVERY = 500  # requests between deletions of ended windows' rows


class RateCount(Base):
    """Requests counted under one key (`report|<address>`) in its current window."""

    __tablename__ = "desk_rate_counts"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    window_ends: Mapped[float] = mapped_column(Float, index=True)


async def bump(session: AsyncSession, key: str, *, now: float, window_s: float) -> int:
    """Count one request under `key` (a new window when the last one ended); the count."""
    return await bump_window(
        session, key=RateCount.key, count=RateCount.hits, ends=RateCount.window_ends,
        value=key, now=now, window_s=window_s,
    )  # fmt: skip


class RateLimit:
    """At most `limit` requests per client address in `window_s`, across processes."""

    def __init__(
        self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock, name: str,
        limit: int, window_s: float,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._clock = clock
        self._name = name
        self._limit = limit
        self._window = window_s
        self._requests = 0

    async def allow(self, address: str) -> bool:
        """Count one request from `address`; False when it is over the limit."""
        now = self._clock.now().timestamp()
        key = f"{self._name}|{address}"[:KEY_LENGTH]
        self._requests += 1
        async with self._sessions.begin() as session:
            count = await bump(session, key, now=now, window_s=self._window)
            if self._requests % SWEEP_EVERY == 0:  # forget quiet addresses
                await session.execute(delete(RateCount).where(RateCount.window_ends <= now))
        return count <= self._limit
