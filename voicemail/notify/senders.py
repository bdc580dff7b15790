"""The two ways a notification leaves: e-mail over SMTP, and SMS through a gateway.

`SmtpMailSender` uses the standard library's `smtplib` in the loop's default executor
(a blocking client, run off the loop); `OutboxSmsGateway` is the default SMS gateway and
only writes the message to the `sms_outbox` table for the operator's SMS sender.
"""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import Clock
from voicemail.notify.models import SmsOutboxMessage


class MailSender(Protocol):
    async def send(self, message: EmailMessage) -> None:
        """Hand the message to the mail system; raise on failure (the caller retries)."""
        ...


class SmsGateway(Protocol):
    async def send(self, to: str, text: str) -> None:
        """Accept a text message for `to`; raise on failure (the caller retries)."""
        ...


@dataclass(frozen=True, slots=True)
class SmtpSettings:
    host: str
    port: int = 25
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout_s: float = 30.0


class SmtpMailSender:
    """Sends each message over a fresh SMTP connection (notifications are rare)."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, message: EmailMessage) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self._send, message)

    def _send(self, message: EmailMessage) -> None:
        s = self._settings
        with smtplib.SMTP(s.host, s.port, timeout=s.timeout_s) as smtp:
            if s.starttls:
                smtp.starttls()
            if s.username:
                smtp.login(s.username, s.password)
            smtp.send_message(message)


class OutboxSmsGateway:
    """The default SMS gateway: one `sms_outbox` row per message."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessions = sessions
        self._clock = clock

    async def send(self, to: str, text: str) -> None:
        async with self._sessions.begin() as session:
            session.add(
                SmsOutboxMessage(to=to, text=text, created_at=self._clock.now(), attempts=0)
            )
