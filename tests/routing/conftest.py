"""Fixtures of the routing tests: a real redis-server, and a store of each kind."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta

import pytest

from base.clock import CHINA_TZ, ScaledClock
from routing.store import InMemoryStore, LiveStore, RedisStore
from routing.store.resilient import ResilientStore
from tests.servers import redis_server

START = datetime(2026, 3, 2, 9, 0, tzinfo=CHINA_TZ)
_namespaces = itertools.count()


def advance(clock: ScaledClock, seconds: float) -> None:
    """Jump the clock forward, as if `seconds` had passed."""
    clock.set(start=clock.now() + timedelta(seconds=seconds))


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with redis_server() as (url, _process, _port):
        yield url


@pytest.fixture
def clock() -> ScaledClock:
    return ScaledClock(start=START)


def fresh_namespace() -> str:
    # Each test gets its own keys, so tests sharing one redis-server never see each other.
    return f"{{test-{next(_namespaces)}}}"


@pytest.fixture(
    params=[
        "memory",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("resilient", marks=pytest.mark.redis),
    ]
)
async def store(request: pytest.FixtureRequest, clock: ScaledClock) -> AsyncIterator[LiveStore]:
    live: LiveStore
    if request.param == "memory":
        live = InMemoryStore(clock=clock)
    else:
        url: str = request.getfixturevalue("redis_url")
        live = RedisStore(url=url, clock=clock, namespace=fresh_namespace())
        if request.param == "resilient":
            live = ResilientStore(primary=live, clock=clock)
    try:
        yield live
    finally:
        await live.close()
