"""The work-order life cycle as a table of named transitions (state machine).

accepted → answered directly | dispatched → in progress → replied → callback review →
closed → archived; side paths: not accepted, returned by the unit (退单) and reassigned
(改派), sent back for redo (发回重办), merged into a duplicate (并单), supervised (督办);
between platforms: handed down to a county (下派) and handed back up to the city (退回上级),
both leaving the order accepted at its new platform (agent_desk.orders.hops checks the tree).
Each move is checked here and written as an `OrderEvent`: who, when, why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from agent_desk.errors import TransitionInvalid
from agent_desk.orders.models import OPEN_STATUSES, OrderEvent, OrderStatus, WorkOrder

logger = logging.getLogger(__name__)
S = OrderStatus


class Transition(StrEnum):
    ANSWER = "answer"  # 直接答复
    DISPATCH = "dispatch"  # 派单
    NOT_ACCEPT = "not_accept"  # 不予受理
    START = "start"  # 签收办理
    RETURN = "return"  # 退单
    REASSIGN = "reassign"  # 改派
    REPLY = "reply"  # 答复
    REDO = "redo"  # 发回重办
    CALLBACK = "callback"  # 回访
    CLOSE = "close"  # 办结
    ARCHIVE = "archive"  # 归档
    MERGE = "merge"  # 并单
    SUPERVISE = "supervise"  # 督办
    HAND_DOWN = "hand_down"  # 下派: to a county platform below the order's
    HAND_UP = "hand_up"  # 退回上级: back to the platform above the order's


@dataclass(frozen=True, slots=True)
class Move:
    """Where a transition may start and where it leads (None: the status stays)."""

    sources: frozenset[OrderStatus]
    target: OrderStatus | None


MOVES: dict[Transition, Move] = {
    Transition.ANSWER: Move(frozenset({S.ACCEPTED}), S.ANSWERED),
    Transition.DISPATCH: Move(frozenset({S.ACCEPTED}), S.DISPATCHED),
    Transition.NOT_ACCEPT: Move(frozenset({S.ACCEPTED}), S.NOT_ACCEPTED),
    Transition.START: Move(frozenset({S.DISPATCHED}), S.IN_PROGRESS),
    Transition.RETURN: Move(frozenset({S.DISPATCHED, S.IN_PROGRESS}), S.RETURNED),
    Transition.REASSIGN: Move(frozenset({S.RETURNED}), S.DISPATCHED),
    Transition.REPLY: Move(frozenset({S.IN_PROGRESS}), S.REPLIED),
    Transition.REDO: Move(frozenset({S.REPLIED, S.CALLBACK_REVIEW}), S.IN_PROGRESS),
    Transition.CALLBACK: Move(frozenset({S.ANSWERED, S.REPLIED}), S.CALLBACK_REVIEW),
    Transition.CLOSE: Move(frozenset({S.ANSWERED, S.CALLBACK_REVIEW}), S.CLOSED),
    Transition.ARCHIVE: Move(frozenset({S.CLOSED, S.NOT_ACCEPTED, S.MERGED}), S.ARCHIVED),
    Transition.MERGE: Move(
        frozenset({S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.RETURNED}), S.MERGED
    ),
    Transition.SUPERVISE: Move(frozenset(OPEN_STATUSES), None),
    Transition.HAND_DOWN: Move(frozenset({S.ACCEPTED, S.RETURNED}), S.ACCEPTED),
    Transition.HAND_UP: Move(frozenset({S.ACCEPTED, S.RETURNED}), S.ACCEPTED),
}


@dataclass(frozen=True, slots=True)
class Step:
    """What one transition carries besides its name; which fields it needs is checked below."""

    transition: Transition
    actor: str
    at: datetime
    reason: str = ""
    department_code: str | None = None
    reply: str | None = None
    satisfaction: int | None = None
    referral: str | None = None
    merged_into_id: int | None = None
    platform: str | None = None  # hand_down / hand_up: where the order goes


def allowed_transitions(status: OrderStatus) -> list[Transition]:
    """The moves open to an order in `status`, in table order (for buttons and the API)."""
    return [name for name, move in MOVES.items() if status in move.sources]


def _require(condition: bool, step: Step, what: str) -> None:
    if not condition:
        raise TransitionInvalid(
            f"{step.transition.value} needs {what}", details={"transition": step.transition.value}
        )


def _check_payload(step: Step) -> None:
    t = step.transition
    if t in (Transition.DISPATCH, Transition.REASSIGN):
        _require(bool(step.department_code), step, "a department")
    if t in (Transition.ANSWER, Transition.REPLY):
        _require(bool(step.reply and step.reply.strip()), step, "a reply text")
    if t in (Transition.HAND_DOWN, Transition.HAND_UP):
        _require(bool(step.platform), step, "a platform")
    if t in (Transition.RETURN, Transition.REDO, Transition.SUPERVISE, Transition.NOT_ACCEPT,
             Transition.HAND_UP):  # fmt: skip
        _require(bool(step.reason.strip()), step, "a reason")
    if t is Transition.NOT_ACCEPT:
        _require(bool(step.referral), step, "a referral for the caller")
    if t is Transition.CALLBACK:
        _require(
            step.satisfaction is not None and 1 <= step.satisfaction <= 5,
            step,
            "a satisfaction from 1 to 5",
        )
    if t is Transition.MERGE:
        _require(step.merged_into_id is not None, step, "the order it duplicates")


def apply(order: WorkOrder, step: Step) -> OrderEvent:
    """Move `order` by `step` or raise TransitionInvalid; returns the event to store."""
    current = OrderStatus(order.status)
    move = MOVES[step.transition]
    if current not in move.sources:
        raise TransitionInvalid(
            f"order {order.number} is {current.value}: cannot {step.transition.value}",
            details={"status": current.value, "transition": step.transition.value},
        )
    _check_payload(step)
    if step.transition is Transition.MERGE and step.merged_into_id == order.id:
        raise TransitionInvalid("an order cannot be merged into itself")
    target = move.target or current
    _effects(order, step)
    order.status = target.value
    order.updated_at = step.at
    logger.info(
        "order %s: Transition: %s -> %s -> %s (%s)",
        order.number,
        current.value,
        step.transition.value,
        target.value,
        step.actor,
    )
    return OrderEvent(
        order_id=order.id,
        at=step.at,
        actor=step.actor,
        transition=step.transition.value,
        from_status=current.value,
        to_status=target.value,
        reason=step.reason or step.reply or "",
        department_code=order.department_code,
        platform=order.platform,
    )


def _effects(order: WorkOrder, step: Step) -> None:
    """What a transition changes on the order besides its status."""
    t = step.transition
    if t in (Transition.DISPATCH, Transition.REASSIGN):
        order.department_code = step.department_code
    elif t in (Transition.ANSWER, Transition.REPLY):
        order.reply = step.reply
        order.replied_at = step.at
    elif t is Transition.NOT_ACCEPT:
        order.not_accepted_reason = step.reason
        order.referral = step.referral
        order.closed_at = step.at
    elif t is Transition.REDO:
        order.redo_count += 1
    elif t is Transition.CALLBACK:
        order.satisfaction = step.satisfaction
    elif t is Transition.CLOSE:
        order.closed_at = step.at
    elif t is Transition.MERGE:
        order.merged_into_id = step.merged_into_id
        order.closed_at = step.at
    elif t is Transition.SUPERVISE:
        order.supervised = True
    elif t in (Transition.HAND_DOWN, Transition.HAND_UP):
        # the platform it reaches decides the unit: a department of the one it left is void
        order.platform = step.platform or order.platform
        order.department_code = None
