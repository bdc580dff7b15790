"""Departments' webhook endpoints, the outbox they are fed from, and the delivery log.

`order_moved` runs inside every order transition's transaction (OrderService's hook);
`scan_deadlines` finds orders due soon or overdue; both only add outbox rows, which the
dispatcher (agent_desk.integrations.dispatcher) delivers.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.integrations.events import (
    ALL_EVENTS,
    EventType,
    derived_event_id,
    enqueue,
    event_body,
)
from agent_desk.integrations.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from agent_desk.integrations.url_policy import UrlPolicy
from agent_desk.orders.deadlines import DeadlineLevel, DeadlinePolicy, DeadlineState
from agent_desk.orders.lifecycle import Transition
from agent_desk.orders.models import PENDING_STATUSES, OrderEvent, OrderStatus, WorkOrder
from agent_desk.timeutil import china
from base.clock import Clock
from base.errors import InvalidInput, NotFound

DISPATCHING = frozenset({Transition.DISPATCH.value, Transition.REASSIGN.value})
PENDING, REPLAY, DELIVERED, DEAD = "pending", "replay", "delivered", "dead"
DUE_STATUSES = (PENDING, REPLAY)
_LEVEL_EVENTS = {DeadlineLevel.WARNING: EventType.DUE_SOON,
                 DeadlineLevel.OVERDUE: EventType.OVERDUE}  # fmt: skip


class WebhookNotFound(NotFound):
    code = "webhook-not-found"


class DeliveryNotFound(NotFound):
    code = "webhook-delivery-not-found"


def check_events(events: Iterable[str]) -> list[str]:
    chosen = sorted(set(events))
    unknown = [e for e in chosen if e not in ALL_EVENTS]
    if unknown or not chosen:
        raise InvalidInput(f"events must be some of {', '.join(sorted(ALL_EVENTS))}")
    return chosen


def endpoint_to_json(endpoint: WebhookEndpoint) -> dict[str, object]:
    return {
        "id": endpoint.id, "department_code": endpoint.department_code, "url": endpoint.url,
        "events": endpoint.events.split(), "active": endpoint.active,
        "created_at": china(endpoint.created_at).isoformat(), "created_by": endpoint.created_by,
    }  # fmt: skip


def delivery_to_json(
    delivery: WebhookDelivery, attempts: list[WebhookAttempt]
) -> dict[str, object]:
    return {
        "id": delivery.id, "endpoint_id": delivery.endpoint_id, "event_id": delivery.event_id,
        "event_type": delivery.event_type, "order_id": delivery.order_id,
        "status": delivery.status, "attempts": delivery.attempts,
        "next_attempt_at": china(delivery.next_attempt_at).isoformat(),
        "created_at": china(delivery.created_at).isoformat(),
        "delivered_at": china(delivery.delivered_at).isoformat()
        if delivery.delivered_at else None,
        "last_status": delivery.last_status, "last_error": delivery.last_error,
        "log": [{"at": china(a.at).isoformat(), "status_code": a.status_code,
                 "error": a.error, "replay": a.replay} for a in attempts],
    }  # fmt: skip


class Webhooks:
    """Endpoints per department, the outbox rows of order events, the delivery log."""

    def __init__(
        self, *, sessions: async_sessionmaker[AsyncSession], clock: Clock,
        deadlines: DeadlinePolicy, url_policy: UrlPolicy | None = None,
    ) -> None:  # fmt: skip
        self._sessions = sessions
        self._clock = clock
        self._deadlines = deadlines
        self.url_policy = url_policy or UrlPolicy()  # checked here and at every delivery

    def _deadline(self, order: WorkOrder) -> DeadlineState | None:
        if OrderStatus(order.status) not in PENDING_STATUSES:
            return None
        return self._deadlines.state(order.due_date, china(self._clock.now()))

    async def order_moved(self, session: AsyncSession, order: WorkOrder, event: OrderEvent) -> None:
        """OrderService's hook: the move's event into the outbox, same transaction."""
        kind = EventType.DISPATCHED if event.transition in DISPATCHING else EventType.CHANGED
        event_id = str(uuid.uuid4())
        body = event_body(event_id, kind, event.at, order, self._deadline(order), event)
        await enqueue(session, event_id=event_id, event_type=kind, order=order, body=body,
                      at=event.at)  # fmt: skip

    async def scan_deadlines(self) -> int:
        """Outbox rows for pending orders now due soon or overdue; returns how many."""
        now = china(self._clock.now())
        added = 0
        async with self._sessions.begin() as session:
            wanted = await session.scalars(
                select(WebhookEndpoint.department_code).where(WebhookEndpoint.active.is_(True))
            )
            departments = sorted(set(wanted))
            if not departments:
                return 0
            orders = await session.scalars(
                select(WorkOrder).where(
                    WorkOrder.department_code.in_(departments),
                    WorkOrder.status.in_([s.value for s in PENDING_STATUSES]),
                )
            )
            for order in orders:
                state = self._deadline(order)
                kind = _LEVEL_EVENTS.get(state.level) if state is not None else None
                if kind is None:
                    continue
                event_id = derived_event_id(kind.value, str(order.id), order.due_date.isoformat())
                body = event_body(event_id, kind, now, order, state)
                added += await enqueue(session, event_id=event_id, event_type=kind,
                                       order=order, body=body, at=now)  # fmt: skip
        return added

    async def add_endpoint(
        self, *, department_code: str, url: str, events: Iterable[str], actor: str
    ) -> tuple[WebhookEndpoint, str]:
        """A new endpoint and its signing secret (shown in this answer only); the URL must
        be one the desk may post to (WebhookUrlForbidden otherwise)."""
        url = await self.url_policy.check(url)
        secret = "whsec_" + secrets.token_urlsafe(32)
        now = china(self._clock.now())
        async with self._sessions.begin() as session:
            endpoint = WebhookEndpoint(
                department_code=department_code, url=url,
                secret=secret, events=" ".join(check_events(events)), active=True,
                created_at=now, created_by=actor,
            )  # fmt: skip
            session.add(endpoint)
            await session.flush()
            audit.record(session, at=now, actor=actor, action="webhook.add",
                         target=department_code, detail=endpoint.url)  # fmt: skip
        return endpoint, secret

    async def deactivate(self, endpoint_id: int, *, actor: str) -> WebhookEndpoint:
        async with self._sessions.begin() as session:
            endpoint = await session.get(WebhookEndpoint, endpoint_id)
            if endpoint is None:
                raise WebhookNotFound(f"no webhook with id {endpoint_id}")
            endpoint.active = False
            audit.record(session, at=china(self._clock.now()), actor=actor,
                         action="webhook.deactivate", target=endpoint.url[:100])  # fmt: skip
        return endpoint

    async def endpoints(self) -> list[WebhookEndpoint]:
        async with self._sessions() as session:
            query = select(WebhookEndpoint).order_by(WebhookEndpoint.department_code,
                                                     WebhookEndpoint.id)  # fmt: skip
            return list((await session.scalars(query)).all())

    async def endpoint(self, endpoint_id: int) -> WebhookEndpoint | None:
        async with self._sessions() as session:
            return await session.get(WebhookEndpoint, endpoint_id)

    async def deliveries(
        self, *, status: str | None = None, limit: int = 100
    ) -> list[tuple[WebhookDelivery, list[WebhookAttempt]]]:
        """The delivery log, newest first, each with its attempts."""
        query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc()).limit(limit)
        if status:
            query = query.where(WebhookDelivery.status == status)
        async with self._sessions() as session:
            rows = list((await session.scalars(query)).all())
            ids = [d.id for d in rows]
            found = await session.scalars(
                select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(ids))
                .order_by(WebhookAttempt.id)
            )  # fmt: skip
            by_delivery: dict[int, list[WebhookAttempt]] = {}
            for attempt in found:
                by_delivery.setdefault(attempt.delivery_id, []).append(attempt)
        return [(d, by_delivery.get(d.id, [])) for d in rows]

    async def replay(self, delivery_id: int, *, actor: str) -> WebhookDelivery:
        """Send a delivery again (same event id and body: the receiver may de-duplicate),
        at once and with a fresh retry schedule, whatever its state."""
        now = china(self._clock.now())
        async with self._sessions.begin() as session:
            delivery = await session.get(WebhookDelivery, delivery_id)
            if delivery is None:
                raise DeliveryNotFound(f"no webhook delivery with id {delivery_id}")
            delivery.status = REPLAY
            delivery.attempts = 0
            delivery.next_attempt_at = now
            delivery.lease_until = None
            audit.record(session, at=now, actor=actor, action="webhook.replay",
                         target=delivery.event_id)  # fmt: skip
        return delivery


def due_filter(now: datetime) -> list[object]:
    """Outbox rows ready to send: waiting, due, and not held by a dispatcher."""
    return [
        WebhookDelivery.status.in_(DUE_STATUSES),
        WebhookDelivery.next_attempt_at <= now,
        (WebhookDelivery.lease_until.is_(None)) | (WebhookDelivery.lease_until < now),
    ]
