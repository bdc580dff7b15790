"""Counts within a time window, one database row per key, shared by every process.

One upsert both creates and bumps a key's row and returns the new count; the database
serialises concurrent upserts, so of N parallel bumps each gets a different count. A
row's window starts at its first bump and lasts `window_s`; a bump after it ends starts
a new window at 1. `now` is wall-clock epoch seconds, the same in every process.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from base.database import dialect_insert


async def bump_window(
    session: AsyncSession,
    *,
    key: InstrumentedAttribute[str],
    count: InstrumentedAttribute[int],
    ends: InstrumentedAttribute[float],
    value: str,
    now: float,
    window_s: float,
) -> int:
    """Count one event under `value` in the table holding the three columns; the count."""
    insert = dialect_insert(session)
    ended = ends <= now
    table: Any = key.class_
    upsert = (
        insert(table)
        .values({key.key: value, count.key: 1, ends.key: now + window_s})
        .on_conflict_do_update(
            index_elements=[key],
            set_={
                count.key: case((ended, 1), else_=count + 1),
                ends.key: case((ended, now + window_s), else_=ends),
            },
        )
        .returning(count)
    )
    return int((await session.execute(upsert)).scalar_one())
