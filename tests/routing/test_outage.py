"""Redis outage: routing goes on from the local view, and Redis is resynced when it returns.

The test really stops redis-server mid-test and starts a new, empty one on the same port.
"""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

from base.clock import ScaledClock
from routing.presence import Presence
from routing.queue import OperatorQueue, QueuedCall
from routing.sites import load_sites
from routing.store import RedisStore, SeatState
from routing.store.resilient import ResilientStore
from tests.routing.conftest import fresh_namespace
from tests.servers import redis_server

pytestmark = pytest.mark.redis


def start_redis_on(port: int, workdir: str) -> subprocess.Popen[bytes]:
    """A new redis-server on a port the first one used (it starts empty: no persistence)."""
    binary = shutil.which("redis-server")
    assert binary is not None
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", workdir],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not restart")


def is_degraded(store: ResilientStore) -> bool:
    # A function, not the property, so the type checker does not pin its value.
    return store.degraded


def call(n: int) -> QueuedCall:
    return QueuedCall(call_id=f"call-{n}", caller=f"1380000{n:04d}", site="baisha")


async def test_routing_survives_a_redis_restart_and_loses_no_queued_caller(
    clock: ScaledClock,
) -> None:
    namespace = fresh_namespace()
    sites = load_sites()
    with redis_server() as (url, process, port):
        store = ResilientStore(
            primary=RedisStore(url=url, clock=clock, namespace=namespace, timeout_s=0.5),
            clock=clock,
            retry_every_s=0.05,
        )
        presence = Presence(store=store, sites=sites)
        queue = OperatorQueue(store=store, sites=sites, clock=clock)
        await presence.define_seats()
        for seat_id in ("bs-01", "bs-02", "bs-03", "bs-04"):
            await presence.sign_in(seat_id)
        for n in (1, 2, 3):
            await queue.enqueue(call(n))
        first = await queue.next_offer("call-1")
        assert first is not None
        assert not is_degraded(store)

        process.terminate()
        process.wait(timeout=10)

        # Redis is gone: callers still queue and seats still ring, from the local view.
        for n in (4, 5, 6):
            await queue.enqueue(call(n))
        second = await queue.next_offer("call-2")
        third = await queue.next_offer("call-3")
        assert second is not None
        assert third is not None
        assert is_degraded(store)
        assert len({first.seat_id, second.seat_id, third.seat_id}) == 3
        await queue.answered("call-2", second.seat_id)
        assert await queue.position("call-6") == 5
        assert store.journal_length > 0

        restarted = start_redis_on(port, tempfile.mkdtemp(prefix="hotline-redis-"))
        try:
            await asyncio.sleep(0.1)  # past the retry interval
            assert await queue.position("call-4") == 3  # this call notices Redis is back
            assert not is_degraded(store)
            assert store.journal_length == 0

            # Another controller reading Redis directly sees everything this one knew.
            other = RedisStore(url=url, clock=clock, namespace=namespace)
            try:
                waiting = [entry.call_id for entry in await other.queue_entries("baisha")]
                assert waiting == ["call-1", "call-3", "call-4", "call-5", "call-6"]
                assert await other.assignment("call-2") == second.seat_id
                seat = await other.seat(second.seat_id)
                assert seat is not None
                assert (seat.state, seat.call_id) == (SeatState.ON_CALL, "call-2")
                # The one seat nobody holds is the only one another controller can claim.
                free = ({"bs-01", "bs-02", "bs-03", "bs-04"}
                        - {first.seat_id, second.seat_id, third.seat_id})  # fmt: skip
                assert await other.claim_longest_idle_seat("baisha", "elsewhere-1") in free
                assert await other.claim_longest_idle_seat("baisha", "elsewhere-2") is None
            finally:
                await other.close()
            await store.close()
        finally:
            restarted.terminate()
            restarted.wait(timeout=10)
