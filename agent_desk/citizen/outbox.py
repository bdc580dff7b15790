"""What the hotline tells a citizen: their order's number and deadline, then its answer.

`CitizenOutbox` is the order service's `OrderListener`: it writes the messages into the
outbox (`sms_outbox`) in the same transaction as the order, one SMS to a mobile number and
one e-mail to an address, each at most once per order and purpose. `OutboxDrainer` sends
them later, so a gateway that is down delays a message but never loses it.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from agent_desk.citizen.contacts import email_address, mobile_number
from agent_desk.orders.models import WorkOrder
from agent_desk.timeutil import china
from voicemail.notify import SmsOutboxMessage

FILED = "filed"
REPLIED = "replied"
SMS_LIMIT = 70  # one segment of Chinese text
SMS_SIGN = "【12345热线】"


class CitizenOutbox:
    """Writes the citizen's messages for an order; `follow_url` is the public /follow page."""

    def __init__(self, *, follow_url: str) -> None:
        self._follow_url = follow_url

    def follow_link(self, number: str) -> str:
        return f"{self._follow_url}?number={number}"

    async def order_filed(self, session: AsyncSession, order: WorkOrder) -> None:
        due = order.due_date
        sms = (f"{SMS_SIGN}您的诉求已受理，工单号{order.number}，"
               f"办理期限{due.month}月{due.day}日。凭工单号和手机号查询进度。")  # fmt: skip
        body = "\n".join([
            "您好：",
            "",
            f"您反映的“{order.subject}”已受理。",
            f"工单号：{order.number}",
            f"办理期限：{due.isoformat()}",
            "",
            f"凭工单号和登记的电话号码或邮箱查询办理进度：{self.follow_link(order.number)}",
        ])  # fmt: skip
        await self._write(session, order, FILED, sms, f"工单已受理：{order.number}", body)

    async def order_replied(self, session: AsyncSession, order: WorkOrder) -> None:
        reply = (order.reply or "").strip()
        head = f"{SMS_SIGN}工单{order.number}已答复："
        tail = "详情凭工单号查询。"
        room = SMS_LIMIT - len(head) - len(tail)
        short = reply if len(reply) <= room else reply[: max(room - 1, 0)] + "…"
        body = "\n".join([
            "您好：",
            "",
            f"您的工单 {order.number}（{order.subject}）已有答复：",
            "",
            reply or "（见查询页面）",
            "",
            f"查询与评价：{self.follow_link(order.number)}",
        ])  # fmt: skip
        await self._write(session, order, REPLIED, head + short + tail,
                          f"工单已答复：{order.number}", body)  # fmt: skip

    async def _write(self, session: AsyncSession, order: WorkOrder, purpose: str,
                     sms: str, subject: str, body: str) -> None:  # fmt: skip
        now = china(order.updated_at)
        wanted: list[tuple[str, str, str | None, str]] = []
        phone = mobile_number(order.caller_number)
        if phone:
            wanted.append(("sms", phone, None, sms[:SMS_LIMIT]))
        address = email_address(order.caller_email)
        if address:
            wanted.append(("email", address, subject, body))
        for medium, to, title, text in wanted:
            if await self._already(session, order.number, purpose, medium):
                continue  # filed once; each reply (after 发回重办 too) is news
            session.add(SmsOutboxMessage(to=to, text=text, created_at=now, attempts=0,
                                         medium=medium, subject=title, purpose=purpose,
                                         order_number=order.number))  # fmt: skip

    @staticmethod
    async def _already(session: AsyncSession, number: str, purpose: str, medium: str) -> bool:
        if purpose != FILED:
            return False
        found = await session.scalar(
            select(SmsOutboxMessage.id).where(
                SmsOutboxMessage.order_number == number,
                SmsOutboxMessage.purpose == purpose,
                SmsOutboxMessage.medium == medium,
            )
        )
        return found is not None
