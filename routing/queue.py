"""The operator queue (ACD): who waits, which seat rings next, and what happened.

The IVR controller executes; this service decides. For one queued call the controller
calls `enqueue`, then `next_offer` whenever it may ring a seat (at once, then every few
seconds while the caller hears hold music, and after a ring timeout), then `answered`
or `ring_timed_out`, and at the end `finished` or `abandoned`.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Collection
from dataclasses import dataclass, field

from base.clock import Clock
from base.errors import NotFound
from routing.overflow import NeighbourLoad, OverflowPolicy, SiteLoad
from routing.seat_journal import SeatJournal, noted
from routing.sites import SitesConfig
from routing.store.base import LiveStore, QueueEntry, SeatRecord, SeatState

log = logging.getLogger(__name__)

DEFAULT_HANDLING_S = 180.0  # until a site has handled calls, assume three minutes each
OFFERED, SENT_AWAY, TAKEN_IN = "offered", "overflowed_out", "overflowed_in"


class NotQueued(NotFound):
    code = "call-not-queued"


@dataclass(frozen=True, slots=True)
class QueuedCall:
    """A caller asking for an operator at a site."""

    call_id: str
    caller: str
    site: str
    hotline_number: str = ""
    skills: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Offer:
    """A seat to ring now for a queued call."""

    call_id: str
    seat_id: str
    endpoint: str
    seat_site: str
    origin_site: str
    overflow_to: str | None  # the neighbour's site id when the call overflowed

    @property
    def overflowed(self) -> bool:
        return self.overflow_to is not None


@dataclass(frozen=True, slots=True)
class Connected:
    """A queued call answered by an operator; what the call record needs."""

    offer: Offer
    queue_wait_s: float


class OperatorQueue:
    """Queue, offer, answer and release, over the live store."""

    def __init__(
        self,
        *,
        store: LiveStore,
        sites: SitesConfig,
        clock: Clock,
        policy: OverflowPolicy | None = None,
        journal: SeatJournal | None = None,
    ) -> None:
        self._store = store
        self._sites = sites
        self._clock = clock
        self._policy = policy or OverflowPolicy()
        self._journal = journal

    def _noted(self, record: SeatRecord | None) -> SeatRecord | None:
        return noted(self._journal, record)

    def _rings(self, seat_id: str, site: str, call_id: str) -> None:
        if self._journal is not None:
            self._journal.note_ringing(seat_id, site=site, call_id=call_id, at=self._now())

    def _now(self) -> float:
        return self._clock.now().timestamp()

    def _today(self, name: str) -> str:
        # Daily counters: the share of calls sent away is judged per day.
        return f"{name}:{self._clock.now().date().isoformat()}"

    async def _entry(self, call_id: str) -> QueueEntry:
        entry = await self._store.queue_entry(call_id)
        if entry is None:
            raise NotQueued(f"call {call_id} is not queued", details={"call": call_id})
        return entry

    async def enqueue(self, call: QueuedCall) -> QueueEntry:
        self._sites.site(call.site)  # an unknown site is a wiring mistake: fail loudly
        entry = QueueEntry(
            call_id=call.call_id,
            caller=call.caller,
            site=call.site,
            enqueued_at=self._now(),
            skills=call.skills,
            origin_site=call.site,
            hotline_number=call.hotline_number,
        )
        if await self._store.queue_entry(call.call_id) is None:
            await self._store.enqueue(entry)
            await self._store.increment(call.site, self._today(OFFERED))
        log.info("%s: queued at %s for %s", call.call_id, call.site, sorted(call.skills) or "-")
        return entry

    async def position(self, call_id: str) -> int:
        """1 for the caller who will be served next."""
        entry = await self._entry(call_id)
        waiting = await self._store.queue_entries(entry.site)
        return next(i for i, other in enumerate(waiting, 1) if other.call_id == call_id)

    async def expected_wait_s(self, site: str, call_id: str | None = None) -> float:
        """Rough wait: mean recent handling time x callers ahead / seats signed in."""
        times = await self._store.handling_times(site)
        handling = sum(times) / len(times) if times else DEFAULT_HANDLING_S
        ahead = (
            await self.position(call_id) - 1
            if call_id
            else len(await self._store.queue_entries(site))
        )
        seats = await self._store.site_seats(site)
        staffed = sum(1 for seat in seats if seat.state not in (SeatState.OFFLINE, SeatState.BREAK))
        if self._free(seats, ()) > ahead:
            return 0.0
        return handling * math.ceil((ahead + 1) / max(staffed, 1))

    @staticmethod
    def _free(seats: list[SeatRecord], skills: Collection[str]) -> int:
        return sum(1 for seat in seats if seat.can_take(skills))

    def _offer(self, entry: QueueEntry, seat_id: str) -> Offer:
        seat_site = self._sites.site_of_seat(seat_id)
        return Offer(
            call_id=entry.call_id,
            seat_id=seat_id,
            endpoint=self._sites.seat(seat_id).endpoint,
            seat_site=seat_site.id,
            origin_site=entry.origin,
            overflow_to=None if seat_site.id == entry.site else seat_site.id,
        )

    async def next_offer(self, call_id: str) -> Offer | None:
        """The seat to ring now, claimed for this call; None means keep waiting."""
        entry = await self._entry(call_id)
        held = await self._store.assignment(call_id)
        if held is not None:
            return self._offer(entry, held)
        waiting = await self._store.queue_entries(entry.site)
        seats = await self._store.site_seats(entry.site)
        # Callers ahead come first: ring only if there are free seats for each of them
        # that is not already being offered a seat (a ringing seat carries its call id).
        ringing = {seat.call_id for seat in seats if seat.state is SeatState.RINGING}
        index = next(i for i, other in enumerate(waiting) if other.call_id == call_id)
        position = 1 + sum(1 for other in waiting[:index] if other.call_id not in ringing)
        if position <= self._free(seats, entry.skills):
            seat = await self._store.claim_longest_idle_seat(entry.site, call_id, entry.skills)
            if seat is not None:
                self._rings(seat, entry.site, call_id)
                log.info("%s: offer seat %s at %s", call_id, seat, entry.site)
                return self._offer(entry, seat)
        return await self._overflow(entry, waiting, position)

    async def _overflow(
        self, entry: QueueEntry, waiting: list[QueueEntry], position: int
    ) -> Offer | None:
        counters = await self._store.counters(entry.site)
        load = SiteLoad(
            longest_wait_s=self._now() - waiting[0].enqueued_at,
            queue_length=len(waiting),
            offered_today=counters.get(self._today(OFFERED), 0),
            sent_away_today=counters.get(self._today(SENT_AWAY), 0),
        )
        neighbours: list[NeighbourLoad] = []
        for neighbour in self._sites.site(entry.site).neighbours:
            seats = await self._store.site_seats(neighbour.site)
            queue = await self._store.queue_entries(neighbour.site)
            free = self._free(seats, entry.skills)
            # Overflow goes oldest-first too: a caller takes a neighbour seat only if
            # every caller ahead of it could have one.
            neighbours.append(
                NeighbourLoad(
                    neighbour=neighbour, free_seats=free - position + 1, queue_length=len(queue)
                )
            )
        for target in self._policy.targets(load, neighbours):
            seat = await self._store.claim_longest_idle_seat(target, entry.call_id, entry.skills)
            if seat is not None:
                self._rings(seat, target, entry.call_id)
                await self._store.increment(entry.site, self._today(SENT_AWAY))
                await self._store.increment(target, self._today(TAKEN_IN))
                log.info(
                    "%s: overflow from %s to %s seat %s", entry.call_id, entry.site, target, seat
                )
                return self._offer(entry, seat)
        return None

    async def ring_timed_out(self, call_id: str, seat_id: str) -> None:
        """The seat did not answer: it goes back, behind the other idle seats."""
        self._noted(
            await self._store.transition_seat(
                seat_id, SeatState.AVAILABLE, allowed_from={SeatState.RINGING}, expect_call=call_id
            )
        )
        if await self._store.assignment(call_id) == seat_id:
            await self._store.release_assignment(call_id)
        log.info("%s: seat %s did not answer", call_id, seat_id)

    async def answered(self, call_id: str, seat_id: str) -> Connected:
        entry = await self._entry(call_id)
        offer = self._offer(entry, seat_id)
        moved = self._noted(
            await self._store.transition_seat(
                seat_id, SeatState.ON_CALL, allowed_from={SeatState.RINGING}, expect_call=call_id
            )
        )
        if moved is None:
            log.warning("%s: seat %s answered but was not ringing for it", call_id, seat_id)
        await self._store.dequeue(call_id)
        await self._store.assign(call_id, seat_id)
        wait = self._now() - entry.enqueued_at
        log.info("%s: answered by %s after %.1f s", call_id, seat_id, wait)
        return Connected(offer=offer, queue_wait_s=wait)

    async def abandoned(self, call_id: str) -> QueueEntry | None:
        """The caller hung up (or chose voicemail or a callback) while queued; returns its
        queue entry for the callback list. After an answer this is the same as `finished`."""
        entry = await self._store.dequeue(call_id)
        if entry is None:
            await self.finished(call_id)
            return None
        seat = await self._store.release_assignment(call_id)
        if seat is not None:
            self._noted(
                await self._store.transition_seat(
                    seat, SeatState.AVAILABLE, allowed_from={SeatState.RINGING}, expect_call=call_id
                )
            )
        log.info("%s: left the queue (seat ringing: %s)", call_id, seat or "-")
        return entry

    async def finished(self, call_id: str) -> SeatRecord | None:
        """The operator's call ended: the seat goes to wrap-up and its time is recorded."""
        seat_id = await self._store.release_assignment(call_id)
        if seat_id is None:
            return None
        current = await self._store.seat(seat_id)
        moved = self._noted(
            await self._store.transition_seat(
                seat_id, SeatState.WRAP_UP, allowed_from={SeatState.ON_CALL}, expect_call=call_id
            )
        )
        if moved is not None and current is not None:
            await self._store.record_handling_time(moved.site, self._now() - current.since)
        return moved
