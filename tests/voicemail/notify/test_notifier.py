"""Notifier: e-mail to a local SMTP server, SMS into the outbox table, retries, the digest."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from base.clock import CHINA_TZ, ScaledClock
from base.workdays import WorkingCalendar
from tests.voicemail.notify.conftest import Inbox
from voicemail.models import Voicemail
from voicemail.notify import (
    InMemoryRecipients,
    Notifier,
    OutboxSmsGateway,
    Recipient,
    SmsOutboxMessage,
    SmtpMailSender,
    SmtpSettings,
)

WAIT = 10.0
RECORDED = datetime(2026, 3, 2, 10, 15, tzinfo=CHINA_TZ)
LIAISONS = {
    "gaj": [
        Recipient("王芳", "wang@gaj.example", "13900000001"),
        Recipient("李强", "li@gaj.example", ""),
    ],
    "general": [Recipient("值班长", "", "13900000009")],
}
SUPERVISORS = [Recipient("赵主任", "zhao@12345.example", "13900000010")]


def voicemail(id_: int, *, code: str | None = "gaj", **changes: object) -> Voicemail:
    fields: dict[str, object] = {
        "id": id_,
        "mailbox": code or "general",
        "department_code": code,
        "caller_number": "13800138000",
        "recorded_at": RECORDED,
        "duration_s": 23.4,
        "reason": "busy",
        "reply_due": date(2026, 3, 9),
        "transcript": "我想问一下户口迁移",
    }
    fields.update(changes)
    return Voicemail(**fields)


def make_notifier(
    inbox: Inbox, sessions: async_sessionmaker[AsyncSession], clock: ScaledClock
) -> Notifier:
    return Notifier(
        recipients=InMemoryRecipients(LIAISONS, SUPERVISORS),
        mail=SmtpMailSender(SmtpSettings(host=inbox.host, port=inbox.port, timeout_s=5)),
        sms=OutboxSmsGateway(sessions, clock),
        clock=clock,
        desk_url="http://desk.example/",
        department_names=lambda code: "临江市公安局" if code == "gaj" else None,
        max_attempts=3,
    )


@pytest.fixture
async def notifier(
    inbox: Inbox, sessions: async_sessionmaker[AsyncSession], clock: ScaledClock
) -> AsyncIterator[Notifier]:
    service = make_notifier(inbox, sessions, clock)
    service.start()
    try:
        yield service
    finally:
        await service.close()


async def outbox(sessions: async_sessionmaker[AsyncSession]) -> list[SmsOutboxMessage]:
    async with sessions() as session:
        return list(await session.scalars(select(SmsOutboxMessage).order_by(SmsOutboxMessage.id)))


async def test_new_voicemail_emails_each_liaison_and_queues_sms(
    notifier: Notifier, inbox: Inbox, sessions: async_sessionmaker[AsyncSession]
) -> None:
    notifier.notify_new_voicemail(voicemail(7))
    await asyncio.wait_for(notifier.idle(), WAIT)

    assert sorted(m["To"].addresses[0].addr_spec for m in inbox.messages) == [
        "li@gaj.example",
        "wang@gaj.example",
    ]
    mail = inbox.messages[0]
    assert "临江市公安局" in mail["Subject"]
    assert "13800138000" in mail["Subject"]
    body = mail.get_content()
    assert "2026-03-02 10:15" in body
    assert "2026-03-09" in body
    assert "我想问一下户口迁移" in body
    assert "http://desk.example/voicemails/7" in body
    [sms] = await outbox(sessions)
    assert sms.to == "13900000001"
    assert "临江市公安局" in sms.text
    assert len(sms.text) <= 70
    assert (sms.sent_at, sms.attempts, sms.last_error) == (None, 0, None)
    assert (notifier.sent, notifier.failed) == (4, 0)  # fan-out + 2 e-mails + 1 SMS


async def test_general_mailbox_goes_to_its_own_liaisons(
    notifier: Notifier, inbox: Inbox, sessions: async_sessionmaker[AsyncSession]
) -> None:
    notifier.notify_new_voicemail(voicemail(8, code=None))
    await asyncio.wait_for(notifier.idle(), WAIT)
    assert inbox.messages == []
    assert [m.to for m in await outbox(sessions)] == ["13900000009"]


async def test_notify_returns_at_once_even_when_mail_cannot_be_delivered(
    sessions: async_sessionmaker[AsyncSession], clock: ScaledClock, inbox: Inbox
) -> None:
    inbox.port = 9  # nothing listens on the discard port: every attempt is refused
    service = make_notifier(inbox, sessions, clock)
    service.start()
    try:
        started = time.perf_counter()
        service.notify_new_voicemail(voicemail(9))
        assert time.perf_counter() - started < 0.05
        await asyncio.wait_for(service.idle(), WAIT)
    finally:
        await service.close()
    assert service.failed == 2  # both e-mails, after 3 attempts each
    assert len(await outbox(sessions)) == 1  # the SMS still went out


async def test_refused_mail_is_retried_with_backoff(
    notifier: Notifier, inbox: Inbox, clock: ScaledClock
) -> None:
    inbox.refuse = 3  # the first three DATA commands get 451
    started = clock.monotonic()
    notifier.notify_new_voicemail(voicemail(10))
    await asyncio.wait_for(notifier.idle(), WAIT)
    assert inbox.refused == 3
    assert len(inbox.messages) == 2
    assert notifier.failed == 0
    # Two e-mails, three refusals: someone waited 30 s then 60 s (clock time).
    assert clock.monotonic() - started >= 90.0


async def test_daily_digest_lists_only_overdue_unhandled_messages(
    notifier: Notifier, inbox: Inbox, sessions: async_sessionmaker[AsyncSession]
) -> None:
    today = date(2026, 3, 12)
    async with sessions.begin() as session:
        session.add_all(
            [
                voicemail(1, reply_due=today - timedelta(days=3)),
                voicemail(2, reply_due=today - timedelta(days=1), code=None),
                voicemail(3, reply_due=today - timedelta(days=2), handled_at=RECORDED),
                voicemail(4, reply_due=today),
                voicemail(5, reply_due=today - timedelta(days=5), empty=True),
            ]
        )
    assert await notifier.send_overdue_digest(sessions, today=today) == 2
    await asyncio.wait_for(notifier.idle(), WAIT)
    [digest] = inbox.messages
    assert digest["To"].addresses[0].addr_spec == "zhao@12345.example"
    assert "2 条" in digest["Subject"]
    body = digest.get_content()
    assert "#1 临江市公安局" in body
    assert "逾期 3 天" in body
    assert "#2 热线总信箱" in body
    for absent in ("#3", "#4", "#5"):
        assert absent not in body


async def test_no_digest_when_nothing_is_overdue(
    notifier: Notifier, inbox: Inbox, sessions: async_sessionmaker[AsyncSession]
) -> None:
    assert await notifier.send_overdue_digest(sessions, today=date(2026, 3, 1)) == 0
    await asyncio.wait_for(notifier.idle(), WAIT)
    assert inbox.messages == []


async def test_daily_digest_runs_at_the_configured_time(
    inbox: Inbox, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions.begin() as session:
        session.add(voicemail(1, reply_due=date(2026, 3, 1)))
    # 08:59:30 with the digest at 09:00: it fires after 30 s of clock time.
    clock = ScaledClock(start=datetime(2026, 3, 12, 8, 59, 30, tzinfo=CHINA_TZ), speed=600.0)
    service = make_notifier(inbox, sessions, clock)
    service.start()
    runner = asyncio.create_task(service.run_daily_digest(sessions))
    try:
        for _ in range(200):
            if inbox.messages:
                break
            await asyncio.sleep(0.01)
    finally:
        runner.cancel()
        await service.close()
    assert len(inbox.messages) == 1
    assert clock.now() >= datetime(2026, 3, 12, 9, 0, tzinfo=CHINA_TZ)


async def test_digest_warns_supervisors_from_december_first_when_next_year_is_missing(
    inbox: Inbox, sessions: async_sessionmaker[AsyncSession], clock: ScaledClock
) -> None:
    calendar = WorkingCalendar()  # the package's years: 2027 is not among them

    def calendar_warnings(day: date) -> list[str]:
        warning = calendar.missing_year_warning(day)
        return [warning] if warning else []

    service = Notifier(
        recipients=InMemoryRecipients(LIAISONS, SUPERVISORS),
        mail=SmtpMailSender(SmtpSettings(host=inbox.host, port=inbox.port, timeout_s=5)),
        sms=OutboxSmsGateway(sessions, clock),
        clock=clock,
        digest_warnings=calendar_warnings,
    )
    service.start()
    try:
        await service.send_overdue_digest(sessions, today=date(2026, 11, 30))
        await asyncio.wait_for(service.idle(), WAIT)
        assert inbox.messages == []  # nothing overdue, nothing to warn about yet
        await service.send_overdue_digest(sessions, today=date(2026, 12, 1))
        await asyncio.wait_for(service.idle(), WAIT)
        [digest] = inbox.messages
        assert "1 项提醒" in digest["Subject"]
        body = digest.get_content()
        assert "2027 年节假日安排尚未录入" in body
        assert "没有逾期未答复的留言" in body
    finally:
        await service.close()
