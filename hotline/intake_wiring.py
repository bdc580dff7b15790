"""The citizen's channels that run beside the HTTP server: the inbound SMTP receiver and
the outbox drainer, each an aiohttp cleanup context (started and stopped with the app)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from aiohttp import web

from agent_desk import Desk
from agent_desk.citizen import HttpSmsGateway, MessageSender, OutboxDrainer, SmtpMessageSender
from agent_desk.intake import mail_receiver
from base.config import Settings
from hotline.bootstrap import Components
from voicemail.notify import SmtpMailSender, SmtpSettings

logger = logging.getLogger(__name__)


def outbox_senders(settings: Settings) -> dict[str, MessageSender]:
    """A sender per medium the settings configure; other media's messages wait."""
    senders: dict[str, MessageSender] = {}
    if settings.sms_gateway_url:
        senders["sms"] = HttpSmsGateway(
            url=settings.sms_gateway_url, secret=settings.sms_gateway_secret
        )
    if settings.smtp_host:
        mail = SmtpMailSender(
            SmtpSettings(host=settings.smtp_host, port=settings.smtp_port,
                         username=settings.smtp_user, password=settings.smtp_password,
                         starttls=settings.smtp_starttls)
        )  # fmt: skip
        senders["email"] = SmtpMessageSender(mail, sender=settings.mail_from)
    return senders


def install_intake(app: web.Application, components: Components, desk: Desk) -> None:
    settings = components.settings
    if settings.intake_smtp_port and desk.intake is not None:
        app.cleanup_ctx.append(
            mail_receiver(desk.intake.intake, host=settings.intake_smtp_host,
                          port=settings.intake_smtp_port)
        )  # fmt: skip
    senders = outbox_senders(settings)
    if not senders:
        logger.info("outbox: no SMS gateway or SMTP server configured; messages wait in it")
        return
    drainer = OutboxDrainer(sessions=components.sessions, clock=components.clock,
                            senders=senders, poll_s=settings.outbox_poll_s)  # fmt: skip

    async def draining(app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(drainer.run(), name="outbox-drainer")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    app.cleanup_ctx.append(draining)
