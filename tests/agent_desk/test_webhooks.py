"""Webhooks against a real receiver on loopback: signed, retried with backoff across the
receiver's outage and a restart of the desk, each event id processed exactly once by a
receiver that de-duplicates (at-least-once delivery), replays, and the deadline events.

The desk runs on a clock the test drives: the dispatcher's waits end only when the test
moves it, so every retry happens at the moment the backoff says, on any machine.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import build_desk_app
from agent_desk.desk import DESK
from agent_desk.integrations import RetryPolicy
from agent_desk.integrations.models import WebhookAttempt, WebhookDelivery
from agent_desk.integrations.signing import verify
from base.config import Settings
from base.workdays import WorkingCalendar
from directory import DirectoryRepository, DirectoryService, import_csv
from tests.agent_desk.conftest import (
    DEPT_A,
    DEPT_B,
    PASSWORD,
    SAMPLE_DIRECTORY,
    USERS,
    SteppedClock,
    fast_passwords,
)
from tests.servers import free_port

POLICY = RetryPolicy(base_s=10, cap_s=40, max_attempts=20, lease_s=30, timeout_s=5, poll_s=60,
                     scan_s=3600)  # fmt: skip


class DrivenClock(SteppedClock):
    """A clock whose sleeps last until the test has moved it far enough."""

    def __init__(self) -> None:
        super().__init__()
        self._sleepers: list[tuple[Any, asyncio.Future[None]]] = []

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        wake: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((self.current + timedelta(seconds=seconds), wake))
        try:
            await wake
        finally:
            self._sleepers = [(t, f) for t, f in self._sleepers if f is not wake]

    @property
    def asleep(self) -> bool:
        return any(not wake.done() for _, wake in self._sleepers)

    async def idle(self) -> None:
        """Until the dispatcher waits on this clock again (its round is done)."""
        await asyncio.sleep(0.01)
        for _ in range(500):
            if self.asleep:
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the dispatcher never went back to sleep")

    async def step(self, **kwargs: float) -> None:
        """Move on once the dispatcher waits on this clock (not mid-round)."""
        await self.idle()
        self.advance(**kwargs)

    def advance(self, **kwargs: float) -> None:
        super().advance(**kwargs)
        for target, wake in self._sleepers:
            if target <= self.current and not wake.done():
                wake.set_result(None)


@dataclass
class Receiver:
    """A department's webhook receiver: checks the signature, processes each event id
    once (de-duplicating), and can be down (its port closed) or answer 500 once after
    processing (so the same event comes again)."""

    secret: str = ""
    port: int = field(default_factory=free_port)
    posts: list[dict[str, Any]] = field(default_factory=list)
    processed: Counter[str] = field(default_factory=Counter)
    bad_signatures: int = 0
    fail_after_processing: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        ok = verify(self.secret, request.headers.get("X-Hotline-Timestamp", ""), body,
                    request.headers.get("X-Hotline-Signature", ""))  # fmt: skip
        if not ok:
            self.bad_signatures += 1
            return web.Response(status=401)
        event = json.loads(body)
        assert event["id"] == request.headers["X-Hotline-Event-Id"]
        self.posts.append({"event": event, "replay": "X-Hotline-Replay" in request.headers})
        if event["id"] not in self.processed:  # the receiver's de-duplication
            self.processed[event["id"]] += 1
        self.arrived.set()
        if self.fail_after_processing:
            self.fail_after_processing -= 1
            return web.Response(status=500)
        return web.Response(status=204)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/hotline"

    async def up(self) -> None:
        app = web.Application()
        app.router.add_post("/hooks/hotline", self.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port, reuse_address=True).start()

    async def down(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()
            self.runner = None


async def until(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Wait for the dispatcher to get somewhere (bounded, never a timing assumption)."""
    for _ in range(500):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


@dataclass
class Desk:
    client: TestClient[web.Request, web.Application]
    sessions: async_sessionmaker[AsyncSession]
    csrf: dict[str, str] = field(default_factory=dict)

    async def call(self, method: str, path: str, *, as_user: str | None = None,
                   token: str | None = None, json: Any = None) -> Any:  # fmt: skip
        self.client.session.cookie_jar.clear()
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        else:
            login = {"name": as_user, "password": PASSWORD}
            signed = await self.client.post("/api/auth/login", json=login)
            headers["X-CSRF-Token"] = (await signed.json())["csrf_token"]
        response = await self.client.request(method, path, json=json, headers=headers)
        assert response.status < 300, await response.text()
        return await response.json()

    async def deliveries(self) -> list[WebhookDelivery]:
        async with self.sessions() as session:
            return list((await session.scalars(select(WebhookDelivery).order_by(
                WebhookDelivery.id))).all())  # fmt: skip

    async def attempts(self) -> list[WebhookAttempt]:
        async with self.sessions() as session:
            return list((await session.scalars(select(WebhookAttempt).order_by(
                WebhookAttempt.id))).all())  # fmt: skip


@pytest.fixture
def driven() -> DrivenClock:
    return DrivenClock()


@pytest.fixture
async def directory(sessions: async_sessionmaker[AsyncSession]) -> DirectoryService:
    repository = DirectoryRepository(sessions)
    await import_csv(SAMPLE_DIRECTORY, repository)
    found = DirectoryService(repository=repository, calendar=WorkingCalendar(),
                             home_city="临江市")  # fmt: skip
    await found.reload()
    return found


def desk_server(sessions: async_sessionmaker[AsyncSession], directory: DirectoryService,
                clock: DrivenClock) -> TestClient[web.Request, web.Application]:  # fmt: skip
    """The desk with its webhook dispatcher, as `hotline serve` runs it."""
    # The receiver listens on the loopback: allowed explicitly, as for a LAN receiver.
    settings = Settings(webhook_allowed_hosts="127.0.0.1")
    app = build_desk_app(sessions=sessions, directory=directory, clock=clock,
                         calendar=WorkingCalendar(), settings=settings,
                         passwords=fast_passwords(), webhook_policy=POLICY,
                         deliver_webhooks=True)  # fmt: skip
    return TestClient(TestServer(app, host="127.0.0.1"))


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    try:
        yield found
    finally:
        await found.down()


async def _setup(desk: Desk, receiver: Receiver) -> str:
    for name, (role, departments) in USERS.items():
        await desk.client.app[DESK].auth.add_user(name, role, departments=departments,
                                                  password=PASSWORD)  # fmt: skip
    events = ["order.dispatched", "order.changed", "order.due_soon", "order.overdue"]
    added = await desk.call("POST", "/api/webhooks", as_user="admin1", json={
        "department_code": DEPT_A, "url": receiver.url, "events": events})  # fmt: skip
    receiver.secret = added["secret"]
    client = await desk.call("POST", "/api/api-clients", as_user="admin1", json={
        "name": "gongan-system", "department_code": DEPT_A, "scope": "write"})  # fmt: skip
    token: str = client["token"]
    return token


async def _dispatch(desk: Desk, department: str, subject: str) -> int:
    order = await desk.call("POST", "/api/orders", as_user="op1", json={
        "order_type": "help", "subject": subject, "department_code": department})  # fmt: skip
    order_id: int = order["id"]
    return order_id


async def test_every_event_once_per_id_across_an_outage_and_a_restart(
    sessions: async_sessionmaker[AsyncSession], directory: DirectoryService,
    driven: DrivenClock, receiver: Receiver,
) -> None:  # fmt: skip
    await receiver.up()
    async with desk_server(sessions, directory, driven) as client:
        desk = Desk(client=client, sessions=sessions)
        token = await _setup(desk, receiver)
        order = await _dispatch(desk, DEPT_A, "路灯不亮")
        await _dispatch(desk, DEPT_B, "another department's order")  # never sent here
        await until(lambda: _processed(receiver, 1), "the dispatch reached the receiver")
        first = receiver.posts[0]["event"]
        assert first["type"] == "order.dispatched"
        assert first["order"]["id"] == order
        assert first["department_code"] == DEPT_A

        # The receiver goes down; the unit's system moves the order meanwhile.
        await receiver.down()
        path = f"/api/orders/{order}/transitions"
        await desk.call("POST", path, token=token, json={"transition": "start"})
        await until(lambda: _attempted(desk, 2), "a failed attempt of the change")
        failed = (await desk.deliveries())[-1]
        assert failed.status == "pending"
        assert failed.attempts == 1
        assert failed.last_status is None  # connection refused
        assert _seconds(failed.next_attempt_at, driven) == 10  # backoff: 10 s, then 20 s…
        await driven.step(seconds=10)
        await until(lambda: _attempted(desk, 3), "the first retry")
        assert _seconds((await desk.deliveries())[-1].next_attempt_at, driven) == 20
        await desk.call("POST", path, token=token, json={"transition": "reply", "reply": "已修复"})
        await until(lambda: _attempted(desk, 4), "a failed attempt of the reply")

    # The desk stops with two events undelivered; the outbox keeps them.
    pending = [d for d in await desk.deliveries() if d.status == "pending"]
    assert len(pending) == 2
    await receiver.up()
    receiver.fail_after_processing = 1  # processed, but the answer is lost: sent again
    async with desk_server(sessions, directory, driven) as client:
        desk = Desk(client=client, sessions=sessions)
        await driven.step(seconds=40)  # past every backoff
        await until(lambda: _attempted(desk, 6), "both events tried after the restart")
        assert len(receiver.posts) == 3
        assert await _delivered(desk, 2)  # one answered 500: it comes again after its backoff
        await driven.step(seconds=40)
        await until(lambda: _delivered(desk, 3), "every event delivered after the restart")

    ids = [p["event"]["id"] for p in receiver.posts]
    assert len(ids) == 4  # one event came twice: at least once …
    assert receiver.processed == Counter({i: 1 for i in ids})  # … and processed once per id
    assert len(receiver.processed) == 3
    types = {p["event"]["id"]: p["event"]["type"] for p in receiver.posts}
    assert sorted(types.values()) == ["order.changed", "order.changed", "order.dispatched"]
    transitions = [p["event"]["transition"]["name"] for p in receiver.posts
                   if p["event"]["type"] == "order.changed"]  # fmt: skip
    assert set(transitions) == {"start", "reply"}
    assert receiver.bad_signatures == 0
    log = [(a.status_code, bool(a.error)) for a in await desk.attempts()]
    assert log.count((None, True)) == 3  # the outage's refused connections
    assert (500, True) in log


async def test_signature_replay_and_deadline_events(
    sessions: async_sessionmaker[AsyncSession], directory: DirectoryService,
    driven: DrivenClock, receiver: Receiver,
) -> None:  # fmt: skip
    await receiver.up()
    async with desk_server(sessions, directory, driven) as client:
        desk = Desk(client=client, sessions=sessions)
        await _setup(desk, receiver)
        order = await _dispatch(desk, DEPT_A, "噪音扰民")
        await until(lambda: _processed(receiver, 1), "the dispatch")
        post = receiver.posts[0]
        assert post["replay"] is False
        assert not verify("another-secret", "1", json.dumps(post["event"]).encode(), "sha256=0")

        # Replay from the delivery log: the same id and body again, marked as a replay.
        (delivered,) = (await desk.call("GET", "/api/webhook-deliveries", as_user="admin1"))[
            "deliveries"]  # fmt: skip
        assert delivered["status"] == "delivered"
        assert delivered["log"][0]["status_code"] == 204
        await desk.call("POST", f"/api/webhook-deliveries/{delivered['id']}/replay",
                        as_user="admin1")  # fmt: skip
        await until(lambda: _posts(receiver, 2), "the replay")
        assert receiver.posts[1]["event"] == post["event"]
        assert receiver.posts[1]["replay"] is True
        assert len(receiver.processed) == 1  # de-duplicated by id

        # Days pass: the order is due soon, then overdue; each event once, however often
        # the scan runs (its event ids are derived from the order and its due date).
        for _ in range(9):  # Tuesday 11-24, due Tuesday 12-01: a day at a time to 12-03
            await driven.step(days=1)
            await driven.step(seconds=POLICY.scan_s)  # the dispatcher scans again
            await driven.idle()
            assert await desk.client.app[DESK].webhooks.scan_deadlines() == 0  # and again
        await until(lambda: _delivered(desk, 3), "the deadline events")
        kinds = [p["event"]["type"] for p in receiver.posts]
        assert kinds.count("order.due_soon") == 1
        assert kinds.count("order.overdue") == 1
        overdue = next(p["event"] for p in receiver.posts if p["event"]["type"] == "order.overdue")
        assert overdue["order"]["id"] == order
        assert overdue["order"]["deadline"]["level"] == "overdue"
        await desk.call("GET", "/api/auth/me", as_user="admin1")  # days passed: sign in again
        page = await desk.client.get("/desk/integrations")
        assert page.status == 200
        assert "<td>已超期</td>" in await page.text()  # the delivery log shows it


async def _processed(receiver: Receiver, n: int) -> bool:
    return len(receiver.processed) >= n


async def _posts(receiver: Receiver, n: int) -> bool:
    return len(receiver.posts) >= n


async def _attempted(desk: Desk, n: int) -> bool:
    return len(await desk.attempts()) >= n


async def _delivered(desk: Desk, n: int) -> bool:
    return sum(d.status == "delivered" for d in await desk.deliveries()) >= n


def _seconds(at: Any, clock: DrivenClock) -> float:
    from agent_desk.timeutil import china

    return (china(at) - clock.now()).total_seconds()
