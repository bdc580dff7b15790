"""Hourly call rollups: one row per hour slot × city × number × department with the call
counters of the KPIs already summed, so a month's dashboard adds up thousands of rows
instead of aggregating a million call records.

The slot is China time as text, "YYYY-MM-DD HH", the same key `Dimension.SLOT` gives, so the
day and the hour of day are prefixes of it on both databases. The counters are those of
`queries.call_counters` at the default thresholds (`ROLLUP_THRESHOLDS`); a deployment with
other thresholds reads the raw records. `rollup_upkeep` fills the table; this module reads it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Float, Integer, Select, String, cast, func, select
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.stats.definitions import SERVICE_LEVEL_S, SHORT_ABANDON_S, Dimension
from base.clock import CHINA_TZ
from base.database import Base

# The thresholds the threshold-dependent counters (short abandons, 15 s answers) are rolled
# up with: the defaults of `queries.Thresholds`.
ROLLUP_THRESHOLDS = (SHORT_ABANDON_S, SERVICE_LEVEL_S)
NO_DEPARTMENT = ""  # NULL cannot take part in the conflict target of an upsert


class CallStatsHourly(Base):
    """The call counters of one hour slot (China time) of one city, number and department."""

    __tablename__ = "call_stats_hourly"

    slot: Mapped[str] = mapped_column(String(13), primary_key=True)  # "YYYY-MM-DD HH"
    site: Mapped[str] = mapped_column(String(64), primary_key=True)
    hotline_number: Mapped[str] = mapped_column(String(32), primary_key=True)
    department_code: Mapped[str] = mapped_column(String(128), primary_key=True)
    offered: Mapped[int] = mapped_column(Integer)
    answered: Mapped[int] = mapped_column(Integer)
    short_abandoned: Mapped[int] = mapped_column(Integer)
    op_offered: Mapped[int] = mapped_column(Integer)
    op_answered: Mapped[int] = mapped_column(Integer)
    op_answered_fast: Mapped[int] = mapped_column(Integer)
    op_answered_fast_entry: Mapped[int] = mapped_column(Integer, default=0)
    op_wait_sum: Mapped[float] = mapped_column(Float)
    op_wait_n: Mapped[int] = mapped_column(Integer)
    op_abandoned: Mapped[int] = mapped_column(Integer)
    op_abandon_wait_sum: Mapped[float] = mapped_column(Float, default=0.0)
    op_abandon_wait_n: Mapped[int] = mapped_column(Integer, default=0)
    op_overflowed: Mapped[int] = mapped_column(Integer, default=0)
    op_timeout_voicemail: Mapped[int] = mapped_column(Integer, default=0)
    op_callback_requested: Mapped[int] = mapped_column(Integer, default=0)
    talk_sum: Mapped[int] = mapped_column(Integer)
    talk_n: Mapped[int] = mapped_column(Integer)
    transfer_attempted: Mapped[int] = mapped_column(Integer)
    transfer_bridged: Mapped[int] = mapped_column(Integer)
    voicemail_calls: Mapped[int] = mapped_column(Integer)
    empty_voicemail_calls: Mapped[int] = mapped_column(Integer, default=0)


KEY_COLUMNS = ("slot", "site", "hotline_number", "department_code")
COUNTER_COLUMNS = tuple(
    column.name for column in CallStatsHourly.__table__.c if column.name not in KEY_COLUMNS
)


def _local(moment: datetime) -> datetime:
    return moment.astimezone(CHINA_TZ) if moment.tzinfo else moment


def slot_of(moment: datetime) -> str:
    """The China-time hour slot a moment falls in."""
    return _local(moment).strftime("%Y-%m-%d %H")


def whole_hours(start: datetime, end: datetime) -> bool:
    """Whether [start, end) is made of whole China-time hours (rollups hold nothing finer)."""
    on_the_hour = all(
        (_local(m).minute, _local(m).second, _local(m).microsecond) == (0, 0, 0)
        for m in (start, end)
    )
    return on_the_hour and start < end


def slot_bounds(start: datetime, end: datetime) -> tuple[str, str]:
    """[start, end) as slot text bounds; both must be on whole hours."""
    if not whole_hours(start, end):
        raise ValueError(f"rollups hold whole hours, not [{start}, {end})")
    return slot_of(start), slot_of(end - timedelta(hours=1))


def _dimension(dim: Dimension) -> Any:
    r = CallStatsHourly
    if dim is Dimension.SLOT:
        return r.slot
    if dim is Dimension.DAY:
        return func.substr(r.slot, 1, 10)
    if dim is Dimension.HOUR:
        return cast(func.substr(r.slot, 12, 2), Integer)
    if dim is Dimension.SITE:
        return r.site
    if dim is Dimension.HOTLINE:
        return r.hotline_number
    return r.department_code


def rollup_statement(
    names: Collection[str], dims: Sequence[Dimension], start: datetime, end: datetime
) -> Select[Any]:
    """The call counters `names`, grouped by `dims`, for the whole hours of [start, end),
    in the column order of `call_counters` — what the raw statement returns, from rollups."""
    first, last = slot_bounds(start, end)
    groups = [_dimension(dim).label(f"g{i}") for i, dim in enumerate(dims)]
    table = CallStatsHourly.__table__
    sums = [func.sum(table.c[name]).label(name) for name in names]
    statement = select(*groups, *sums).where(
        CallStatsHourly.slot >= first, CallStatsHourly.slot <= last
    )
    return statement.group_by(*groups) if groups else statement
