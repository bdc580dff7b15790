"""Messages to citizens: written with the order, sent by the drainer, retried until taken.

The SMS gateway is a local aiohttp server the test starts (down first, then up); the
e-mail goes to a real SMTP sink (aiosmtpd) on loopback.
"""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiohttp import web
from sqlalchemy import select

from agent_desk.citizen import (
    FILED,
    REPLIED,
    HttpSmsGateway,
    OutboxDrainer,
    SmtpMessageSender,
    signature,
)
from agent_desk.orders import Step, Transition
from agent_desk.timeutil import china
from tests.agent_desk.conftest import DEPT_A, DeskHarness
from tests.agent_desk.intake_helpers import smtp_sink
from tests.servers import free_port
from voicemail.notify import SmsOutboxMessage, SmtpMailSender, SmtpSettings

GATEWAY_SECRET = "gateway-secret"


async def _rows(harness: DeskHarness) -> list[SmsOutboxMessage]:
    async with harness.sessions() as session:
        return list(await session.scalars(select(SmsOutboxMessage).order_by(SmsOutboxMessage.id)))


async def _file_and_reply(harness: DeskHarness) -> str:
    created = await harness.call("POST", "/api/orders", as_user="op1", json={
        "order_type": "help", "subject": "路灯不亮", "caller_number": "+86 13900001111",
        "caller_email": "wang@example.org", "department_code": DEPT_A})  # fmt: skip
    order = await created.json()
    assert created.status == 201, order
    now = china(harness.clock.now())
    for step in (Step(Transition.START, actor="li_a", at=now),
                 Step(Transition.REPLY, actor="li_a", at=now, reply="已安排维修。")):  # fmt: skip
        await harness.desk.orders.move(order["id"], step, visibility=None)
    number: str = order["number"]
    return number


async def test_filing_and_replying_write_one_sms_and_one_email_each(
    harness: DeskHarness,
) -> None:
    number = await _file_and_reply(harness)
    rows = await _rows(harness)
    assert [(r.purpose, r.medium, r.to) for r in rows] == [
        (FILED, "sms", "13900001111"), (FILED, "email", "wang@example.org"),
        (REPLIED, "sms", "13900001111"), (REPLIED, "email", "wang@example.org"),
    ]  # fmt: skip
    filed_sms, filed_mail, replied_sms, _ = rows
    assert number in filed_sms.text
    assert "12月1日" in filed_sms.text
    assert len(filed_sms.text) <= 70
    assert filed_mail.subject == f"工单已受理：{number}"
    assert "/follow?number=" in filed_mail.text
    assert "已安排维修" in replied_sms.text
    assert all(r.order_number == number and r.sent_at is None for r in rows)


async def test_a_fixed_line_gets_no_sms(harness: DeskHarness) -> None:
    response = await harness.call("POST", "/api/orders", as_user="op1", json={
        "order_type": "help", "subject": "咨询", "caller_number": "0571-88001234"})  # fmt: skip
    assert response.status == 201
    assert await _rows(harness) == []


class FakeGateway:
    """An SMS gateway's HTTP endpoint that records what it was given."""

    def __init__(self) -> None:
        self.received: list[dict[str, str]] = []
        self.signatures_ok: list[bool] = []

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        self.signatures_ok.append(
            request.headers.get("X-Hotline-Signature") == signature(GATEWAY_SECRET, body)
        )
        self.received.append(json.loads(body))
        return web.json_response({"Code": "OK"})


async def test_sms_waits_while_the_gateway_is_down_and_is_delivered_once(
    harness: DeskHarness,
) -> None:
    await _file_and_reply(harness)
    port = free_port()
    gateway = HttpSmsGateway(url=f"http://127.0.0.1:{port}/sms/send", secret=GATEWAY_SECRET)
    drainer = OutboxDrainer(sessions=harness.sessions, clock=harness.clock,
                            senders={"sms": gateway}, backoff_initial_s=30)  # fmt: skip
    assert await drainer.drain_once() == 0  # nothing listens on the port yet
    sms = [r for r in await _rows(harness) if r.medium == "sms"]
    assert [(r.attempts, r.sent_at) for r in sms] == [(1, None), (1, None)]
    assert all(r.last_error and r.next_attempt_at is not None for r in sms)
    assert await drainer.drain_once() == 0  # not due again before the backoff

    fake = FakeGateway()
    app = web.Application()
    app.router.add_post("/sms/send", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        assert await drainer.drain_once() == 0  # up now, but still inside the backoff
        harness.clock.advance(seconds=31)
        assert await drainer.drain_once() == 2
        harness.clock.advance(hours=2)
        assert await drainer.drain_once() == 0  # sent: never again
    finally:
        await runner.cleanup()
    assert [m["phone_numbers"] for m in fake.received] == ["13900001111", "13900001111"]
    assert [m["out_id"] for m in fake.received] == [str(r.id) for r in sms]
    assert all(fake.signatures_ok)
    rows = [r for r in await _rows(harness) if r.medium == "sms"]
    assert all(r.sent_at is not None and r.attempts == 2 for r in rows)
    # E-mail has no sender configured in this drainer: it waits, untouched.
    assert all(r.attempts == 0 for r in await _rows(harness) if r.medium == "email")


async def test_email_to_the_citizen_reaches_a_real_smtp_server(harness: DeskHarness) -> None:
    number = await _file_and_reply(harness)
    async with smtp_sink() as (port, sink):
        mail = SmtpMessageSender(SmtpMailSender(SmtpSettings(host="127.0.0.1", port=port)),
                                 sender="12345 热线 <hotline@example.org>")  # fmt: skip
        drainer = OutboxDrainer(sessions=harness.sessions, clock=harness.clock,
                                senders={"email": mail})  # fmt: skip
        assert await drainer.drain_once() == 2
        assert await drainer.drain_once() == 0
    assert [e.rcpt_tos for e in sink.received] == [["wang@example.org"], ["wang@example.org"]]
    first = message_from_bytes(sink.received[0].original_content or b"", policy=policy.default)
    assert str(first["Subject"]) == f"工单已受理：{number}"
    assert isinstance(first, EmailMessage)
    assert number in first.get_content()


async def test_a_message_is_given_up_after_max_attempts(harness: DeskHarness) -> None:
    await _file_and_reply(harness)
    gateway = HttpSmsGateway(url=f"http://127.0.0.1:{free_port()}/down")
    drainer = OutboxDrainer(sessions=harness.sessions, clock=harness.clock,
                            senders={"sms": gateway}, max_attempts=2)  # fmt: skip
    await drainer.drain_once()
    harness.clock.advance(hours=2)
    await drainer.drain_once()
    sms = [r for r in await _rows(harness) if r.medium == "sms"]
    assert all(r.failed_at is not None and r.attempts == 2 for r in sms)
    harness.clock.advance(hours=2)
    assert await drainer.drain_once() == 0
