"""Order progress by phone (* number #): the real status, only to the number that filed it."""

from __future__ import annotations

from agent_desk.orders import OrderService, OrderStatus
from agent_desk.orders.models import STATUS_LABELS
from agent_desk.orders.numbering import is_order_number, spoken
from ivr.ports import OrderProgress


def _digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def _same_caller(filed_by: str, asking: str) -> bool:
    # Compare the last 11 digits so +86 / 0086 / a trunk prefix do not hide the same line.
    a, b = _digits(filed_by), _digits(asking)
    return bool(a) and bool(b) and a[-11:] == b[-11:]


class OrderProgressReader:
    """Implements `ivr.ports.OrderProgressSource` on the work-order service."""

    def __init__(self, *, orders: OrderService) -> None:
        self._orders = orders

    async def progress(self, *, order_number: str, caller_number: str) -> OrderProgress:
        said = spoken(order_number)
        order = (
            await self._orders.find_by_number(order_number)
            if is_order_number(order_number)
            else None
        )
        if order is None:
            return OrderProgress(found=False, disclosed=False, text=f"没有查到编号为{said}的工单。")
        if not _same_caller(order.caller_number, caller_number):
            return OrderProgress(
                found=True,
                disclosed=False,
                text=f"编号为{said}的工单只能由登记该工单的电话号码查询，无法向您透露办理情况。",
            )
        status = OrderStatus(order.status)
        text = f"您的工单{said}目前状态为{STATUS_LABELS[status]}。"
        deadline = self._orders.deadline_of(order)
        if deadline is not None:
            due = order.due_date
            text += f"办理期限为{due.month}月{due.day}日。"
        if order.reply and status not in (OrderStatus.IN_PROGRESS, OrderStatus.DISPATCHED):
            text += f"答复内容：{order.reply}"
        return OrderProgress(found=True, disclosed=True, text=text)
