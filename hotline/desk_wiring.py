"""What happens after a voicemail is kept.

A new voicemail joins (or opens) a work order with its reply deadline, gets a transcript
when a speech model is configured, and its department's liaisons are told by e-mail and
SMS (the SMS outbox by default); supervisors get a daily digest of overdue replies.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import Desk, VoicemailOrders
from agent_desk.recipients import DeskRecipients
from base.errors import ServiceUnavailable
from hotline.bootstrap import Components
from ivr.callbacks import CallbackDialer
from ivr.controller import Controller
from ivr.live_transfer import transfer_live_call
from ivr.speech import SpeechRecognizer, transcribe_voicemail
from voicemail import Voicemail, VoicemailInfo
from voicemail.notify import (
    MailSender,
    Notifier,
    OutboxSmsGateway,
    SmtpMailSender,
    SmtpSettings,
)

logger = logging.getLogger(__name__)


class VoicemailFollowUp:
    """A voicemail's work order (filed with its row), then its transcript and notices."""

    def __init__(
        self,
        *,
        desk: Desk,
        sessions: async_sessionmaker[AsyncSession],
        recognizer: SpeechRecognizer | None = None,
        notifier: Notifier | None = None,
    ) -> None:
        self.orders = VoicemailOrders(
            sessions=sessions, orders=desk.orders, directory=desk.directory, notifier=desk.notifier
        )
        self._sessions = sessions
        self._recognizer = recognizer
        self._notifier = notifier

    async def voicemail_saved(self, voicemail: VoicemailInfo) -> None:
        """A `VoicemailListener`: runs once the voicemail and its order are stored."""
        await self._transcribe(voicemail)  # before the notice, which carries it
        if self._notifier is not None:
            async with self._sessions() as session:
                row = await session.get(Voicemail, voicemail.id)
                if row is not None:
                    self._notifier.notify_new_voicemail(row)

    async def _transcribe(self, voicemail: VoicemailInfo) -> str | None:
        if self._recognizer is None or voicemail.empty or not voicemail.audio_path:
            return None
        text = await transcribe_voicemail(self._recognizer, Path(voicemail.audio_path))
        if text is None:
            return None
        async with self._sessions.begin() as session:
            await session.execute(
                update(Voicemail).where(Voicemail.id == voicemail.id).values(transcript=text)
            )
        return text


class LoggedMail:
    """The mail sender when no SMTP server is configured: say so, send nothing."""

    async def send(self, message: EmailMessage) -> None:
        logger.warning(
            "e-mail to %s not sent: no SMTP server configured (HOTLINE_SMTP_HOST)", message["To"]
        )


@asynccontextmanager
async def notifications(components: Components) -> AsyncIterator[Notifier]:
    """The notifier with its senders and the daily digest, for as long as the block runs."""
    settings, sessions, clock = components.settings, components.sessions, components.clock
    mail: MailSender = (
        SmtpMailSender(
            SmtpSettings(
                host=settings.smtp_host,
                port=settings.smtp_port,
                username=settings.smtp_user,
                password=settings.smtp_password,
                starttls=settings.smtp_starttls,
            )
        )
        if settings.smtp_host
        else LoggedMail()
    )
    directory = components.directory

    def department_name(code: str | None) -> str | None:
        record = directory.get(code) if code else None
        return record.name if record is not None else None

    def digest_warnings(day: date) -> list[str]:
        warning = components.calendar.missing_year_warning(day)
        return [warning] if warning else []

    notifier = Notifier(
        recipients=DeskRecipients(sessions),
        mail=mail,
        sms=OutboxSmsGateway(sessions, clock),
        clock=clock,
        sender=settings.mail_from,
        desk_url=f"{settings.base_url}/desk/inbox",
        department_names=department_name,
        digest_warnings=digest_warnings,
    )
    notifier.start()
    digest = asyncio.create_task(notifier.run_daily_digest(sessions), name="overdue-digest")
    try:
        yield notifier
    finally:
        digest.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await digest
        await notifier.close()


class LiveCallControl:
    """The desk's `CallControl`: live transfers by the controller, callbacks by the dialer."""

    def __init__(self, *, controller: Controller, dialer: CallbackDialer | None) -> None:
        self._controller = controller
        self._dialer = dialer

    async def transfer_to_department(self, *, call_id: str, department_code: str) -> None:
        await transfer_live_call(self._controller, ref=call_id, department_code=department_code)

    async def originate_callback(self, *, from_endpoint: str, to_number: str, note: str) -> str:
        if self._dialer is None:
            raise ServiceUnavailable("callbacks need the operator queue (no sites are loaded)")
        return await self._dialer.originate_callback(
            from_endpoint=from_endpoint, to_number=to_number, note=note
        )
