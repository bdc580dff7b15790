"""The work-order life cycle: every path, every side path, and refusals of illegal moves."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from agent_desk.errors import TransitionInvalid
from agent_desk.orders.lifecycle import MOVES, Step, Transition, allowed_transitions, apply
from agent_desk.orders.models import OrderStatus, WorkOrder
from base.clock import CHINA_TZ

AT = datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ)


def new_order() -> WorkOrder:
    return WorkOrder(
        id=1, number="2611240001", order_type="complaint", urgency="normal",
        status=OrderStatus.ACCEPTED.value, subject="路灯不亮", accepted_at=AT,
        due_date=date(2026, 12, 8), created_by="op1", updated_at=AT, supervised=False,
        redo_count=0,
    )  # fmt: skip


def step(transition: Transition, **kwargs: object) -> Step:
    return Step(transition=transition, actor="tester", at=AT, **kwargs)  # type: ignore[arg-type]


def run(order: WorkOrder, *steps: Step) -> list[str]:
    return [apply(order, s).to_status for s in steps]


def test_dispatched_order_walks_the_main_path_to_archive() -> None:
    order = new_order()
    statuses = run(
        order,
        step(Transition.DISPATCH, department_code="linjiang.gongan"),
        step(Transition.START),
        step(Transition.REPLY, reply="已修复"),
        step(Transition.CALLBACK, satisfaction=5),
        step(Transition.CLOSE),
        step(Transition.ARCHIVE),
    )
    assert statuses == [
        "dispatched", "in_progress", "replied", "callback_review", "closed", "archived",
    ]  # fmt: skip
    assert order.department_code == "linjiang.gongan"
    assert order.reply == "已修复"
    assert order.satisfaction == 5
    assert order.closed_at == AT


def test_answered_directly_then_closed() -> None:
    order = new_order()
    assert run(
        order, step(Transition.ANSWER, reply="办理时间为工作日"), step(Transition.CLOSE)
    ) == [
        "answered",
        "closed",
    ]


def test_not_accepted_keeps_reason_and_referral() -> None:
    order = new_order()
    event = apply(order, step(Transition.NOT_ACCEPT, reason="民事纠纷", referral="civil-dispute"))
    assert order.status == "not_accepted"
    assert order.referral == "civil-dispute"
    assert order.not_accepted_reason == "民事纠纷"
    assert (event.from_status, event.to_status, event.reason) == (
        "accepted",
        "not_accepted",
        "民事纠纷",
    )


def test_returned_by_unit_then_reassigned_to_another() -> None:
    order = new_order()
    run(order, step(Transition.DISPATCH, department_code="a"), step(Transition.START))
    run(order, step(Transition.RETURN, reason="不属于本单位职责"))
    assert order.status == "returned"
    run(order, step(Transition.REASSIGN, department_code="b"))
    assert (order.status, order.department_code) == ("dispatched", "b")


def test_sent_back_for_redo_counts_redos() -> None:
    order = new_order()
    run(order, step(Transition.DISPATCH, department_code="a"), step(Transition.START),
        step(Transition.REPLY, reply="x"), step(Transition.REDO, reason="答复不完整"))  # fmt: skip
    assert (order.status, order.redo_count) == ("in_progress", 1)
    run(order, step(Transition.REPLY, reply="y"), step(Transition.CALLBACK, satisfaction=1),
        step(Transition.REDO, reason="群众不满意"))  # fmt: skip
    assert (order.status, order.redo_count) == ("in_progress", 2)


def test_merged_into_a_duplicate_then_archived() -> None:
    order = new_order()
    run(order, step(Transition.MERGE, merged_into_id=7, reason="重复来电"))
    assert (order.status, order.merged_into_id) == ("merged", 7)
    run(order, step(Transition.ARCHIVE))
    assert order.status == "archived"


def test_supervision_flags_without_moving_the_order() -> None:
    order = new_order()
    run(order, step(Transition.DISPATCH, department_code="a"))
    event = apply(order, step(Transition.SUPERVISE, reason="超期未办"))
    assert order.supervised
    assert (event.from_status, event.to_status) == ("dispatched", "dispatched")


@pytest.mark.parametrize("status", list(OrderStatus))
def test_every_move_not_in_the_table_is_refused_with_a_stable_code(status: OrderStatus) -> None:
    allowed = set(allowed_transitions(status))
    for transition in Transition:
        if transition in allowed:
            continue
        order = new_order()
        order.status = status.value
        with pytest.raises(TransitionInvalid) as caught:
            apply(order, step(transition, reason="r", reply="r", department_code="a",
                              satisfaction=3, referral="fire-119", merged_into_id=2))  # fmt: skip
        assert caught.value.status == 409
        assert caught.value.code == "order-transition-invalid"
        assert order.status == status.value


def test_archived_order_allows_nothing() -> None:
    assert allowed_transitions(OrderStatus.ARCHIVED) == []


@pytest.mark.parametrize(
    ("transition", "fields"),
    [
        (Transition.DISPATCH, {}),
        (Transition.ANSWER, {"reply": "  "}),
        (Transition.NOT_ACCEPT, {"reason": "x"}),
        (Transition.MERGE, {}),
        (Transition.SUPERVISE, {}),
    ],
)
def test_a_move_without_what_it_needs_is_refused(
    transition: Transition, fields: dict[str, object]
) -> None:
    order = new_order()
    if OrderStatus.ACCEPTED not in MOVES[transition].sources:
        order.status = OrderStatus.DISPATCHED.value
    with pytest.raises(TransitionInvalid):
        apply(order, step(transition, **fields))


@pytest.mark.parametrize("score", [0, 6])
def test_satisfaction_outside_one_to_five_is_refused(score: int) -> None:
    order = new_order()
    run(order, step(Transition.ANSWER, reply="x"))
    with pytest.raises(TransitionInvalid):
        apply(order, step(Transition.CALLBACK, satisfaction=score))


def test_an_order_cannot_be_merged_into_itself() -> None:
    with pytest.raises(TransitionInvalid):
        apply(new_order(), step(Transition.MERGE, merged_into_id=1, reason="dup"))
