"""The live-state store interface: seat presence, queues, assignments, counters, checkpoints.

Every routing decision reads and writes live state through `LiveStore`, so one process can
keep it in memory and several controller processes (and cities) can share it in Redis.
Times are epoch seconds taken from a `base.clock.Clock`, so processes agree on them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, Protocol

HANDLING_TIMES_KEPT = 50  # recent handling times per site used to estimate the wait


class SeatState(StrEnum):
    """Where an operator seat is in its cycle (坐席状态)."""

    AVAILABLE = "available"
    RINGING = "ringing"
    ON_CALL = "on_call"
    WRAP_UP = "wrap_up"  # 话后处理: writing the order after a call; ends by itself
    BREAK = "break"
    OFFLINE = "offline"


@dataclass(frozen=True, slots=True)
class SeatRecord:
    """A seat's live presence. `last_idle` orders available seats: smallest rings first."""

    seat_id: str
    site: str
    skills: frozenset[str]
    wrapup_s: float
    state: SeatState
    since: float
    last_idle: float
    call_id: str | None = None
    reason: str = ""  # why it is offline or on break ("endpoint", "signed_out", ...)

    def effective(self, now: float) -> SeatRecord:
        """This record as of `now`: a wrap-up that has run out is an available seat.

        Computing it lazily from timestamps means no process needs a timer to end wrap-up.
        """
        if self.state is SeatState.WRAP_UP and now >= self.since + self.wrapup_s:
            ended = self.since + self.wrapup_s
            return replace(
                self, state=SeatState.AVAILABLE, since=ended, last_idle=ended, call_id=None
            )
        return self

    def can_take(self, skills: Collection[str]) -> bool:
        return self.state is SeatState.AVAILABLE and set(skills) <= self.skills


@dataclass(frozen=True, slots=True)
class QueueEntry:
    """A caller waiting for an operator in a site's queue."""

    call_id: str
    caller: str
    site: str  # the queue it waits in
    enqueued_at: float
    skills: frozenset[str] = frozenset()
    origin_site: str = ""  # the city the call came in to; "" means `site`
    hotline_number: str = ""

    @property
    def origin(self) -> str:
        return self.origin_site or self.site

    def to_json(self) -> dict[str, Any]:
        return {
            "call_id": self.call_id,
            "caller": self.caller,
            "site": self.site,
            "enqueued_at": self.enqueued_at,
            "skills": sorted(self.skills),
            "origin_site": self.origin_site,
            "hotline_number": self.hotline_number,
        }

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> QueueEntry:
        return cls(
            call_id=str(raw["call_id"]),
            caller=str(raw["caller"]),
            site=str(raw["site"]),
            enqueued_at=float(raw["enqueued_at"]),
            skills=frozenset(raw.get("skills", ())),
            origin_site=str(raw.get("origin_site", "")),
            hotline_number=str(raw.get("hotline_number", "")),
        )


def pick_longest_idle(seats: Iterable[SeatRecord], skills: Collection[str]) -> SeatRecord | None:
    """The available seat with every skill that has been idle longest (ties: seat id)."""
    candidates = [seat for seat in seats if seat.can_take(skills)]
    if not candidates:
        return None
    return min(candidates, key=lambda seat: (seat.last_idle, seat.seat_id))


class LiveStore(Protocol):
    """Live routing state, shared by every controller that uses the same store."""

    async def define_seat(
        self, seat_id: str, *, site: str, skills: Collection[str], wrapup_s: float
    ) -> SeatRecord:
        """Create the seat (offline) or update its site, skills and wrap-up; keeps its state."""
        ...

    async def seat(self, seat_id: str) -> SeatRecord | None:
        """The seat's effective record, or None if it was never defined."""
        ...

    async def site_seats(self, site: str) -> list[SeatRecord]:
        """Effective records of every seat of `site`, by seat id."""
        ...

    async def transition_seat(
        self,
        seat_id: str,
        to: SeatState,
        *,
        allowed_from: Collection[SeatState],
        expect_call: str | None = None,
        call_id: str | None = None,
        reason: str = "",
    ) -> SeatRecord | None:
        """Move the seat to `to` if its effective state is in `allowed_from` (and, when
        `expect_call` is given, it is busy with that call); None if it was not.

        Becoming available restarts the seat's idle time, so it rings after the others.
        """
        ...

    async def put_seat(self, record: SeatRecord) -> None:
        """Write a seat record as is (used to restore state after an outage)."""
        ...

    async def claim_longest_idle_seat(
        self, site: str, call_id: str, skills: Collection[str] = ()
    ) -> str | None:
        """Atomically pick the longest-idle available seat of `site` with `skills`, mark it
        ringing for `call_id` and assign it; None if no seat is free.

        No two calls ever get the same seat, whatever number of processes share the store.
        A call that already holds a seat gets that seat back.
        """
        ...

    async def assignment(self, call_id: str) -> str | None:
        """The seat the call holds (ringing or talking), if any."""
        ...

    async def assign(self, call_id: str, seat_id: str) -> None:
        """Record that the call holds the seat (used to restore state after an outage)."""
        ...

    async def release_assignment(self, call_id: str) -> str | None:
        """Forget the call's seat; returns the seat it held."""
        ...

    async def enqueue(self, entry: QueueEntry) -> None:
        """Add the caller to its site's queue; enqueuing the same call again changes nothing."""
        ...

    async def dequeue(self, call_id: str) -> QueueEntry | None:
        """Take the call out of whatever queue it is in; None if it was not queued."""
        ...

    async def queue_entry(self, call_id: str) -> QueueEntry | None: ...

    async def queue_entries(self, site: str) -> list[QueueEntry]:
        """The site's waiting callers, first come first."""
        ...

    async def increment(self, site: str, counter: str, by: int = 1) -> int:
        """Add to one of the site's counters (offered, overflowed_out, ...); the new value."""
        ...

    async def counters(self, site: str) -> dict[str, int]: ...

    async def record_handling_time(self, site: str, seconds: float) -> None:
        """Remember how long a call took at the site (the last few are kept)."""
        ...

    async def handling_times(self, site: str) -> list[float]:
        """The site's most recent handling times, newest first."""
        ...

    async def save_checkpoint(self, call_id: str, state: dict[str, Any]) -> None:
        """Keep a call's state (JSON-able) so another controller can take the call over."""
        ...

    async def load_checkpoints(self) -> dict[str, dict[str, Any]]: ...

    async def delete_checkpoint(self, call_id: str) -> None: ...

    async def close(self) -> None: ...
