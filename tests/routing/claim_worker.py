"""A controller stand-in for the two-process test: claims seats from a shared Redis in a loop.

Run as `python -m tests.routing.claim_worker URL NAMESPACE WORKER CLAIMS`. While it holds
a seat it adds its call to a per-seat holder set; if that set ever has two members, two
calls held one seat at once. Prints a JSON summary.
"""

from __future__ import annotations

import asyncio
import json
import sys

from base.clock import SystemClock
from routing.store import RedisStore, SeatState

TASKS = 4  # concurrent callers per process, like the call tasks of one controller


async def run(url: str, namespace: str, worker: str, claims: int) -> dict[str, int]:
    store = RedisStore(url=url, clock=SystemClock(), namespace=namespace)
    # Start both workers together: the test pushes one token per worker.
    await store.redis.blpop([f"{namespace}:go"], timeout=30)
    results = await asyncio.gather(
        *(claim_loop(store, namespace, f"{worker}{task}", claims // TASKS) for task in range(TASKS))
    )
    await store.close()
    return {name: sum(result[name] for result in results) for name in results[0]}


async def claim_loop(store: RedisStore, namespace: str, caller: str, claims: int) -> dict[str, int]:
    redis = store.redis
    given = misses = overlaps = 0
    for n in range(claims):
        call_id = f"{caller}-{n}"
        seat = await store.claim_longest_idle_seat("linjiang", call_id)
        if seat is None:
            misses += 1
            continue
        given += 1
        holders = f"{namespace}:holders:{seat}"
        await redis.sadd(holders, call_id)
        if await redis.scard(holders) != 1:
            overlaps += 1
        await asyncio.sleep(0.0005)  # hold the seat a moment, so overlaps would show
        await redis.srem(holders, call_id)
        released = await store.transition_seat(
            seat, SeatState.AVAILABLE, allowed_from={SeatState.RINGING}, expect_call=call_id
        )
        if released is None:  # someone else changed our seat: also a double assignment
            overlaps += 1
        await store.release_assignment(call_id)
    return {"given": given, "misses": misses, "overlaps": overlaps}


if __name__ == "__main__":
    url, namespace, worker, claims = sys.argv[1:5]
    print(json.dumps(asyncio.run(run(url, namespace, worker, int(claims)))))
