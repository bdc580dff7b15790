"""The SQL side of the KPIs: counters as aggregate expressions, grouped in the database.

Each source table (calls, voicemails, orders, missed-call callbacks) contributes its own
counters; one `SELECT dims…, SUM(CASE …)… GROUP BY dims` per source, filtered on an indexed
time column, so the work scales with the database rather than with Python.
Times are China time: SQLite stores the wall time the hotline wrote, PostgreSQL converts.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Integer, Select, and_, cast, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from agent_desk.orders.models import OrderStatus, WorkOrder
from agent_desk.stats.definitions import SERVICE_LEVEL_S, SHORT_ABANDON_S, Dimension
from agent_desk.stats.rollups import rollup_statement
from base.clock import CHINA_TZ
from ivr.call_records import (
    QUEUE_ABANDONED,
    QUEUE_ANSWERED,
    QUEUE_CALLBACK,
    QUEUE_TIMEOUT_VOICEMAIL,
    CallRecord,
)
from routing.models import CALLBACK_DONE, CallbackRequest
from voicemail.models import Voicemail

GroupKey = tuple[str | int, ...]
Counters = dict[str, float]


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The seconds the call KPIs depend on (configurable per deployment)."""

    short_abandon_s: float = SHORT_ABANDON_S
    service_level_s: float = SERVICE_LEVEL_S


def china_wall(moment: datetime) -> datetime:
    """A bound as China time, so SQLite (which stores wall time) compares it right."""
    return moment.astimezone(CHINA_TZ) if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


def local_date(column: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return func.date(func.timezone("Asia/Shanghai", column))
    # SQLite keeps "YYYY-MM-DD HH:MM:SS.ffffff" wall time; cutting is far cheaper than date().
    return func.substr(column, 1, 10)


def local_hour(column: Any, dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return cast(func.extract("hour", func.timezone("Asia/Shanghai", column)), Integer)
    return cast(func.substr(column, 12, 2), Integer)


# FILTER (WHERE …) rather than SUM(CASE …): both databases have it and it is twice as fast.
def local_slot(column: Any, dialect: str) -> ColumnElement[Any]:
    """The hour slot as one expression: grouping on it costs one key instead of two."""
    if dialect == "postgresql":
        return func.date_trunc("hour", func.timezone("Asia/Shanghai", column))
    return func.substr(column, 1, 13)


def count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.count().filter(condition)


def sum_if(condition: ColumnElement[bool], value: Any) -> ColumnElement[Any]:
    return func.sum(value).filter(condition)


@dataclass(frozen=True, slots=True)
class Source:
    """One table the KPIs read: its time column, its dimensions and its counters."""

    name: str
    time: InstrumentedAttribute[Any]
    columns: dict[Dimension, InstrumentedAttribute[Any]]

    def dimension(self, dim: Dimension, dialect: str) -> ColumnElement[Any] | None:
        if dim is Dimension.HOUR:
            return local_hour(self.time, dialect)
        if dim is Dimension.DAY:
            return local_date(self.time, dialect)
        if dim is Dimension.SLOT:
            return local_slot(self.time, dialect)
        column = self.columns.get(dim)
        return None if column is None else column.expression


def call_counters(t: Thresholds) -> dict[str, ColumnElement[Any]]:
    """The call counters, from the queue outcome each call recorded when it happened."""
    c = CallRecord
    queued = c.queue_outcome.is_not(None)
    abandoned = c.queue_outcome == QUEUE_ABANDONED
    # An abandon of unknown wait (none should be) counts as a real one, not as short.
    abandon_wait = func.coalesce(c.queue_wait_s, t.short_abandon_s)
    short = and_(abandoned, abandon_wait < t.short_abandon_s)
    real_abandon = and_(abandoned, abandon_wait >= t.short_abandon_s)
    answered = c.queue_outcome == QUEUE_ANSWERED  # also when the operator then transferred
    left_message = and_(c.outcome == "voicemail", c.voicemail_empty.is_(False))
    return {
        "offered": func.count(),
        "answered": count_if(c.answered_at.is_not(None)),
        "short_abandoned": count_if(short),
        "op_offered": count_if(and_(queued, not_(short))),
        "op_answered": count_if(answered),
        "op_answered_fast": count_if(and_(answered, c.queue_wait_s <= t.service_level_s)),
        "op_answered_fast_entry": count_if(and_(answered, c.call_wait_s <= t.service_level_s)),
        "op_wait_sum": sum_if(answered, c.queue_wait_s),
        "op_wait_n": count_if(and_(answered, c.queue_wait_s.is_not(None))),
        "op_abandoned": count_if(real_abandon),
        "op_abandon_wait_sum": sum_if(real_abandon, c.queue_wait_s),
        "op_abandon_wait_n": count_if(and_(real_abandon, c.queue_wait_s.is_not(None))),
        "op_overflowed": count_if(and_(queued, c.overflowed.is_(True))),
        "op_timeout_voicemail": count_if(c.queue_outcome == QUEUE_TIMEOUT_VOICEMAIL),
        "op_callback_requested": count_if(c.queue_outcome == QUEUE_CALLBACK),
        "talk_sum": sum_if(answered, c.talk_s),
        "talk_n": count_if(and_(answered, c.talk_s.is_not(None))),
        "transfer_attempted": count_if(c.transfer_attempted.is_(True)),
        "transfer_bridged": count_if(c.transfer_bridged.is_(True)),
        "voicemail_calls": count_if(left_message),
        "empty_voicemail_calls": count_if(and_(c.outcome == "voicemail", c.voicemail_empty)),
    }


def voicemail_counters(today: date, dialect: str) -> dict[str, ColumnElement[Any]]:
    v = Voicemail
    replied = v.handled_at.is_not(None)
    on_time = and_(replied, local_date(v.handled_at, dialect) <= v.reply_due)
    return {
        "vm_total": func.count(),
        "vm_due": count_if(or_(replied, v.reply_due < today)),
        "vm_on_time": count_if(on_time),
    }


# Orders that never entered handling: they have no deadline, reply or callback to judge.
_NOT_HANDLED = (OrderStatus.NOT_ACCEPTED.value, OrderStatus.MERGED.value)
_CLOSED = (OrderStatus.CLOSED.value, OrderStatus.ARCHIVED.value)


def order_counters(today: date, dialect: str) -> dict[str, ColumnElement[Any]]:
    o = WorkOrder
    # An archived order without a reply was archived after 不予受理 or 并单: closing needs one.
    handled = and_(
        o.status.not_in(_NOT_HANDLED),
        o.merged_into_id.is_(None),
        not_(and_(o.status == OrderStatus.ARCHIVED.value, o.replied_at.is_(None))),
    )
    replied = and_(handled, o.replied_at.is_not(None))
    return {
        "orders_total": func.count(),
        "orders_handled": count_if(handled),
        "orders_due": count_if(and_(handled, or_(o.replied_at.is_not(None), o.due_date < today))),
        "orders_on_time": count_if(and_(replied, local_date(o.replied_at, dialect) <= o.due_date)),
        "orders_closed": count_if(and_(handled, o.status.in_(_CLOSED), o.closed_at.is_not(None))),
        "orders_replied": count_if(replied),
        "orders_redone": count_if(and_(replied, o.redo_count > 0)),
        "orders_rated": count_if(and_(handled, o.satisfaction.is_not(None))),
        "orders_satisfied": count_if(and_(handled, o.satisfaction >= 4)),
    }


def callback_counters() -> dict[str, ColumnElement[Any]]:
    return {
        "callbacks": func.count(),
        "callbacks_done": count_if(CallbackRequest.status == CALLBACK_DONE),
    }


# What a department answers for on the phone: its transfers, not the operators' queue.
DEPARTMENT_CALL_COUNTERS = ("offered", "answered", "transfer_attempted", "transfer_bridged",
                            "voicemail_calls")  # fmt: skip


def counter_names() -> list[str]:
    """Every counter of every source (an empty period has them all at zero)."""
    return [
        *call_counters(Thresholds()),
        *voicemail_counters(date.min, "sqlite"),
        *order_counters(date.min, "sqlite"),
        *callback_counters(),
    ]


CALLS = Source(
    "calls",
    CallRecord.started_at,
    {
        Dimension.DEPARTMENT: CallRecord.department_code,
        Dimension.SITE: CallRecord.site,
        Dimension.HOTLINE: CallRecord.hotline_number,
        Dimension.PLATFORM: CallRecord.platform,
    },
)
VOICEMAILS = Source(
    "voicemails",
    Voicemail.recorded_at,
    {Dimension.DEPARTMENT: Voicemail.department_code, Dimension.HOTLINE: Voicemail.hotline_number,
     Dimension.PLATFORM: Voicemail.platform},
)  # fmt: skip
ORDERS = Source(
    "orders",
    WorkOrder.accepted_at,
    {Dimension.DEPARTMENT: WorkOrder.department_code, Dimension.HOTLINE: WorkOrder.hotline_number,
     Dimension.PLATFORM: WorkOrder.platform},
)  # fmt: skip
# A callback is queued at the site of the platform the call came through (a county's own).
CALLBACKS = Source(
    "callbacks",
    CallbackRequest.first_at,
    {Dimension.SITE: CallbackRequest.site, Dimension.HOTLINE: CallbackRequest.hotline_number,
     Dimension.PLATFORM: CallbackRequest.site},
)  # fmt: skip


def _statement(
    source: Source,
    counters: dict[str, ColumnElement[Any]],
    dims: Sequence[Dimension],
    start: datetime,
    end: datetime,
    dialect: str,
    platforms: Collection[str] | None = None,
) -> Select[Any] | None:
    dim_columns = [source.dimension(dim, dialect) for dim in dims]
    if any(column is None for column in dim_columns):
        return None  # this table does not carry that dimension (orders have no city)
    groups = [column.label(f"g{i}") for i, column in enumerate(dim_columns) if column is not None]
    where = [source.time >= china_wall(start), source.time < china_wall(end)]
    if source is VOICEMAILS:
        where.append(Voicemail.empty.is_(False))
    if platforms is not None:
        where.append(source.columns[Dimension.PLATFORM].in_(sorted(platforms)))
    statement = select(*groups, *(expr.label(name) for name, expr in counters.items()))
    statement = statement.where(*where)
    return statement.group_by(*groups) if groups else statement


def _key(values: Sequence[Any], dims: Sequence[Dimension]) -> GroupKey:
    key: list[str | int] = []
    for value, dim in zip(values, dims, strict=True):
        if dim is Dimension.HOUR:
            key.append(int(value) if value is not None else -1)
        elif dim is Dimension.SLOT:
            key.append(str(value)[:13])  # PostgreSQL gives a timestamp, SQLite the text
        else:
            key.append("" if value is None else str(value))
    return tuple(key)


async def grouped_counters(
    session: AsyncSession,
    dims: Sequence[Dimension],
    start: datetime,
    end: datetime,
    *,
    today: date,
    thresholds: Thresholds = Thresholds(),
    sources: Collection[str] | None = None,
    call_counter_names: Collection[str] | None = None,
    call_rollups: bool = False,
    platforms: Collection[str] | None = None,
) -> dict[GroupKey, Counters]:
    """Every counter of every source (or of the named `sources`: calls, voicemails, orders,
    callbacks), grouped by `dims`, for times in [start, end). `call_counter_names` narrows
    the call counters (fewer aggregates per row for views that need only some).
    `call_rollups`: read the call counters from the hourly rollups (the caller has checked
    them with `rollup_upkeep.rollups_complete`). `platforms`: only what belongs to these
    (a city's figures rolled up: the city and its counties); the rollups carry no platform,
    so a platform filter or grouping reads the raw records."""
    dialect = session.get_bind().dialect.name
    if platforms is not None or Dimension.PLATFORM in dims:
        call_rollups = False
    calls = call_counters(thresholds)
    if call_counter_names is not None:
        calls = {name: expr for name, expr in calls.items() if name in call_counter_names}
    plans = (
        (CALLS, calls),
        (VOICEMAILS, voicemail_counters(today, dialect)),
        (ORDERS, order_counters(today, dialect)),
        (CALLBACKS, callback_counters()),
    )
    result: dict[GroupKey, Counters] = {}
    applicable: list[str] = []
    for source, counters in plans:
        if sources is not None and source.name not in sources:
            continue
        if source is CALLS and call_rollups:
            statement: Select[Any] | None = rollup_statement(counters, dims, start, end)
        else:
            statement = _statement(source, counters, dims, start, end, dialect, platforms)
        if statement is None:
            continue
        applicable.extend(counters)
        for row in await session.execute(statement):
            values = tuple(row)
            key = _key(values[: len(dims)], dims)
            bucket = result.setdefault(key, {})
            for name, value in zip(counters, values[len(dims) :], strict=True):
                bucket[name] = float(value or 0)
    fill_zeros(result, applicable)
    return result


def fill_zeros(grouped: dict[GroupKey, Counters], names: Iterable[str]) -> None:
    """A department with orders but no calls had no calls: zero, not "not applicable"."""
    names = list(names)
    for bucket in grouped.values():
        for name in names:
            bucket.setdefault(name, 0.0)
