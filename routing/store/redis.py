"""The Redis live store: seat presence, queues and checkpoints shared by many controllers.

Every key starts with one namespace in braces (`{hotline}` by default), so in a Redis
Cluster they all hash to one slot and the Lua scripts may touch any of them.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection
from typing import Any

from redis.asyncio import Redis

from base.clock import Clock
from routing.store import lua
from routing.store.base import (
    HANDLING_TIMES_KEPT,
    QueueEntry,
    SeatRecord,
    SeatState,
)


def _skills_text(skills: Collection[str]) -> str:
    # Bars on both sides let the Lua script test membership with a plain substring search.
    return "|" + "|".join(sorted(skills)) + "|"


def _text(value: bytes | str) -> str:
    # The client decodes responses, but its types still allow bytes.
    return value.decode() if isinstance(value, bytes) else value


def _record(flat: Any) -> SeatRecord:
    """A SeatRecord from HGETALL, as a dict or as the flat list a script returns."""
    fields: dict[str, str] = (
        dict(flat) if isinstance(flat, dict) else dict(zip(flat[::2], flat[1::2], strict=True))
    )
    return SeatRecord(
        seat_id=fields.get("seat_id", ""),
        site=fields["site"],
        skills=frozenset(skill for skill in fields["skills"].split("|") if skill),
        wrapup_s=float(fields["wrapup_s"]),
        state=SeatState(fields["state"]),
        since=float(fields["since"]),
        last_idle=float(fields["last_idle"]),
        call_id=fields.get("call_id") or None,
        reason=fields.get("reason", ""),
    )


class RedisStore:
    """Live state in Redis (redis.asyncio); safe to share between processes and cities."""

    def __init__(
        self, *, url: str, clock: Clock, namespace: str = "{hotline}", timeout_s: float = 2.0
    ) -> None:
        self._clock = clock
        # Short timeouts: a controller must notice quickly that Redis is gone and carry on.
        self._redis: Redis = Redis.from_url(
            url, decode_responses=True, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
        )
        self._ns = namespace
        self._claim = self._redis.register_script(lua.CLAIM)
        self._transition = self._redis.register_script(lua.TRANSITION)
        self._define = self._redis.register_script(lua.DEFINE)
        self._enqueue = self._redis.register_script(lua.ENQUEUE)
        self._dequeue = self._redis.register_script(lua.DEQUEUE)
        self._release = self._redis.register_script(lua.RELEASE)

    @property
    def redis(self) -> Redis:
        return self._redis

    def _key(self, *parts: str) -> str:
        return ":".join((self._ns, *parts))

    def _now(self) -> str:
        return f"{self._clock.now().timestamp():.6f}"

    async def _read_seat(self, seat_id: str) -> SeatRecord | None:
        fields = await self._redis.hgetall(self._key("seat", seat_id))
        if not fields:
            return None
        fields["seat_id"] = seat_id
        return _record(fields)

    async def define_seat(
        self, seat_id: str, *, site: str, skills: Collection[str], wrapup_s: float
    ) -> SeatRecord:
        flat = await self._define(
            keys=[self._key("seat", seat_id), self._key("site", site, "seats")],
            args=[seat_id, site, _skills_text(skills), repr(wrapup_s), self._now(),
                  self._key("site", "")],
        )  # fmt: skip
        return _record([*flat, "seat_id", seat_id]).effective(self._clock.now().timestamp())

    async def seat(self, seat_id: str) -> SeatRecord | None:
        record = await self._read_seat(seat_id)
        return None if record is None else record.effective(self._clock.now().timestamp())

    async def site_seats(self, site: str) -> list[SeatRecord]:
        members = await self._redis.smembers(self._key("site", site, "seats"))
        ids = sorted(_text(member) for member in members)
        async with self._redis.pipeline(transaction=False) as pipe:
            for seat_id in ids:
                pipe.hgetall(self._key("seat", seat_id))
            rows = await pipe.execute()
        now = self._clock.now().timestamp()
        return [
            _record({**row, "seat_id": seat_id}).effective(now)
            for seat_id, row in zip(ids, rows, strict=True)
            if row
        ]

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
        flat = await self._transition(
            keys=[self._key("seat", seat_id)],
            args=[self._now(), to.value, expect_call or "", call_id or "", reason,
                  *(state.value for state in allowed_from)],
        )  # fmt: skip
        return None if not flat else _record([*flat, "seat_id", seat_id])

    async def put_seat(self, record: SeatRecord) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(
                self._key("seat", record.seat_id),
                mapping={
                    "site": record.site,
                    "skills": _skills_text(record.skills),
                    "wrapup_s": repr(record.wrapup_s),
                    "state": record.state.value,
                    "since": f"{record.since:.6f}",
                    "last_idle": f"{record.last_idle:.6f}",
                    "call_id": record.call_id or "",
                    "reason": record.reason,
                },
            )
            pipe.sadd(self._key("site", record.site, "seats"), record.seat_id)
            await pipe.execute()

    async def claim_longest_idle_seat(
        self, site: str, call_id: str, skills: Collection[str] = ()
    ) -> str | None:
        seat = await self._claim(
            keys=[self._key("site", site, "seats"), self._key("assignments")],
            args=[self._key("seat", ""), call_id, self._now(), *sorted(skills)],
        )
        return str(seat) if seat else None

    async def assignment(self, call_id: str) -> str | None:
        seat = await self._redis.hget(self._key("assignments"), call_id)
        return None if seat is None else _text(seat)

    async def assign(self, call_id: str, seat_id: str) -> None:
        await self._redis.hset(self._key("assignments"), call_id, seat_id)

    async def release_assignment(self, call_id: str) -> str | None:
        seat = await self._release(keys=[self._key("assignments")], args=[call_id])
        return str(seat) if seat else None

    async def enqueue(self, entry: QueueEntry) -> None:
        await self._enqueue(
            keys=[self._key("entries"), self._key("queue", entry.site)],
            args=[entry.call_id, f"{entry.enqueued_at:.6f}", json.dumps(entry.to_json())],
        )

    async def dequeue(self, call_id: str) -> QueueEntry | None:
        raw = await self._dequeue(
            keys=[self._key("entries")], args=[call_id, self._key("queue", "")]
        )
        return QueueEntry.from_json(json.loads(raw)) if raw else None

    async def queue_entry(self, call_id: str) -> QueueEntry | None:
        raw = await self._redis.hget(self._key("entries"), call_id)
        return QueueEntry.from_json(json.loads(raw)) if raw else None

    async def queue_entries(self, site: str) -> list[QueueEntry]:
        members = await self._redis.zrange(self._key("queue", site), 0, -1)
        ids = [_text(member) for member in members if isinstance(member, str | bytes)]
        if not ids:
            return []
        raws = await self._redis.hmget(self._key("entries"), ids)
        entries = [QueueEntry.from_json(json.loads(raw)) for raw in raws if raw]
        return sorted(entries, key=lambda entry: (entry.enqueued_at, entry.call_id))

    async def increment(self, site: str, counter: str, by: int = 1) -> int:
        value: int = await self._redis.hincrby(self._key("counters", site), counter, by)
        return value

    async def counters(self, site: str) -> dict[str, int]:
        raw = await self._redis.hgetall(self._key("counters", site))
        return {_text(name): int(value) for name, value in raw.items()}

    async def record_handling_time(self, site: str, seconds: float) -> None:
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.lpush(self._key("handling", site), repr(seconds))
            pipe.ltrim(self._key("handling", site), 0, HANDLING_TIMES_KEPT - 1)
            await pipe.execute()

    async def handling_times(self, site: str) -> list[float]:
        raw = await self._redis.lrange(self._key("handling", site), 0, -1)
        return [float(value) for value in raw]

    async def save_checkpoint(self, call_id: str, state: dict[str, Any]) -> None:
        await self._redis.hset(self._key("checkpoints"), call_id, json.dumps(state))

    async def load_checkpoints(self) -> dict[str, dict[str, Any]]:
        raw = await self._redis.hgetall(self._key("checkpoints"))
        return {_text(call_id): json.loads(value) for call_id, value in raw.items()}

    async def delete_checkpoint(self, call_id: str) -> None:
        await self._redis.hdel(self._key("checkpoints"), call_id)

    async def epoch(self) -> str:
        """A token that changes when Redis loses its data (set here if missing)."""
        await self._redis.set(self._key("epoch"), uuid.uuid4().hex, nx=True)
        return await self.current_epoch() or ""

    async def current_epoch(self) -> str | None:
        value = await self._redis.get(self._key("epoch"))
        return None if value is None else _text(value)

    async def close(self) -> None:
        await self._redis.aclose()
