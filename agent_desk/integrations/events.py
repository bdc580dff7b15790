"""Order events for departments' webhooks, written to the outbox in the change's own
transaction: a change that commits has its deliveries, one that rolls back has none.

- `order.dispatched`: an order was dispatched (派单) or reassigned (改派) to the department;
- `order.changed`: any other move of an order of the department (签收, 答复, 退单, …);
- `order.due_soon` / `order.overdue`: the deadline scan found the order at the warning
  level / past its due date (once per order and due date: the event id is derived).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.integrations.models import WebhookDelivery, WebhookEndpoint
from agent_desk.orders.deadlines import DeadlineState
from agent_desk.orders.models import OrderEvent, WorkOrder
from agent_desk.orders.views import order_to_json
from agent_desk.timeutil import china
from base.database import dialect_insert


class EventType(StrEnum):
    DISPATCHED = "order.dispatched"
    CHANGED = "order.changed"
    DUE_SOON = "order.due_soon"
    OVERDUE = "order.overdue"


ALL_EVENTS = frozenset(EventType)
_DERIVED = uuid.UUID("5b0e2f6c-7a39-4c61-9d0e-5f1d2b8a9c47")  # namespace of derived ids


def derived_event_id(*parts: str) -> str:
    """A stable id for an event found by a scan, so finding it twice adds nothing."""
    return str(uuid.uuid5(_DERIVED, ":".join(parts)))


def event_body(
    event_id: str, event_type: EventType, at: datetime, order: WorkOrder,
    deadline: DeadlineState | None, transition: OrderEvent | None = None,
) -> str:  # fmt: skip
    body: dict[str, object] = {
        "id": event_id,
        "type": event_type.value,
        "created_at": china(at).isoformat(),
        "department_code": order.department_code,
        "order": order_to_json(order, deadline),
    }
    if transition is not None:
        body["transition"] = {
            "name": transition.transition, "from_status": transition.from_status,
            "to_status": transition.to_status, "actor": transition.actor,
            "reason": transition.reason,
        }  # fmt: skip
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


async def endpoints_for(
    session: AsyncSession, department_code: str, event_type: EventType
) -> list[WebhookEndpoint]:
    found = await session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.department_code == department_code, WebhookEndpoint.active.is_(True)
        )
    )
    return [e for e in found if event_type.value in e.events.split()]


async def enqueue(
    session: AsyncSession, *, event_id: str, event_type: EventType, order: WorkOrder,
    body: str, at: datetime,
) -> int:  # fmt: skip
    """One outbox row per endpoint of the order's department that wants the event; a row
    already there for this event id is left as it is. Returns how many rows were added."""
    if order.department_code is None:
        return 0
    added = 0
    for endpoint in await endpoints_for(session, order.department_code, event_type):
        values = {
            "endpoint_id": endpoint.id, "event_id": event_id, "event_type": event_type.value,
            "order_id": order.id, "body": body, "status": "pending", "attempts": 0,
            "next_attempt_at": china(at), "created_at": china(at), "last_error": "",
        }  # fmt: skip
        insert = dialect_insert(session)
        statement = (
            insert(WebhookDelivery)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["endpoint_id", "event_id"])
        )
        result = await session.execute(statement)
        added += max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
    return added
