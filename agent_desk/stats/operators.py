"""Per-seat figures for a period and the live seat grid of the wallboard.

A seat's calls are the queued calls it answered (`queue_outcome = answered`, also those it
then transferred); its orders are the work orders linked to those calls (the desk links an
order to the call it was taken on); satisfaction is of those orders' callback reviews; its
time per state comes from routing's seat journal (`seat_time`). The live grid reads
routing's store: each seat's state and how long it has been in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Float, and_, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.orders.models import WorkOrder
from agent_desk.stats.queries import china_wall, count_if
from agent_desk.stats.seat_time import StateTime, by_seat, load_changes, spans
from ivr.call_records import QUEUE_ANSWERED, CallRecord
from routing import LiveStore, SitesConfig


@dataclass(frozen=True, slots=True)
class SeatFigures:
    """One seat's work over a period; averages and rates are None with nothing to divide."""

    seat: str
    calls: int
    average_talk_s: float | None
    average_wait_s: float | None  # the queue wait of the calls it answered
    transferred: int  # calls it put through to a department
    orders: int
    satisfaction_rate: float | None  # orders rated 4 or 5 ÷ orders rated
    rated: int
    time: StateTime | None = None  # seconds per state (seat_time); None: none journalled

    def to_json(self) -> dict[str, Any]:
        figures = {name: getattr(self, name) for name in self.__dataclass_fields__}
        return figures | {
            "average_wrap_up_s": None if self.time is None else self.time.average_wrap_up_s,
            "time": None if self.time is None else self.time.to_json(),
        }


async def seat_figures(
    session: AsyncSession, start: datetime, end: datetime, now: datetime | None
) -> dict[str, SeatFigures]:
    """Every seat that answered a call or changed state in [start, end), by seat id;
    time per state up to `now` (None: calls only)."""
    c, o = CallRecord, WorkOrder
    in_period = and_(
        c.queue_outcome == QUEUE_ANSWERED,
        c.seat.is_not(None),
        c.started_at >= china_wall(start),
        c.started_at < china_wall(end),
    )
    calls = (
        select(
            c.seat,
            func.count(),
            func.avg(cast(c.talk_s, Float)),
            func.avg(c.queue_wait_s),
            count_if(c.outcome == "transferred"),
        )
        .where(in_period)
        .group_by(c.seat)
    )
    orders = (
        select(
            c.seat,
            func.count(o.id),
            count_if(o.satisfaction.is_not(None)),
            count_if(o.satisfaction >= 4),
        )
        .join(o, and_(o.call_id == c.call_id, o.call_id != ""))
        .where(in_period)
        .group_by(c.seat)
    )
    linked = {
        row[0]: (int(row[1]), int(row[2]), int(row[3])) for row in await session.execute(orders)
    }
    result: dict[str, SeatFigures] = {}
    for seat, count, talk, wait, transferred in await session.execute(calls):
        logged, rated, satisfied = linked.get(seat, (0, 0, 0))
        result[seat] = SeatFigures(
            seat=seat,
            calls=int(count),
            average_talk_s=None if talk is None else float(talk),
            average_wait_s=None if wait is None else float(wait),
            transferred=int(transferred),
            orders=logged,
            satisfaction_rate=satisfied / rated if rated else None,
            rated=rated,
        )
    if now is None:
        return dict(sorted(result.items()))
    until = max(start, min(end, now))
    t0, t1 = start.timestamp(), until.timestamp()
    for seat, time in by_seat(spans(await load_changes(session, t0, t1), t0, t1), t0).items():
        figures = result.get(seat) or SeatFigures(seat, 0, None, None, 0, 0, None, 0)
        result[seat] = replace(figures, time=time)
    return dict(sorted(result.items()))


@dataclass(frozen=True, slots=True)
class SeatNow:
    """One seat on the wallboard grid."""

    seat: str
    site: str
    state: str
    in_state_s: float  # seconds in its current state
    calls_today: int


async def seat_grid(
    store: LiveStore, sites: SitesConfig, now: float, calls_today: Mapping[str, int]
) -> list[SeatNow]:
    """Every seat of every city, as routing's store has it at `now` (epoch seconds)."""
    grid: list[SeatNow] = []
    for site in sites.sites:
        for seat in await store.site_seats(site.id):
            current = seat.effective(now)
            grid.append(
                SeatNow(
                    seat=current.seat_id,
                    site=current.site,
                    state=current.state.value,
                    in_state_s=round(max(0.0, now - current.since), 1),
                    calls_today=calls_today.get(current.seat_id, 0),
                )
            )
    return sorted(grid, key=lambda s: (s.site, s.seat))
