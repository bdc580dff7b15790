"""Inbound e-mail: an SMTP receiver (aiosmtpd) that files each message as a work order.

It runs on the application's own event loop (`loop.create_server`, no thread) and binds
127.0.0.1 by default: put the organisation's mail server in front, relaying the hotline's
address (e.g. 12345@city.gov.cn) to it. Subject → the order's subject, the plain-text body
(or the HTML one, tags dropped) → its description, From → the citizen's e-mail address; a
phone number written in the body is not guessed at. A Message-ID seen before files
nothing again (a relay that retries after a lost answer).
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parseaddr

from aiohttp import web
from aiosmtpd.smtp import SMTP, Envelope, Session

from agent_desk.citizen.contacts import email_address
from agent_desk.intake.filing import CitizenIntake, CitizenReport
from agent_desk.orders import Channel

logger = logging.getLogger(__name__)
MAX_MESSAGE_BYTES = 1024 * 1024
_TAG = re.compile(r"<[^>]*>")


def report_from_mail(raw: bytes, envelope_from: str) -> CitizenReport | None:
    """The citizen's report in a message; None when it names no usable sender."""
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage
    sender = email_address(parseaddr(str(message.get("From", "")))[1]) or email_address(
        envelope_from
    )
    if sender is None:
        return None
    name = parseaddr(str(message.get("From", "")))[0]
    subject = " ".join(str(message.get("Subject", "")).split())
    part = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if isinstance(part, EmailMessage):
        content = part.get_content()
        text = content if isinstance(content, str) else ""
        if part.get_content_subtype() == "html":
            text = html.unescape(_TAG.sub(" ", text))
    text = "\n".join(line.rstrip() for line in text.replace("\x00", "").strip().splitlines())
    message_id = str(message.get("Message-ID", "")).strip()
    ref = f"mail-{hashlib.sha256(message_id.encode()).hexdigest()[:24]}" if message_id else ""
    first_line = text.splitlines()[0] if text else ""
    return CitizenReport(
        channel=Channel.EMAIL, subject=(subject or first_line or "来信")[:200],
        description=text[:4000], email=sender, name=name[:100], ref=ref,
    )  # fmt: skip


class IntakeMailHandler:
    """aiosmtpd's handler: one order per message (several recipients: still one)."""

    def __init__(self, intake: CitizenIntake) -> None:
        self._intake = intake

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        try:
            report = report_from_mail(raw, str(envelope.mail_from or ""))
        except Exception:
            logger.exception("inbound mail: cannot read the message")
            return "554 5.6.0 cannot read this message"
        if report is None:
            return "550 5.1.7 no sender address to answer"
        try:
            filed = await self._intake.file(report)
        except Exception:
            logger.exception("inbound mail from %s: cannot file it", report.email)
            return "451 4.3.0 cannot file the message now, try again later"
        logger.info("inbound mail from %s filed as order %s", report.email, filed.order.number)
        return f"250 2.0.0 filed as order {filed.order.number}"


@asynccontextmanager
async def serve_mail(intake: CitizenIntake, *, host: str, port: int) -> AsyncIterator[int]:
    """Receive mail on host:port (0: any free port) while the block runs; yields the port."""
    handler = IntakeMailHandler(intake)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(
            handler,
            hostname="hotline",
            data_size_limit=MAX_MESSAGE_BYTES,
            enable_SMTPUTF8=True,
            loop=loop,
        ),
        host=host,
        port=port,
    )
    bound: int = server.sockets[0].getsockname()[1]
    logger.info("inbound mail: SMTP on %s:%d", host, bound)
    try:
        yield bound
    finally:
        server.close()
        await server.wait_closed()


def mail_receiver(
    intake: CitizenIntake, *, host: str, port: int
) -> Callable[[web.Application], AsyncIterator[None]]:
    """The receiver as an aiohttp cleanup context: starts and stops with the application."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        async with serve_mail(intake, host=host, port=port):
            yield

    return context
