"""The in-process live store: the embedded default, and the local view behind Redis.

Atomicity comes from asyncio itself: no method awaits between reading and writing, so
one event loop can never interleave two claims.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from dataclasses import replace
from typing import Any

import orjson

from base.clock import Clock
from routing.store.base import (
    HANDLING_TIMES_KEPT,
    QueueEntry,
    SeatRecord,
    SeatState,
    pick_longest_idle,
)


def apply_transition(
    record: SeatRecord, to: SeatState, *, now: float, call_id: str | None, reason: str
) -> SeatRecord:
    """The seat record after moving to `to` at `now` (shared with the Redis store's checks)."""
    last_idle = now if to is SeatState.AVAILABLE else record.last_idle
    keeps_call = to in (SeatState.RINGING, SeatState.ON_CALL)
    return replace(
        record,
        state=to,
        since=now,
        last_idle=last_idle,
        call_id=(call_id or record.call_id) if keeps_call else None,
        reason=reason,
    )


class InMemoryStore:
    """Live state in this process's memory."""

    def __init__(self, *, clock: Clock) -> None:
        self._clock = clock
        self._seats: dict[str, SeatRecord] = {}
        self._assignments: dict[str, str] = {}
        self._entries: dict[str, QueueEntry] = {}
        self._counters: dict[str, dict[str, int]] = {}
        self._handling: dict[str, deque[float]] = {}
        self._checkpoints: dict[str, bytes] = {}  # JSON

    def _now(self) -> float:
        return self._clock.now().timestamp()

    async def define_seat(
        self, seat_id: str, *, site: str, skills: Collection[str], wrapup_s: float
    ) -> SeatRecord:
        current = self._seats.get(seat_id)
        if current is None:
            now = self._now()
            current = SeatRecord(
                seat_id=seat_id,
                site=site,
                skills=frozenset(skills),
                wrapup_s=wrapup_s,
                state=SeatState.OFFLINE,
                since=now,
                last_idle=now,
            )
        else:
            current = replace(current, site=site, skills=frozenset(skills), wrapup_s=wrapup_s)
        self._seats[seat_id] = current
        return current.effective(self._now())

    async def seat(self, seat_id: str) -> SeatRecord | None:
        record = self._seats.get(seat_id)
        return None if record is None else record.effective(self._now())

    async def site_seats(self, site: str) -> list[SeatRecord]:
        now = self._now()
        return sorted(
            (record.effective(now) for record in self._seats.values() if record.site == site),
            key=lambda record: record.seat_id,
        )

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
        stored = self._seats.get(seat_id)
        if stored is None:
            return None
        now = self._now()
        record = stored.effective(now)
        if record.state not in allowed_from:
            return None
        if expect_call is not None and record.call_id != expect_call:
            return None
        updated = apply_transition(record, to, now=now, call_id=call_id, reason=reason)
        self._seats[seat_id] = updated
        return updated

    async def put_seat(self, record: SeatRecord) -> None:
        self._seats[record.seat_id] = record

    async def claim_longest_idle_seat(
        self, site: str, call_id: str, skills: Collection[str] = ()
    ) -> str | None:
        held = self._assignments.get(call_id)
        if held is not None:
            return held
        now = self._now()
        seats = (record.effective(now) for record in self._seats.values() if record.site == site)
        chosen = pick_longest_idle(seats, skills)
        if chosen is None:
            return None
        self._seats[chosen.seat_id] = apply_transition(
            chosen, SeatState.RINGING, now=now, call_id=call_id, reason=""
        )
        self._assignments[call_id] = chosen.seat_id
        return chosen.seat_id

    async def assignment(self, call_id: str) -> str | None:
        return self._assignments.get(call_id)

    async def assign(self, call_id: str, seat_id: str) -> None:
        self._assignments[call_id] = seat_id

    async def release_assignment(self, call_id: str) -> str | None:
        return self._assignments.pop(call_id, None)

    async def enqueue(self, entry: QueueEntry) -> None:
        self._entries.setdefault(entry.call_id, entry)

    async def dequeue(self, call_id: str) -> QueueEntry | None:
        return self._entries.pop(call_id, None)

    async def queue_entry(self, call_id: str) -> QueueEntry | None:
        return self._entries.get(call_id)

    async def queue_entries(self, site: str) -> list[QueueEntry]:
        waiting = [entry for entry in self._entries.values() if entry.site == site]
        return sorted(waiting, key=lambda entry: (entry.enqueued_at, entry.call_id))

    async def increment(self, site: str, counter: str, by: int = 1) -> int:
        counters = self._counters.setdefault(site, {})
        counters[counter] = counters.get(counter, 0) + by
        return counters[counter]

    async def counters(self, site: str) -> dict[str, int]:
        return dict(self._counters.get(site, {}))

    async def record_handling_time(self, site: str, seconds: float) -> None:
        kept = self._handling.setdefault(site, deque(maxlen=HANDLING_TIMES_KEPT))
        kept.appendleft(seconds)

    async def handling_times(self, site: str) -> list[float]:
        return list(self._handling.get(site, ()))

    async def save_checkpoint(self, call_id: str, state: dict[str, Any]) -> None:
        # Kept as JSON, as Redis keeps it: the caller mutating its dict later cannot change
        # the checkpoint, and what Redis would refuse is refused here too (and it is several
        # times cheaper than a deep copy, once per call's change).
        self._checkpoints[call_id] = orjson.dumps(state)

    async def load_checkpoints(self) -> dict[str, dict[str, Any]]:
        return {call_id: orjson.loads(state) for call_id, state in self._checkpoints.items()}

    async def delete_checkpoint(self, call_id: str) -> None:
        self._checkpoints.pop(call_id, None)

    async def close(self) -> None:
        return None

    # What the resilient store needs to push its local view back into Redis.
    def all_seats(self) -> list[SeatRecord]:
        return list(self._seats.values())

    def all_assignments(self) -> dict[str, str]:
        return dict(self._assignments)

    def all_entries(self) -> list[QueueEntry]:
        return list(self._entries.values())

    def replace_site_entries(self, site: str, entries: list[QueueEntry]) -> None:
        """Make the site's queue exactly `entries` (a fresh read from the shared store)."""
        for call_id in [c for c, entry in self._entries.items() if entry.site == site]:
            del self._entries[call_id]
        self._entries.update((entry.call_id, entry) for entry in entries)

    def replace_counters(self, site: str, counters: dict[str, int]) -> None:
        self._counters[site] = dict(counters)
