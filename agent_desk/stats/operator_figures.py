"""Per-operator figures for a period: the calls they took, their talk and wrap-up times,
the orders they logged, their callers' satisfaction and their time in each state.

An operator's calls are the queued calls answered at a seat while they sat there (the
desk's sittings); their orders are the work orders they created in the period, and
satisfaction is of those orders' callback reviews. Time per state: `seat_time`.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.auth.models import User
from agent_desk.orders.models import WorkOrder
from agent_desk.stats.queries import china_wall, count_if
from agent_desk.stats.seat_time import (
    Sitting,
    StateTime,
    by_operator,
    load_changes,
    load_sittings,
    spans,
)
from agent_desk.timeutil import china
from ivr.call_records import QUEUE_ANSWERED, CallRecord


@dataclass(frozen=True, slots=True)
class OperatorFigures:
    """One operator's period; averages and rates are None with nothing to divide."""

    user_id: int
    name: str
    calls: int
    average_talk_s: float | None
    orders: int
    satisfaction_rate: float | None  # of their orders: rated 4 or 5 ÷ rated
    rated: int
    time: StateTime

    def to_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "name": self.name,
            "calls": self.calls,
            "average_talk_s": self.average_talk_s,
            "average_wrap_up_s": self.time.average_wrap_up_s,
            "orders": self.orders,
            "satisfaction_rate": self.satisfaction_rate,
            "rated": self.rated,
            "time": self.time.to_json(),
        }


class _SittingIndex:
    """Who sat at a seat at a moment, by bisecting the seat's sittings."""

    def __init__(self, sittings: list[Sitting]) -> None:
        self._of_seat: dict[str, list[Sitting]] = {}
        for sitting in sorted(sittings, key=lambda s: s.start):
            self._of_seat.setdefault(sitting.seat, []).append(sitting)
        self._starts = {seat: [s.start for s in rows] for seat, rows in self._of_seat.items()}

    def user_at(self, seat: str, at: float) -> int | None:
        rows = self._of_seat.get(seat, [])
        index = bisect.bisect_right(self._starts.get(seat, []), at) - 1
        if index >= 0 and rows[index].start <= at < rows[index].end:
            return rows[index].user_id
        return None


async def operator_figures(
    session: AsyncSession, start: datetime, end: datetime, now: datetime
) -> list[OperatorFigures]:
    """Every operator who sat at a seat or logged an order in [start, end), by name."""
    until = max(start, min(end, now))
    t0, t1 = start.timestamp(), until.timestamp()
    sittings = await load_sittings(session, start, until)
    times = by_operator(spans(await load_changes(session, t0, t1), t0, t1), sittings, t0)
    index = _SittingIndex(sittings)
    c, o = CallRecord, WorkOrder
    talks: dict[int, list[float]] = {}
    answered = await session.execute(
        select(c.seat, c.answered_at, c.talk_s).where(
            c.queue_outcome == QUEUE_ANSWERED,
            c.seat.is_not(None),
            c.answered_at.is_not(None),
            c.started_at >= china_wall(start),
            c.started_at < china_wall(end),
        )
    )
    for seat, answered_at, talk in answered:
        user = index.user_at(seat or "", china(answered_at).timestamp()) if answered_at else None
        if user is not None:
            talks.setdefault(user, []).append(float(talk or 0))
    logged = await session.execute(
        select(o.created_by, func.count(), count_if(o.satisfaction.is_not(None)),
               count_if(o.satisfaction >= 4))
        .where(o.accepted_at >= china_wall(start), o.accepted_at < china_wall(end))
        .group_by(o.created_by)
    )  # fmt: skip
    by_name = {row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in logged}
    users = await session.execute(
        select(User.id, User.name).where(
            (User.id.in_(list(times))) | (User.name.in_(list(by_name)) & (User.role == "operator"))
        )
    )
    result: list[OperatorFigures] = []
    for user_id, name in users:
        orders, rated, satisfied = by_name.get(name, (0, 0, 0))
        taken = talks.get(user_id, [])
        result.append(
            OperatorFigures(
                user_id=user_id,
                name=name,
                calls=len(taken),
                average_talk_s=sum(taken) / len(taken) if taken else None,
                orders=orders,
                satisfaction_rate=satisfied / rated if rated else None,
                rated=rated,
                time=times.get(user_id, StateTime()),
            )
        )
    return sorted(result, key=lambda f: f.name)
