"""Work orders as JSON for the API and the pages."""

from __future__ import annotations

from agent_desk.orders.deadlines import DeadlineState
from agent_desk.orders.lifecycle import allowed_transitions
from agent_desk.orders.models import (
    STATUS_LABELS,
    TYPE_LABELS,
    URGENCY_LABELS,
    OrderEvent,
    OrderStatus,
    OrderType,
    Urgency,
    WorkOrder,
)
from agent_desk.timeutil import china


def order_to_json(order: WorkOrder, deadline: DeadlineState | None) -> dict[str, object]:
    status = OrderStatus(order.status)
    return {
        "id": order.id,
        "number": order.number,
        "order_type": order.order_type,
        "order_type_label": TYPE_LABELS[OrderType(order.order_type)],
        "urgency": order.urgency,
        "urgency_label": URGENCY_LABELS[Urgency(order.urgency)],
        "status": order.status,
        "status_label": STATUS_LABELS[status],
        "subject": order.subject,
        "description": order.description,
        "caller_number": order.caller_number,
        "caller_name": order.caller_name,
        "caller_email": order.caller_email,
        "hotline_number": order.hotline_number,
        "call_id": order.call_id,
        "channel": order.channel,
        "department_code": order.department_code,
        "platform": order.platform,
        "accepted_at": china(order.accepted_at).isoformat(),
        "due_date": order.due_date.isoformat(),
        "deadline": deadline.to_json() if deadline else None,
        "reply": order.reply,
        "satisfaction": order.satisfaction,
        "not_accepted_reason": order.not_accepted_reason,
        "referral": order.referral,
        "merged_into_id": order.merged_into_id,
        "supervised": order.supervised,
        "redo_count": order.redo_count,
        "created_by": order.created_by,
        "allowed_transitions": [t.value for t in allowed_transitions(status)],
    }


def event_to_json(event: OrderEvent) -> dict[str, object]:
    return {
        "at": china(event.at).isoformat(),
        "actor": event.actor,
        "transition": event.transition,
        "from_status": event.from_status,
        "to_status": event.to_status,
        "reason": event.reason,
        "department_code": event.department_code,
        "platform": event.platform,
    }
