"""Delivers the webhook outbox: signed POSTs, exponential backoff, at-least-once.

A row is sent until the receiver answers 2xx. Each attempt is logged; a failure waits
`base_s · 2^(attempt-1)` (capped at `cap_s`) on the clock before the next; after
`max_attempts` the row is `dead` until an admin replays it. A dispatcher takes a row
with a lease (a conditional update), so several servers share one outbox, and a row
whose dispatcher died mid-send is sent again once its lease ends: the receiver may see
an event twice, never not at all, and de-duplicates on its id.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from agent_desk.integrations.signing import (
    EVENT_ID_HEADER,
    EVENT_TYPE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
)
from agent_desk.integrations.url_policy import GuardedResolver, UrlPolicy, WebhookUrlForbidden
from agent_desk.integrations.webhooks import (
    DEAD,
    DELIVERED,
    DUE_STATUSES,
    PENDING,
    REPLAY,
    Webhooks,
    due_filter,
)
from agent_desk.notifier import DeskEvent, Notifier
from agent_desk.timeutil import china
from base.clock import Clock

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    base_s: float = 10.0
    cap_s: float = 3600.0
    max_attempts: int = 20  # about 16 hours of retries with the defaults
    lease_s: float = 60.0
    timeout_s: float = 10.0
    poll_s: float = 15.0  # how often the outbox is looked at without a wake-up
    scan_s: float = 300.0  # how often orders are checked for due soon / overdue
    batch: int = 50

    def delay(self, attempts: int) -> timedelta:
        return timedelta(seconds=min(self.base_s * 2 ** max(attempts - 1, 0), self.cap_s))


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    error: str

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class WebhookDispatcher:
    """Sends what is due, then waits on the clock (or for an order change) and again."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        webhooks: Webhooks,
        http: aiohttp.ClientSession,
        policy: RetryPolicy | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._webhooks = webhooks
        self._http = http
        self.policy = policy or RetryPolicy()

    def _now(self) -> datetime:
        return china(self._clock.now())

    async def deliver_due(self) -> int:
        """Send every row due now (one batch at a time); returns how many were tried."""
        tried = 0
        while True:
            now = self._now()
            async with self._sessions() as session:
                ids = list(await session.scalars(
                    select(WebhookDelivery.id).where(*due_filter(now))  # type: ignore[arg-type]
                    .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
                    .limit(self.policy.batch)
                ))  # fmt: skip
            if not ids:
                return tried
            for delivery_id in ids:
                if await self._deliver(delivery_id):
                    tried += 1

    async def _claim(self, delivery_id: int) -> tuple[WebhookDelivery, WebhookEndpoint] | None:
        now = self._now()
        async with self._sessions.begin() as session:
            taken = await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.id == delivery_id, *due_filter(now))  # type: ignore[arg-type]
                .values(lease_until=now + timedelta(seconds=self.policy.lease_s))
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return None  # another dispatcher has it, or it is no longer due
            delivery = await session.get(WebhookDelivery, delivery_id)
            endpoint = (
                await session.get(WebhookEndpoint, delivery.endpoint_id) if delivery else None
            )
        if delivery is None or endpoint is None:
            return None
        return delivery, endpoint

    async def _deliver(self, delivery_id: int) -> bool:
        claimed = await self._claim(delivery_id)
        if claimed is None:
            return False
        delivery, endpoint = claimed
        replay = delivery.status == REPLAY
        outcome = (
            await self._post(endpoint, delivery, replay=replay)
            if endpoint.active
            else Outcome(None, "the webhook is deactivated")
        )
        await self._record(delivery.id, outcome, replay=replay, endpoint_active=endpoint.active)
        return True

    async def _post(self, endpoint: WebhookEndpoint, delivery: WebhookDelivery, *,
                    replay: bool) -> Outcome:  # fmt: skip
        try:  # again at each delivery: the name may point elsewhere since it was added
            await self._webhooks.url_policy.check(endpoint.url)
        except WebhookUrlForbidden as exc:
            logger.warning("webhook delivery %d not sent: %s", delivery.id, exc.message)
            return Outcome(None, f"{exc.code}: {exc.message}")
        body = delivery.body.encode()
        timestamp = int(self._clock.now().timestamp())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(endpoint.secret, timestamp, body),
            EVENT_ID_HEADER: delivery.event_id,
            EVENT_TYPE_HEADER: delivery.event_type,
            "User-Agent": "hotline-webhooks/1",
        }
        if replay:
            headers["X-Hotline-Replay"] = "1"
        try:
            timeout = aiohttp.ClientTimeout(total=self.policy.timeout_s)
            posting = self._http.post(
                endpoint.url, data=body, headers=headers, timeout=timeout, allow_redirects=False
            )
            async with posting as response:
                await response.read()
                return Outcome(
                    response.status, "" if response.status < 300 else response.reason or ""
                )
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            return Outcome(None, f"{type(exc).__name__}: {exc}"[:300])

    async def _record(self, delivery_id: int, outcome: Outcome, *, replay: bool,
                      endpoint_active: bool) -> None:  # fmt: skip
        now = self._now()
        async with self._sessions.begin() as session:
            delivery = await session.get(WebhookDelivery, delivery_id)
            if delivery is None:
                return
            session.add(WebhookAttempt(delivery_id=delivery_id, at=now,
                                       status_code=outcome.status_code,
                                       error=outcome.error[:300], replay=replay))  # fmt: skip
            delivery.attempts += 1
            delivery.last_status = outcome.status_code
            delivery.last_error = outcome.error[:300]
            delivery.lease_until = None
            if outcome.delivered:
                delivery.status = DELIVERED
                delivery.delivered_at = now
            elif delivery.attempts >= self.policy.max_attempts or not endpoint_active:
                delivery.status = DEAD
            else:
                delivery.status = PENDING
                delivery.next_attempt_at = now + self.policy.delay(delivery.attempts)
        if not outcome.delivered:
            logger.info("webhook delivery %d failed (%s %s)", delivery_id,
                        outcome.status_code, outcome.error)  # fmt: skip

    async def run(self, notifier: Notifier | None = None) -> None:
        """Until cancelled: scan deadlines now and then, send what is due, wait."""
        wake = notifier.subscribe() if notifier is not None else None
        next_scan = self._clock.monotonic()
        try:
            while True:
                try:
                    if self._clock.monotonic() >= next_scan:
                        await self._webhooks.scan_deadlines()
                        next_scan = self._clock.monotonic() + self.policy.scan_s
                    await self.deliver_due()
                    pause = await self._pause()
                except Exception:  # the database may be down: try again next round
                    logger.exception("webhook delivery round failed")
                    pause = self.policy.poll_s
                await self._wait(wake, pause)
        finally:
            if notifier is not None and wake is not None:
                notifier.unsubscribe(wake)

    async def _pause(self) -> float:
        """Until the next retry is due, at most `poll_s` (other servers add rows too).
        A row due already is held by another dispatcher: look again when its lease ends."""
        async with self._sessions() as session:
            upcoming = await session.scalar(
                select(func.min(WebhookDelivery.next_attempt_at)).where(
                    WebhookDelivery.status.in_(DUE_STATUSES)
                )
            )
        if upcoming is None:
            return self.policy.poll_s
        seconds = (china(upcoming) - self._now()).total_seconds()
        return min(seconds if seconds > 0 else self.policy.lease_s, self.policy.poll_s)

    async def _wait(self, wake: asyncio.Queue[DeskEvent] | None, seconds: float) -> None:
        waiters: set[asyncio.Future[Any]] = {asyncio.ensure_future(self._clock.sleep(seconds))}
        if wake is not None:
            waiters.add(asyncio.ensure_future(wake.get()))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()


def delivery_context(
    build: Callable[[aiohttp.ClientSession], WebhookDispatcher], notifier: Notifier,
    url_policy: UrlPolicy,
) -> Callable[[object], AsyncIterator[None]]:  # fmt: skip
    """An aiohttp cleanup_ctx: the dispatcher runs while the application does, connecting
    only to addresses `url_policy` allows."""

    async def context(_app: object) -> AsyncIterator[None]:
        connector = aiohttp.TCPConnector(resolver=GuardedResolver(url_policy))
        async with aiohttp.ClientSession(connector=connector) as http:
            task = asyncio.create_task(build(http).run(notifier), name="webhook-delivery")
            yield
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    return context
