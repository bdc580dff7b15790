"""Inbound e-mail: a real SMTP client (smtplib) over loopback to the aiosmtpd receiver."""

from __future__ import annotations

import asyncio
import smtplib
from email.message import EmailMessage

from agent_desk.intake import serve_mail
from agent_desk.orders import OrderService
from tests.agent_desk.conftest import DeskHarness


def _mail(subject: str, body: str, *, sender: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"张先生 <{sender}>"
    message["To"] = "12345@hotline.example"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message.set_content(body)
    return message


def _send(port: int, message: EmailMessage) -> None:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)


async def _orders(orders: OrderService) -> list[str]:
    return [o.number for o in await orders.search(visibility=None)]


async def test_a_mail_sent_over_smtp_becomes_an_order_with_channel_email(
    harness: DeskHarness,
) -> None:
    public = harness.desk.intake
    assert public is not None
    async with serve_mail(public.intake, host="127.0.0.1", port=0) as port:
        message = _mail("小区路灯不亮", "幸福路12号小区的路灯已经坏了一周。\n请尽快维修。",
                        sender="Zhang@Example.ORG", message_id="<a1@example.org>")  # fmt: skip
        await asyncio.to_thread(_send, port, message)
        orders = await harness.desk.orders.search(visibility=None)
        assert len(orders) == 1
        order = orders[0]
        assert (order.channel, order.subject, order.caller_email, order.caller_name) == (
            "email", "小区路灯不亮", "Zhang@example.org", "张先生",
        )  # fmt: skip
        assert "坏了一周" in order.description
        assert order.created_by == "intake:email"
        # The relay retries after a lost answer: the same Message-ID files nothing again.
        await asyncio.to_thread(_send, port, message)
        assert await _orders(harness.desk.orders) == [order.number]
        # The same citizen writes again about it: a new order, offered for 并单.
        again = _mail("路灯还是不亮", "上次反映的路灯还没修。", sender="zhang@example.org",
                      message_id="<a2@example.org>")  # fmt: skip
        await asyncio.to_thread(_send, port, again)
        second = (await harness.desk.orders.search(visibility=None))[0]
        assert second.number != order.number
        view = await harness.desk.orders.get(second.id, visibility=None)
        notes = [e.reason for e in view.events if e.transition == "note"]
        assert notes
        assert order.number in notes[0]
        assert "并单" in notes[0]


async def test_the_receiver_answers_with_the_order_number_and_refuses_no_sender(
    harness: DeskHarness,
) -> None:
    public = harness.desk.intake
    assert public is not None
    async with serve_mail(public.intake, host="127.0.0.1", port=0) as port:

        def converse() -> tuple[int, bytes, int]:
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.ehlo()
                client.mail("citizen@example.org")
                client.rcpt("12345@hotline.example")
                code, reply = client.data(b"Subject: test\r\n\r\nhello\r\n")
                client.mail("<>")
                client.rcpt("12345@hotline.example")
                refused, _ = client.data(b"Subject: no sender\r\n\r\nhello\r\n")
                return code, reply, refused

        code, reply, refused_code = await asyncio.to_thread(converse)
    number = (await _orders(harness.desk.orders))[0]
    assert code == 250
    assert number in reply.decode()
    assert refused_code == 550
    assert len(await _orders(harness.desk.orders)) == 1
