"""Work orders (工单): their table, life cycle, deadlines, numbers and service."""

from agent_desk.orders.deadlines import DeadlineLevel, DeadlinePolicy, DeadlineState, DeadlineTable
from agent_desk.orders.lifecycle import MOVES, Step, Transition, allowed_transitions, apply
from agent_desk.orders.models import Channel, OrderEvent, OrderStatus, OrderType, Urgency, WorkOrder
from agent_desk.orders.scope import Scope, Visibility
from agent_desk.orders.services import OrderDraft, OrderListener, OrderService, OrderView

__all__ = [
    "MOVES",
    "Channel",
    "DeadlineLevel",
    "DeadlinePolicy",
    "DeadlineState",
    "DeadlineTable",
    "OrderDraft",
    "OrderEvent",
    "OrderListener",
    "OrderService",
    "OrderStatus",
    "OrderType",
    "OrderView",
    "Scope",
    "Step",
    "Transition",
    "Urgency",
    "Visibility",
    "WorkOrder",
    "allowed_transitions",
    "apply",
]
