"""Two controller processes sharing one Redis never give one seat two calls."""

from __future__ import annotations

import asyncio
import json
import sys

import pytest

from base.clock import SystemClock
from routing.store import RedisStore, SeatState
from tests.conftest import REPO_ROOT
from tests.routing.conftest import fresh_namespace

pytestmark = pytest.mark.redis
CLAIMS_PER_WORKER = 1500


async def test_two_processes_hammering_claims_never_share_a_seat(redis_url: str) -> None:
    namespace = fresh_namespace()
    store = RedisStore(url=redis_url, clock=SystemClock(), namespace=namespace)
    try:
        await compete(store, redis_url, namespace)
    finally:
        await store.close()


async def compete(store: RedisStore, redis_url: str, namespace: str) -> None:
    # Fewer seats than concurrent claimers, so the two processes really compete.
    for n in range(3):
        await store.define_seat(f"lj-{n:02d}", site="linjiang", skills=(), wrapup_s=0)
        await store.transition_seat(
            f"lj-{n:02d}", SeatState.AVAILABLE, allowed_from={SeatState.OFFLINE}
        )
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.routing.claim_worker",
            redis_url,
            namespace,
            name,
            str(CLAIMS_PER_WORKER),
            cwd=REPO_ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        for name in ("a", "b")
    ]
    await store.redis.rpush(f"{namespace}:go", "a", "b")
    outputs = await asyncio.wait_for(
        asyncio.gather(*(worker.communicate() for worker in workers)), timeout=90
    )
    summaries = [json.loads(stdout) for stdout, _ in outputs]
    assert [worker.returncode for worker in workers] == [0, 0]
    assert all(summary["overlaps"] == 0 for summary in summaries), summaries
    # Both processes got seats, and they did compete (some claims found every seat taken).
    assert all(summary["given"] > 100 for summary in summaries), summaries
    assert sum(summary["misses"] for summary in summaries) > 0, summaries
    seats = await store.site_seats("linjiang")
    assert {seat.state for seat in seats} == {SeatState.AVAILABLE}
