"""Keeping the hourly call rollups right: per call as it is recorded, and rebuilt in bulk.

Both paths run one statement, `INSERT INTO call_stats_hourly SELECT <hour keys>,
<call_counters> FROM call_records WHERE … GROUP BY <hour keys>`, built from the very SQL
expressions the raw KPI queries use, so a rolled-up counter cannot drift from its definition.

- `add_call_record(session, record)` is the `CallRecorder` hook (wired by the composition
  root): in the transaction that writes the record, its hour row is upserted with
  `ON CONFLICT DO UPDATE SET counter = counter + excluded.counter`.
- `rebuild(sessions, start, end)` recomputes the rows of a period from `call_records`; bulk
  writers that bypass the recorder (demo data, benchmarks, imports) call it afterwards.
- `rollups_complete(session, start, end)` says whether the rollups account for every call
  of a period. Records are never updated or deleted and each path above adds a record to its
  hour at most once, so the rollups can only lag behind the records, never run ahead:
  equal counts mean the rollups are exact, and the KPI queries read them only then.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, bindparam, delete, func, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.stats.queries import Thresholds, call_counters, china_wall
from agent_desk.stats.rollups import (
    COUNTER_COLUMNS,
    KEY_COLUMNS,
    NO_DEPARTMENT,
    ROLLUP_THRESHOLDS,
    CallStatsHourly,
    slot_bounds,
)
from ivr.call_records import CallRecord


def slot_text(column: Any, dialect: str) -> ColumnElement[str]:
    """A timestamp's China-time hour as "YYYY-MM-DD HH" (SQLite stores China wall time)."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("Asia/Shanghai", column), "YYYY-MM-DD HH24")
    return func.substr(column, 1, 13)


def _rollup_select(dialect: str, *where: ColumnElement[bool]) -> Select[Any]:
    c = CallRecord
    short_abandon_s, service_level_s = ROLLUP_THRESHOLDS
    counters = call_counters(Thresholds(short_abandon_s, service_level_s))
    keys: list[Any] = [
        slot_text(c.started_at, dialect),
        c.site,
        c.hotline_number,
        func.coalesce(c.department_code, NO_DEPARTMENT),
    ]
    # An empty SUM is NULL; the rollup columns add up, so they hold 0 instead.
    values = [func.coalesce(counters[name], 0) for name in COUNTER_COLUMNS]
    return select(*keys, *values).where(*where).group_by(*keys)


def _insert(dialect: str, source: Select[Any], *, add: bool) -> Any:
    table = cast(Table, CallStatsHourly.__table__)
    columns = [*KEY_COLUMNS, *COUNTER_COLUMNS]
    if dialect == "postgresql":
        pg = postgresql.insert(CallStatsHourly).from_select(columns, source)
        if not add:
            return pg
        pg_set = {name: table.c[name] + pg.excluded[name] for name in COUNTER_COLUMNS}
        return pg.on_conflict_do_update(index_elements=list(KEY_COLUMNS), set_=pg_set)
    lite = sqlite.insert(CallStatsHourly).from_select(columns, source)
    if not add:
        return lite
    lite_set = {name: table.c[name] + lite.excluded[name] for name in COUNTER_COLUMNS}
    return lite.on_conflict_do_update(index_elements=list(KEY_COLUMNS), set_=lite_set)


@functools.cache
def _add_one_record(dialect: str) -> Any:
    """The per-record upsert, built once per dialect (the record's id is bound at run time):
    building it per call cost the journal's writer a large expression tree and cache key."""
    source = _rollup_select(dialect, CallRecord.id == bindparam("record_id"))
    return _insert(dialect, source, add=True)


async def add_call_record(session: AsyncSession, record: CallRecord) -> None:
    """Add one just-written call record to its hour row, in the caller's transaction."""
    await session.flush()  # the record gets its id
    statement = _add_one_record(session.get_bind().dialect.name)
    # On the Core connection: the ORM session would take the parameters for bulk VALUES.
    connection = await session.connection()
    await connection.execute(statement, {"record_id": record.id})


async def rebuild(
    sessions: async_sessionmaker[AsyncSession],
    start: datetime | None = None,
    end: datetime | None = None,
) -> int:
    """Recompute the rollups of [start, end) (whole hours; both None: everything) from the
    call records; returns the number of call records they now hold."""
    async with sessions.begin() as session:
        dialect = session.get_bind().dialect.name
        if dialect == "postgresql":
            # Recorders wait (their upsert needs ROW EXCLUSIVE) until the rebuild commits;
            # one that wrote its record before is waited for. Either way it counts once.
            await session.execute(text("LOCK TABLE call_stats_hourly IN SHARE ROW EXCLUSIVE MODE"))
        rows = delete(CallStatsHourly)
        where: list[ColumnElement[bool]] = []
        if start is not None or end is not None:
            if start is None or end is None:
                raise ValueError("give both start and end, or neither")
            first, last = slot_bounds(start, end)
            rows = rows.where(CallStatsHourly.slot >= first, CallStatsHourly.slot <= last)
            where = [CallRecord.started_at >= china_wall(start)]
            where.append(CallRecord.started_at < china_wall(end))
        await session.execute(rows)
        await session.execute(_insert(dialect, _rollup_select(dialect, *where), add=False))
        total = select(func.coalesce(func.sum(CallStatsHourly.offered), 0))
        if start is not None and end is not None:
            first, last = slot_bounds(start, end)
            total = total.where(CallStatsHourly.slot >= first, CallStatsHourly.slot <= last)
        return int(await session.scalar(total) or 0)


async def rollups_complete(
    session: AsyncSession, start: datetime, end: datetime, thresholds: Thresholds
) -> bool:
    """Whether the rollups can answer for the calls of [start, end) exactly: whole hours,
    the rolled-up thresholds, and every call record of the period counted."""
    if Thresholds(*ROLLUP_THRESHOLDS) != thresholds or not start < end:
        return False
    try:
        first, last = slot_bounds(start, end)
    except ValueError:
        return False
    raw = select(func.count()).select_from(CallRecord)
    raw = raw.where(CallRecord.started_at >= china_wall(start))
    raw = raw.where(CallRecord.started_at < china_wall(end))
    rolled = select(func.coalesce(func.sum(CallStatsHourly.offered), 0))
    rolled = rolled.where(CallStatsHourly.slot >= first, CallStatsHourly.slot <= last)
    return int(await session.scalar(raw) or 0) == int(await session.scalar(rolled) or 0)
