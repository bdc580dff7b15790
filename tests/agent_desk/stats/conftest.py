"""A small hand-made month for the statistics tests: every KPI can be worked out on paper."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import build_desk_app
from agent_desk.desk import DESK
from agent_desk.orders.models import WorkOrder
from agent_desk.stats.http import LIVE_SOURCE, stats_routes
from agent_desk.stats.live import RoutingLiveSource
from base.clock import CHINA_TZ
from base.config import Settings
from base.workdays import WorkingCalendar
from directory import DirectoryRepository, DirectoryService, import_csv
from ivr.call_records import CallRecord
from routing import InMemoryStore, Presence, QueueEntry, load_sites
from routing.models import CallbackRequest
from tests.agent_desk.conftest import PASSWORD, SAMPLE_DIRECTORY, USERS, fast_passwords
from tests.ivr.flow.conftest import prompt_cache
from voicemail.models import Voicemail

__all__ = ["prompt_cache"]  # the placed-call tests share the flow tests' prompt cache

DAY = date(2026, 9, 10)
NOW = datetime(2026, 9, 20, 9, 0, tzinfo=CHINA_TZ)
DEPT_A, DEPT_B = "linjiang.gongan", "linjiang.shebao"


class FixedClock:
    def __init__(self, now: datetime = NOW) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def monotonic(self) -> float:
        return self.current.timestamp()

    async def sleep(self, seconds: float) -> None:
        return None


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA_TZ)


def call(n: int, started: datetime, outcome: str, **fields: Any) -> CallRecord:
    values: dict[str, Any] = {
        "call_id": f"c{n}", "channel_id": f"ch{n}", "hotline_number": "12345",
        "caller_number": f"1380000{n:04d}", "site": "linjiang", "started_at": started,
        "answered_at": started + timedelta(seconds=1), "ended_at": started + timedelta(minutes=3),
        "outcome": outcome, "dials": [], "steps": [],
    }  # fmt: skip
    values.update(fields)
    return CallRecord(**values)


def voicemail(due: date, handled: datetime | None, *, empty: bool = False) -> Voicemail:
    return Voicemail(
        mailbox=DEPT_B, department_code=DEPT_B, caller_number="13900000001",
        hotline_number="12345", call_id="c7", recorded_at=at(11), duration_s=10.0,
        reason="noanswer", empty=empty, reply_due=due, handled_at=handled,
    )  # fmt: skip


def order(n: int, status: str, due: date, **fields: Any) -> WorkOrder:
    values: dict[str, Any] = {
        "number": f"T{n:04d}", "order_type": "consultation", "status": status,
        "subject": f"order {n}", "department_code": DEPT_A, "accepted_at": at(9, 30),
        "due_date": due, "created_by": "op1", "updated_at": at(9, 30), "hotline_number": "12345",
    }  # fmt: skip
    values.update(fields)
    return WorkOrder(**values)


def small_month() -> list[Any]:
    """Nine calls, five voicemails, seven orders, two callback entries (see test_kpis.py)."""
    sep = date(2026, 9, 13)
    return [
        call(1, at(9, 5), "info_given", department_code=DEPT_A),
        call(2, at(9, 10), "operator", queue_wait_s=10.0, talk_s=100, seat="lj-01",
             queue_outcome="answered", call_wait_s=14.0),
        call(3, at(10, 0), "operator", queue_wait_s=20.0, talk_s=200, seat="qs-01",
             site="qingshan", hotline_number="114", overflow_to="qingshan",
             queue_outcome="answered", call_wait_s=24.0, overflowed=True),
        call(4, at(10, 5), "abandoned", queue_wait_s=3.0,
             queue_outcome="abandoned"),  # a short abandon
        call(5, at(10, 10), "abandoned", queue_wait_s=30.0, queue_outcome="abandoned"),
        call(6, at(10, 20), "transferred", department_code=DEPT_A, caller_number="13911112222",
             transfer_attempted=True, transfer_bridged=True, talk_s=60,
             dials=[{"endpoint": "PJSIP/a-1", "dialstatus": "ANSWER"}]),
        call(7, at(11, 0), "voicemail", department_code=DEPT_B, caller_number="13911112222",
             transfer_attempted=True,
             dials=[{"endpoint": "PJSIP/b-1", "dialstatus": "NOANSWER"},
                    {"endpoint": "PJSIP/b-2", "dialstatus": "BUSY"}]),
        call(8, at(11, 30), "abandoned", reason="hangup_in_menu"),
        call(9, at(12, 0), "failed", answered_at=None),
        voicemail(date(2026, 9, 15), at(10, day=date(2026, 9, 14))),  # on time
        voicemail(date(2026, 9, 15), at(10, day=date(2026, 9, 16))),  # late
        voicemail(date(2026, 9, 15), None),  # overdue, unreplied
        voicemail(date(2026, 9, 25), None),  # still within its deadline
        voicemail(date(2026, 9, 15), None, empty=True),  # silence: not a message
        order(1, "closed", sep, replied_at=at(15, day=date(2026, 9, 12)), satisfaction=5,
              closed_at=at(9, day=date(2026, 9, 14))),
        order(2, "replied", sep, replied_at=at(15, day=date(2026, 9, 15)), redo_count=1),
        order(3, "in_progress", sep),
        order(4, "dispatched", date(2026, 9, 30), department_code=DEPT_B),
        order(5, "not_accepted", sep, not_accepted_reason="litigation", referral="court"),
        order(6, "archived", sep, not_accepted_reason="duplicate", referral="-"),
        order(7, "closed", sep, replied_at=at(15, day=date(2026, 9, 11)), satisfaction=3,
              closed_at=at(9, day=date(2026, 9, 12))),
        CallbackRequest(caller_number="13800000005", day=DAY, site="linjiang",
                        hotline_number="12345", first_at=at(10, 10), last_at=at(10, 10),
                        status="done"),
        CallbackRequest(caller_number="13800000004", day=DAY, site="linjiang",
                        hotline_number="12345", first_at=at(10, 5), last_at=at(10, 5)),
    ]  # fmt: skip


@dataclass
class Month:
    sessions: async_sessionmaker[AsyncSession]
    clock: FixedClock


@pytest.fixture
async def month(sessions: async_sessionmaker[AsyncSession]) -> Month:
    async with sessions.begin() as session:
        session.add_all(small_month())
    return Month(sessions, FixedClock())


# --- the desk app with the statistics routes, on the hand-made month ------------------------


@dataclass
class StatsHarness:
    client: TestClient[web.Request, web.Application]
    month: Month
    store: InMemoryStore

    async def get(self, path: str, *, as_user: str = "sup1") -> ClientResponse:
        self.client.session.cookie_jar.clear()
        response = await self.client.post(
            "/api/auth/login", json={"name": as_user, "password": PASSWORD}
        )
        assert response.status == 200, await response.text()
        return await self.client.get(path)


@pytest.fixture
async def stats_harness(month: Month) -> AsyncIterator[StatsHarness]:
    repository = DirectoryRepository(month.sessions)
    await import_csv(SAMPLE_DIRECTORY, repository)
    calendar = WorkingCalendar()
    directory = DirectoryService(repository=repository, calendar=calendar, home_city="临江市")
    await directory.reload()
    app = build_desk_app(
        sessions=month.sessions, directory=directory, clock=month.clock, calendar=calendar,
        settings=Settings(), passwords=fast_passwords(),
    )  # fmt: skip
    app.add_routes(stats_routes())
    sites = load_sites()
    store = InMemoryStore(clock=month.clock)
    presence = Presence(store=store, sites=sites)
    await presence.define_seats()
    await presence.sign_in("lj-01")
    await store.enqueue(QueueEntry(call_id="q1", caller="13800000001", site="linjiang",
                                   enqueued_at=month.clock.now().timestamp() - 42))  # fmt: skip
    await store.increment("linjiang", f"overflowed_out:{month.clock.now().date().isoformat()}", 3)
    app[LIVE_SOURCE] = RoutingLiveSource(
        store=store, sites=sites, clock=month.clock, ivr_calls=lambda: {"linjiang": 4}
    )
    for name, (role, departments) in USERS.items():
        await app[DESK].auth.add_user(name, role, departments=departments, password=PASSWORD)
    async with TestClient(TestServer(app, host="127.0.0.1")) as client:
        yield StatsHarness(client, month, store)
