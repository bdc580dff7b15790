"""Order progress by phone: real status and deadline, only to the number that filed it."""

from __future__ import annotations

from agent_desk import OrderProgressReader
from agent_desk.orders import OrderDraft, OrderService, OrderType, Urgency


async def filed(orders: OrderService) -> str:
    order = await orders.create(
        OrderDraft(order_type=OrderType.HELP, urgency=Urgency.NORMAL, subject="井盖缺失",
                   caller_number="13800000001"),
        actor="op1",
    )  # fmt: skip
    return order.number


async def test_the_filing_number_hears_status_and_deadline(orders: OrderService) -> None:
    number = await filed(orders)
    progress = await OrderProgressReader(orders=orders).progress(
        order_number=number, caller_number="+86 138-0000-0001"
    )
    assert progress.found
    assert progress.disclosed
    assert "已受理" in progress.text
    assert "12月1日" in progress.text


async def test_another_number_is_told_it_cannot_be_disclosed(orders: OrderService) -> None:
    number = await filed(orders)
    progress = await OrderProgressReader(orders=orders).progress(
        order_number=number, caller_number="13900000002"
    )
    assert progress.found
    assert not progress.disclosed
    assert "无法向您透露" in progress.text
    assert "已受理" not in progress.text


async def test_unknown_number_is_not_found(orders: OrderService) -> None:
    progress = await OrderProgressReader(orders=orders).progress(
        order_number="2611249999", caller_number="13800000001"
    )
    assert not progress.found
    assert "没有查到" in progress.text
