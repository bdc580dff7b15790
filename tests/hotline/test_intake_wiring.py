"""The runtime starts the citizen's channels with the HTTP app: a mail sent to the inbound
SMTP port becomes an order, and the drainer sends the citizen its order number by e-mail."""

from __future__ import annotations

import asyncio
import smtplib
from datetime import datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from agent_desk.orders import WorkOrder
from base.clock import CHINA_TZ, ScaledClock
from base.config import Settings
from hotline.bootstrap import build_components
from hotline.http import build_http_app
from hotline.migrate import upgrade_async
from tests.agent_desk.intake_helpers import smtp_sink
from tests.servers import free_port


def _send(port: int) -> None:
    message = EmailMessage()
    message["From"] = "citizen@example.org"
    message["To"] = "12345@hotline.example"
    message["Subject"] = "公园长椅损坏"
    message.set_content("东湖公园北门的长椅坏了。")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(message)


async def test_mail_in_then_the_order_number_mailed_back(tmp_path: Path) -> None:
    inbound = free_port()
    async with smtp_sink() as (outbound, sink):
        settings = Settings(data_dir=tmp_path, intake_smtp_port=inbound, smtp_host="127.0.0.1",
                            smtp_port=outbound, outbox_poll_s=1)  # fmt: skip
        await upgrade_async(settings.resolved_database_url)
        clock = ScaledClock(start=datetime(2026, 11, 24, 10, 0, tzinfo=CHINA_TZ))
        async with (
            build_components(settings, clock=clock, load_directory=False) as components,
            TestClient(TestServer(build_http_app(components), host="127.0.0.1")),
        ):
            await asyncio.to_thread(_send, inbound)
            async with components.sessions() as session:
                order = await session.scalar(select(WorkOrder))
            assert order is not None
            assert (order.channel, order.caller_email) == ("email", "citizen@example.org")
            for _ in range(200):  # the drainer polls every second
                if sink.received:
                    break
                await asyncio.sleep(0.05)
        # The app has stopped: so has its receiver.
        refused = await asyncio.to_thread(_refused, inbound)
    assert refused
    [envelope] = sink.received
    assert envelope.rcpt_tos == ["citizen@example.org"]
    mail = message_from_bytes(envelope.original_content or b"", policy=policy.default)
    assert str(mail["Subject"]) == f"工单已受理：{order.number}"


def _refused(port: int) -> bool:
    try:
        smtplib.SMTP("127.0.0.1", port, timeout=2).quit()
    except OSError:
        return True
    return False
