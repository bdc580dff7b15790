"""Redis with a local fallback: calls keep being routed while Redis is unreachable.

While Redis answers, every result is mirrored into an in-process store, so this process
always has a recent view. When Redis fails (connection refused, timeout), operations run
on that local view and each write is journaled. When Redis answers again the journal is
replayed; if Redis lost its data meanwhile (restarted without persistence: its epoch
token is gone), the whole local view is pushed instead — so nothing this process queued
is lost. During an outage two processes may each give the same seat a call: that is the
price of answering calls at all, and the replay logs every such conflict.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Collection
from typing import Any, TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from base.clock import Clock
from routing.store.base import LiveStore, QueueEntry, SeatRecord, SeatState
from routing.store.memory import InMemoryStore
from routing.store.redis import RedisStore

log = logging.getLogger(__name__)

T = TypeVar("T")
REDIS_DOWN = (RedisConnectionError, RedisTimeoutError, OSError)
Replay = Callable[[RedisStore], Awaitable[object]]


class ResilientStore:
    """A `LiveStore` on Redis that degrades to this process's own view during an outage."""

    def __init__(self, *, primary: RedisStore, clock: Clock, retry_every_s: float = 1.0) -> None:
        self._primary = primary
        self._local = InMemoryStore(clock=clock)
        self._clock = clock
        self._retry_every_s = retry_every_s
        self._journal: deque[Replay] = deque()
        self._down_at: float | None = None
        self._epoch: str | None = None
        self._epoch_checked_at = float("-inf")
        self._resync_lock = asyncio.Lock()

    @property
    def degraded(self) -> bool:
        """True while Redis is unreachable and the local view is used."""
        return self._down_at is not None

    @property
    def journal_length(self) -> int:
        return len(self._journal)

    async def _primary_usable(self) -> bool:
        now = self._clock.monotonic()
        if self._down_at is not None and now - self._down_at < self._retry_every_s:
            return False
        if self._down_at is None and now - self._epoch_checked_at < self._retry_every_s:
            return True
        async with self._resync_lock:
            try:
                await self._resync()
            except REDIS_DOWN as error:
                self._went_down(error)
                return False
        return True

    def _went_down(self, error: BaseException) -> None:
        if self._down_at is None:
            log.warning("redis unreachable, routing from the local view: %s", error)
        self._down_at = self._clock.monotonic()

    async def _resync(self) -> None:
        """Check Redis still holds our data; bring it up to date if it does not."""
        epoch = await self._primary.current_epoch()
        if self._epoch is not None and epoch != self._epoch:
            log.warning(
                "redis lost its data (epoch %s -> %s): pushing local view", self._epoch, epoch
            )
            await self._push_local_view()
            self._journal.clear()  # the local view already holds every journaled write
            self._epoch = await self._primary.epoch()
        elif self._epoch is None:
            self._epoch = await self._primary.epoch()
        while self._journal:
            await self._journal[0](self._primary)
            self._journal.popleft()  # only once applied: a failure keeps it for next time
        if self._down_at is not None:
            log.warning("redis back, state resynced")
        self._down_at = None
        self._epoch_checked_at = self._clock.monotonic()

    async def _push_local_view(self) -> None:
        for record in self._local.all_seats():
            current = await self._primary.seat(record.seat_id)
            if current is None or current.since <= record.since:
                await self._primary.put_seat(record)
        for call_id, seat_id in self._local.all_assignments().items():
            await self._primary.assign(call_id, seat_id)
        for entry in self._local.all_entries():
            await self._primary.enqueue(entry)
        for call_id, state in (await self._local.load_checkpoints()).items():
            await self._primary.save_checkpoint(call_id, state)

    async def _run(
        self,
        op: Callable[[LiveStore], Awaitable[T]],
        *,
        mirror: Callable[[T], Awaitable[object]] | None = None,
        replay: Callable[[T], Replay] | None = None,
    ) -> T:
        """Run `op` on Redis and mirror the result locally; on failure run it locally and
        journal `replay(result)` for Redis."""
        if await self._primary_usable():
            try:
                result = await op(self._primary)
            except REDIS_DOWN as error:
                self._went_down(error)
            else:
                if mirror is not None:
                    try:
                        await mirror(result)
                    except REDIS_DOWN as error:  # the write landed; only the mirror missed
                        self._went_down(error)
                return result
        result = await op(self._local)
        if replay is not None:
            self._journal.append(replay(result))
        return result

    async def _mirror_seat(self, record: SeatRecord | None) -> None:
        if record is not None:
            await self._local.put_seat(record)

    def _put_seat_later(self, record: SeatRecord | None) -> Replay:
        async def replay(primary: RedisStore) -> None:
            if record is not None:
                await primary.put_seat(record)

        return replay

    async def define_seat(
        self, seat_id: str, *, site: str, skills: Collection[str], wrapup_s: float
    ) -> SeatRecord:
        return await self._run(
            lambda s: s.define_seat(seat_id, site=site, skills=skills, wrapup_s=wrapup_s),
            mirror=self._mirror_seat,
            replay=self._put_seat_later,
        )

    async def seat(self, seat_id: str) -> SeatRecord | None:
        return await self._run(lambda s: s.seat(seat_id), mirror=self._mirror_seat)

    async def site_seats(self, site: str) -> list[SeatRecord]:
        async def mirror(records: list[SeatRecord]) -> None:
            for record in records:
                await self._local.put_seat(record)

        return await self._run(lambda s: s.site_seats(site), mirror=mirror)

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
        return await self._run(
            lambda s: s.transition_seat(
                seat_id, to, allowed_from=allowed_from, expect_call=expect_call,
                call_id=call_id, reason=reason,
            ),
            mirror=self._mirror_seat,
            replay=self._put_seat_later,
        )  # fmt: skip

    async def put_seat(self, record: SeatRecord) -> None:
        await self._run(
            lambda s: s.put_seat(record),
            mirror=lambda _: self._local.put_seat(record),
            replay=lambda _: self._put_seat_later(record),
        )

    async def claim_longest_idle_seat(
        self, site: str, call_id: str, skills: Collection[str] = ()
    ) -> str | None:
        async def mirror(seat_id: str | None) -> None:
            if seat_id is not None:
                await self._local.assign(call_id, seat_id)
                await self._mirror_seat(await self._primary.seat(seat_id))

        def replay(seat_id: str | None) -> Replay:
            async def claim_again(primary: RedisStore) -> None:
                if seat_id is None:
                    return
                # Redis decides: the seat is ours only if nobody took it meanwhile.
                taken = await primary.transition_seat(
                    seat_id, SeatState.RINGING, allowed_from={SeatState.AVAILABLE},
                    call_id=call_id,
                )  # fmt: skip
                if taken is None:
                    log.warning(
                        "%s: seat %s was claimed elsewhere during the outage", call_id, seat_id
                    )
                await primary.assign(call_id, seat_id)

            return claim_again

        return await self._run(
            lambda s: s.claim_longest_idle_seat(site, call_id, skills), mirror=mirror, replay=replay
        )

    async def assignment(self, call_id: str) -> str | None:
        return await self._run(lambda s: s.assignment(call_id))

    async def assign(self, call_id: str, seat_id: str) -> None:
        await self._run(
            lambda s: s.assign(call_id, seat_id),
            mirror=lambda _: self._local.assign(call_id, seat_id),
            replay=lambda _: lambda primary: primary.assign(call_id, seat_id),
        )

    async def release_assignment(self, call_id: str) -> str | None:
        return await self._run(
            lambda s: s.release_assignment(call_id),
            mirror=lambda _: self._local.release_assignment(call_id),
            replay=lambda _: lambda primary: primary.release_assignment(call_id),
        )

    async def enqueue(self, entry: QueueEntry) -> None:
        await self._run(
            lambda s: s.enqueue(entry),
            mirror=lambda _: self._local.enqueue(entry),
            replay=lambda _: lambda primary: primary.enqueue(entry),
        )

    async def dequeue(self, call_id: str) -> QueueEntry | None:
        return await self._run(
            lambda s: s.dequeue(call_id),
            mirror=lambda _: self._local.dequeue(call_id),
            replay=lambda _: lambda primary: primary.dequeue(call_id),
        )

    async def queue_entry(self, call_id: str) -> QueueEntry | None:
        return await self._run(lambda s: s.queue_entry(call_id))

    async def queue_entries(self, site: str) -> list[QueueEntry]:
        async def mirror(entries: list[QueueEntry]) -> None:
            self._local.replace_site_entries(site, entries)

        return await self._run(lambda s: s.queue_entries(site), mirror=mirror)

    async def increment(self, site: str, counter: str, by: int = 1) -> int:
        return await self._run(
            lambda s: s.increment(site, counter, by),
            replay=lambda _: lambda primary: primary.increment(site, counter, by),
        )

    async def counters(self, site: str) -> dict[str, int]:
        async def mirror(counters: dict[str, int]) -> None:
            self._local.replace_counters(site, counters)

        return await self._run(lambda s: s.counters(site), mirror=mirror)

    async def record_handling_time(self, site: str, seconds: float) -> None:
        await self._run(
            lambda s: s.record_handling_time(site, seconds),
            mirror=lambda _: self._local.record_handling_time(site, seconds),
            replay=lambda _: lambda primary: primary.record_handling_time(site, seconds),
        )

    async def handling_times(self, site: str) -> list[float]:
        return await self._run(lambda s: s.handling_times(site))

    async def save_checkpoint(self, call_id: str, state: dict[str, Any]) -> None:
        await self._run(
            lambda s: s.save_checkpoint(call_id, state),
            mirror=lambda _: self._local.save_checkpoint(call_id, state),
            replay=lambda _: lambda primary: primary.save_checkpoint(call_id, state),
        )

    async def load_checkpoints(self) -> dict[str, dict[str, Any]]:
        return await self._run(lambda s: s.load_checkpoints())

    async def delete_checkpoint(self, call_id: str) -> None:
        await self._run(
            lambda s: s.delete_checkpoint(call_id),
            mirror=lambda _: self._local.delete_checkpoint(call_id),
            replay=lambda _: lambda primary: primary.delete_checkpoint(call_id),
        )

    async def close(self) -> None:
        await self._primary.close()
