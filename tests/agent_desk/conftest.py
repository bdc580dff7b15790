"""Fixtures of the agent desk tests: a settable clock and the desk's services on a real database."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.auth import AuthService, Passwords
from agent_desk.notifier import Notifier
from agent_desk.orders import DeadlinePolicy, DeadlineTable, OrderService
from hotline.clock import CHINA_TZ
from hotline.workdays import WorkingCalendar

START = datetime(2026, 11, 24, 9, 30, tzinfo=CHINA_TZ)  # a Tuesday


class SteppedClock:
    """A clock that stands still until a test moves it."""

    def __init__(self, start: datetime = START) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self.current.timestamp()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(0)

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


def fast_passwords() -> Passwords:
    # Cheap parameters: the tests check behaviour, not the hash's cost.
    return Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def clock() -> SteppedClock:
    return SteppedClock()


@pytest.fixture
def notifier() -> Notifier:
    return Notifier()


@pytest.fixture
def orders(
    sessions: async_sessionmaker[AsyncSession], clock: SteppedClock, notifier: Notifier
) -> OrderService:
    policy = DeadlinePolicy(table=DeadlineTable(), calendar=WorkingCalendar())
    return OrderService(sessions=sessions, clock=clock, deadlines=policy, notifier=notifier)


@pytest.fixture
def auth(sessions: async_sessionmaker[AsyncSession], clock: SteppedClock) -> AuthService:
    return AuthService(sessions=sessions, clock=clock, passwords=fast_passwords())
