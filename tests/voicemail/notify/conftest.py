"""A real SMTP server for the notification tests: aiosmtpd on loopback, on the test's loop."""

from __future__ import annotations

import asyncio
import email
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default

import pytest
from aiosmtpd.smtp import SMTP, Envelope, Session

from base.clock import ScaledClock


@dataclass
class Inbox:
    """What the server received; refuses the first `refuse` messages with a 451."""

    refuse: int = 0
    messages: list[EmailMessage] = field(default_factory=list)
    refused: int = 0
    host: str = "127.0.0.1"
    port: int = 0

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.refused < self.refuse:
            self.refused += 1
            return "451 4.3.0 mailbox busy, try again later"
        content = envelope.content
        assert isinstance(content, bytes)
        message = email.message_from_bytes(content, policy=default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
async def inbox() -> AsyncIterator[Inbox]:
    box = Inbox()
    server = await asyncio.get_running_loop().create_server(
        lambda: SMTP(box, hostname="hotline.test"), "127.0.0.1", 0
    )
    box.port = server.sockets[0].getsockname()[1]
    try:
        yield box
    finally:
        server.close()
        await server.wait_closed()


@pytest.fixture
def clock() -> ScaledClock:
    # Retries wait 30 s, 60 s, ... of clock time: milliseconds at this speed.
    return ScaledClock(speed=2000.0)
