"""How an outbox message leaves: the `MessageSender` interface and its two implementations.

`SmtpMessageSender` hands e-mail to an SMTP server (the standard library's client in the
loop's executor, as the liaison notifications do). `HttpSmsGateway` posts each SMS as JSON
to an SMS gateway's HTTP endpoint, signed with HMAC-SHA256 of the body under a shared
secret in `X-Hotline-Signature`; any 2xx answer means the gateway has taken it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol

import aiohttp

from voicemail.notify import MailSender


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    """One outbox row, copied out of the database."""

    id: int
    medium: str  # "sms" or "email"
    to: str
    text: str
    subject: str = ""


class MessageSender(Protocol):
    async def send(self, message: OutgoingMessage) -> None:
        """Deliver or hand over `message`; raise on failure (the drainer retries)."""
        ...


class SendFailed(RuntimeError):
    """The gateway answered, but did not take the message."""


def signature(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class HttpSmsGateway:
    """POST `{"phone_numbers", "content", "out_id"}`; `out_id` lets the gateway drop repeats."""

    def __init__(self, *, url: str, secret: str = "", timeout_s: float = 10.0) -> None:
        self._url = url
        self._secret = secret
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def send(self, message: OutgoingMessage) -> None:
        body = json.dumps(
            {"phone_numbers": message.to, "content": message.text, "out_id": str(message.id)},
            ensure_ascii=False,
        ).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self._secret:
            headers["X-Hotline-Signature"] = signature(self._secret, body)
        async with (
            aiohttp.ClientSession(timeout=self._timeout) as client,
            client.post(self._url, data=body, headers=headers) as response,
        ):
            if not 200 <= response.status < 300:
                text = (await response.text())[:200]
                raise SendFailed(f"SMS gateway answered {response.status}: {text}")


class SmtpMessageSender:
    """E-mail through a `MailSender` (voicemail.notify.SmtpMailSender in production)."""

    def __init__(self, mail: MailSender, *, sender: str) -> None:
        self._mail = mail
        self._sender = sender

    async def send(self, message: OutgoingMessage) -> None:
        mail = EmailMessage()
        mail["From"] = self._sender
        mail["To"] = message.to
        mail["Subject"] = message.subject or "12345 热线"
        # One id per outbox row: a receiving system can recognise a repeat after a crash.
        mail["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="hotline")
        mail.set_content(message.text)
        await self._mail.send(mail)
