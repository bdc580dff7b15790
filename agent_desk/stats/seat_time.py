"""Time per state: how long each seat, and each operator at one, spent in every state.

Read from routing's seat journal (`seat_state_changes`, one row per change of presence)
and the desk's sittings (who sat at which seat, from when to when). A state lasts from its
change to the seat's next change, clipped to the period and to now. A wrap-up ends by
itself `wrapup_s` after it began, as the live store ends it: the rest until the next
change is available time. A seat's state before its first change is unknown and not
counted; the period starts in the state of the last change before it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.seat_occupants import SeatSitting
from agent_desk.stats.queries import china_wall
from agent_desk.timeutil import china
from routing import SeatState, SeatStateChange

STATES = tuple(state.value for state in SeatState)
WRAP_UP, OFFLINE, BREAK = SeatState.WRAP_UP.value, SeatState.OFFLINE.value, SeatState.BREAK.value
WORKING = (SeatState.ON_CALL.value, WRAP_UP)


@dataclass(frozen=True, slots=True)
class Change:
    seat: str
    state: str
    at: float
    wrapup_s: float = 0.0


@dataclass(frozen=True, slots=True)
class Span:
    """A seat in one state from `start` to `end`; `began` is when its change was made."""

    seat: str
    state: str
    start: float
    end: float
    began: float


@dataclass(frozen=True, slots=True)
class Sitting:
    user_id: int
    seat: str
    start: float
    end: float  # the period's end (or now) while still sitting


@dataclass(slots=True)
class StateTime:
    """Seconds in each state over a period, and how many wrap-ups began in it."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STATES, 0.0))
    wrap_ups: int = 0

    def add(self, state: str, seconds: float) -> None:
        self.seconds[state] += seconds

    @property
    def signed_in_s(self) -> float:
        return sum(s for state, s in self.seconds.items() if state != OFFLINE)

    @property
    def occupancy(self) -> float | None:
        """(on call + wrap-up) ÷ (signed in − break): the share of ready time spent working."""
        ready = self.signed_in_s - self.seconds[BREAK]
        return sum(self.seconds[s] for s in WORKING) / ready if ready > 0 else None

    @property
    def average_wrap_up_s(self) -> float | None:
        return self.seconds[WRAP_UP] / self.wrap_ups if self.wrap_ups else None

    def to_json(self) -> dict[str, Any]:
        return {
            "seconds": {state: round(s, 1) for state, s in self.seconds.items()},
            "signed_in_s": round(self.signed_in_s, 1),
            "occupancy": self.occupancy,
            "wrap_ups": self.wrap_ups,
            "average_wrap_up_s": self.average_wrap_up_s,
        }


def spans(changes: Iterable[Change], start: float, end: float) -> list[Span]:
    """The states of every seat within [start, end), from its changes in time order."""
    by_seat: dict[str, list[Change]] = {}
    for change in changes:
        by_seat.setdefault(change.seat, []).append(change)
    result: list[Span] = []
    for seat, seat_changes in by_seat.items():
        ordered = sorted(seat_changes, key=lambda c: c.at)
        for change, following in zip(ordered, [*ordered[1:], None], strict=True):
            until = min(end, following.at if following is not None else end)
            if change.state == WRAP_UP:
                wrap_end = min(until, change.at + change.wrapup_s)
                result += _clipped(seat, WRAP_UP, change.at, wrap_end, start, change.at)
                result += _clipped(seat, SeatState.AVAILABLE.value, wrap_end, until, start,
                                   change.at)  # fmt: skip
            else:
                result += _clipped(seat, change.state, change.at, until, start, change.at)
    return result


def _clipped(seat: str, state: str, a: float, b: float, start: float, began: float) -> list[Span]:
    a = max(a, start)
    return [Span(seat, state, a, b, began)] if b > a else []


def by_seat(all_spans: Iterable[Span], start: float) -> dict[str, StateTime]:
    result: dict[str, StateTime] = {}
    for span in all_spans:
        time = result.setdefault(span.seat, StateTime())
        time.add(span.state, span.end - span.start)
        if span.state == WRAP_UP and span.began >= start:
            time.wrap_ups += 1
    return dict(sorted(result.items()))


def by_operator(
    all_spans: Iterable[Span], sittings: Iterable[Sitting], start: float
) -> dict[int, StateTime]:
    """Each user's share of the seats' time: the part of each span within their sittings;
    a wrap-up counts for whoever sat there when it began."""
    of_seat: dict[str, list[Span]] = {}
    for span in all_spans:
        of_seat.setdefault(span.seat, []).append(span)
    result: dict[int, StateTime] = {}
    for sitting in sittings:
        time = result.setdefault(sitting.user_id, StateTime())
        for span in of_seat.get(sitting.seat, ()):
            overlap = min(span.end, sitting.end) - max(span.start, sitting.start)
            if overlap > 0:
                time.add(span.state, overlap)
            if (
                span.state == WRAP_UP
                and start <= span.began
                and (sitting.start <= span.began < sitting.end)
            ):
                time.wrap_ups += 1
    return result


async def load_changes(session: AsyncSession, start: float, end: float) -> list[Change]:
    """The changes within [start, end) and each seat's last one before `start`."""
    c = SeatStateChange
    last_before = select(func.max(c.id)).where(c.at < start).group_by(c.seat_id)
    rows = await session.execute(
        select(c.seat_id, c.state, c.at, c.wrapup_s).where(
            or_(and_(c.at >= start, c.at < end), c.id.in_(last_before.scalar_subquery()))
        )
    )
    return [Change(seat, state, at, wrapup_s) for seat, state, at, wrapup_s in rows]


async def load_sittings(session: AsyncSession, start: datetime, end: datetime) -> list[Sitting]:
    """Sittings overlapping [start, end), an open one ending at `end`."""
    s = SeatSitting
    rows = await session.execute(
        select(s.user_id, s.seat_id, s.started, s.ended).where(
            s.started < china_wall(end), or_(s.ended.is_(None), s.ended > china_wall(start))
        )
    )
    return [
        Sitting(user_id, seat, china(started).timestamp(),
                (china(ended) if ended is not None else end).timestamp())
        for user_id, seat, started, ended in rows
    ]  # fmt: skip
