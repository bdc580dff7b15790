"""`Notifier`: tells liaisons about new voicemails and supervisors about overdue replies.

Nothing here runs on the call path: `notify_new_voicemail` only puts the voicemail on a
queue and returns. A background task looks up the liaisons and makes one delivery per
e-mail address and phone number; each delivery that fails is retried on its own with
exponential backoff (so a liaison never gets the same e-mail twice because an SMS failed)
and given up after `max_attempts`, with a log entry. Pending deliveries live in memory:
a restart loses them, which is why the digest re-reports anything still unhandled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import Clock
from voicemail.models import Voicemail
from voicemail.notify.messages import (
    VoicemailNotice,
    new_voicemail_email,
    new_voicemail_sms,
    overdue_digest_email,
)
from voicemail.notify.recipients import RecipientDirectory
from voicemail.notify.senders import MailSender, SmsGateway

logger = logging.getLogger(__name__)

# The department's display name for a code (None: the general mailbox); None if unknown.
DepartmentNames = Callable[[str | None], str | None]
# What the supervisors must be told on a day besides overdue voicemails (the digest's
# head): e.g. next year's holiday calendar not entered yet.
DigestWarnings = Callable[[date], Sequence[str]]
GENERAL_MAILBOX_NAME = "热线总信箱"


@dataclass(slots=True)
class _Delivery:
    what: str  # for the log: "e-mail to a@b about voicemail 7"
    send: Callable[[], Awaitable[None]]
    attempts: int = 0


def notice_for(voicemail: Voicemail, department_name: str) -> VoicemailNotice:
    """The notification's copy of a voicemail row (safe to use after the session ends)."""
    return VoicemailNotice(
        id=voicemail.id,
        mailbox=voicemail.mailbox,
        department_code=voicemail.department_code,
        department_name=department_name,
        caller_number=voicemail.caller_number,
        recorded_at=voicemail.recorded_at,
        duration_s=voicemail.duration_s,
        reply_due=voicemail.reply_due,
        transcript=voicemail.transcript,
    )


class Notifier:
    """Queues and sends notifications; `start` it with the application, `close` at exit."""

    def __init__(
        self,
        *,
        recipients: RecipientDirectory,
        mail: MailSender,
        sms: SmsGateway,
        clock: Clock,
        sender: str = "12345 热线 <hotline@localhost>",
        desk_url: str = "",
        department_names: DepartmentNames | None = None,
        digest_warnings: DigestWarnings | None = None,
        max_attempts: int = 6,
        backoff_initial_s: float = 30.0,
        backoff_max_s: float = 3600.0,
    ) -> None:
        self._recipients = recipients
        self._mail = mail
        self._sms = sms
        self._clock = clock
        self._sender = sender
        self._desk_url = desk_url
        self._names = department_names
        self._digest_warnings = digest_warnings
        self._max_attempts = max_attempts
        self._backoff_initial = backoff_initial_s
        self._backoff_max = backoff_max_s
        self._queue: asyncio.Queue[_Delivery] = asyncio.Queue()
        self._tasks: set[asyncio.Task[None]] = set()
        self._worker: asyncio.Task[None] | None = None
        # Deliveries not yet sent or given up (queued, in flight or waiting to retry).
        self._outstanding = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.sent = 0
        self.failed = 0

    # -- life cycle ---------------------------------------------------------------------

    def start(self) -> None:
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._work())

    async def close(self) -> None:
        """Stop sending; deliveries still pending are dropped (and logged)."""
        pending = self._outstanding
        for task in [*self._tasks, *([self._worker] if self._worker else [])]:
            task.cancel()
        await asyncio.gather(*self._tasks, *([self._worker] if self._worker else []),
                             return_exceptions=True)  # fmt: skip
        self._worker = None
        if pending:
            logger.warning("notifier closed with %d notification(s) unsent", pending)

    async def idle(self) -> None:
        """Wait until nothing is queued, being sent or waiting for a retry (for tests)."""
        await self._idle.wait()

    def _name(self, department_code: str | None) -> str:
        named = self._names(department_code) if self._names is not None else None
        return named or department_code or GENERAL_MAILBOX_NAME

    # -- entry points -------------------------------------------------------------------

    def notify_new_voicemail(self, voicemail: Voicemail | VoicemailNotice) -> None:
        """Queue notifications of a new voicemail; returns at once, never raises."""
        notice = (
            voicemail
            if isinstance(voicemail, VoicemailNotice)
            else notice_for(voicemail, self._name(voicemail.department_code))
        )
        if notice.department_code is None and notice.mailbox != "general":
            logger.info("voicemail %d has no department; notifying the general mailbox", notice.id)
        self._enqueue(f"recipients of voicemail {notice.id}", partial(self._fan_out, notice))

    async def send_overdue_digest(
        self, sessions: async_sessionmaker[AsyncSession], *, today: date | None = None
    ) -> int:
        """Queue the digest of voicemails past their reply date and unhandled, headed by the
        day's warnings; their count. Nothing to say (no overdue, no warning): no e-mail."""
        day = today or self._clock.now().date()
        async with sessions() as session:
            rows = await session.scalars(
                select(Voicemail)
                .where(
                    Voicemail.reply_due < day,
                    Voicemail.handled_at.is_(None),
                    Voicemail.empty.is_(False),
                )
                .order_by(Voicemail.department_code, Voicemail.reply_due, Voicemail.id)
            )
            overdue = [notice_for(vm, self._name(vm.department_code)) for vm in rows]
        warnings = list(self._digest_warnings(day)) if self._digest_warnings else []
        if not overdue and not warnings:
            return 0
        for person in await self._recipients.supervisors():
            if person.email:
                message = overdue_digest_email(
                    overdue, person, sender=self._sender, today=day, warnings=warnings
                )
                self._enqueue(f"digest e-mail to {person.email}", partial(self._mail.send, message))
        return len(overdue)

    async def run_daily_digest(
        self, sessions: async_sessionmaker[AsyncSession], *, at: time = time(9, 0)
    ) -> None:
        """Send the digest every day at `at` (clock time); run as a background task."""
        while True:
            await self._clock.sleep(_seconds_until(self._clock.now(), at))
            try:
                await self.send_overdue_digest(sessions)
            except Exception:
                logger.exception("overdue digest failed; trying again tomorrow")
            await self._clock.sleep(1.0)  # step past `at` so it runs once a day

    # -- delivery -----------------------------------------------------------------------

    async def _fan_out(self, notice: VoicemailNotice) -> None:
        people = await self._recipients.liaisons(notice.department_code)
        if not people:
            logger.warning("voicemail %d: mailbox %s has no liaison", notice.id, notice.mailbox)
        text = new_voicemail_sms(notice)
        for person in people:
            if person.email:
                message = new_voicemail_email(
                    notice, person, sender=self._sender, desk_url=self._desk_url
                )
                self._enqueue(
                    f"e-mail to {person.email} about voicemail {notice.id}",
                    partial(self._mail.send, message),
                )
            if person.phone:
                self._enqueue(
                    f"SMS to {person.phone} about voicemail {notice.id}",
                    partial(self._sms.send, person.phone, text),
                )

    def _enqueue(self, what: str, send: Callable[[], Awaitable[None]]) -> None:
        self._outstanding += 1
        self._idle.clear()
        self._queue.put_nowait(_Delivery(what, send))

    def _settled(self) -> None:
        self._outstanding -= 1
        if self._outstanding == 0:
            self._idle.set()

    async def _work(self) -> None:
        while True:
            delivery = await self._queue.get()
            try:
                await self._attempt(delivery)
            finally:
                self._queue.task_done()

    async def _attempt(self, delivery: _Delivery) -> None:
        delivery.attempts += 1
        try:
            await delivery.send()
        except Exception as exc:
            if delivery.attempts >= self._max_attempts:
                self.failed += 1
                logger.error("gave up on %s after %d attempts: %s",
                             delivery.what, delivery.attempts, exc)  # fmt: skip
                self._settled()
                return
            delay = min(self._backoff_max, self._backoff_initial * 2 ** (delivery.attempts - 1))
            logger.warning("%s failed (%s); retrying in %.0f s", delivery.what, exc, delay)
            task = asyncio.get_running_loop().create_task(self._retry_later(delivery, delay))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        else:
            self.sent += 1
            self._settled()

    async def _retry_later(self, delivery: _Delivery, delay: float) -> None:
        await self._clock.sleep(delay)
        self._queue.put_nowait(delivery)


def _seconds_until(now: datetime, at: time) -> float:
    target = datetime.combine(now.date(), at, tzinfo=now.tzinfo)
    if target <= now:
        target += timedelta(days=1)
    return (target - now).total_seconds()
