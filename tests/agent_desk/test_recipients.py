"""Notification recipients from the desk's users, and their contacts from the shell."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.auth import AuthService, Role
from agent_desk.recipients import DeskRecipients
from agent_desk.user_admin import ContactInvalid, UserAdmin
from base.config import Settings
from base.database import create_engine, create_session_factory
from hotline.cli import users
from hotline.cli.common import CommandError
from hotline.migrate import upgrade
from tests.agent_desk.conftest import DEPT_A, DEPT_B, SteppedClock, fast_passwords
from voicemail.notify import Notifier, OutboxSmsGateway, Recipient, SmsOutboxMessage
from voicemail.notify.messages import VoicemailNotice


class RecordingMail:
    """A MailSender that keeps what it was given."""

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


async def _people(
    auth: AuthService, sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> UserAdmin:
    admin = UserAdmin(sessions=sessions, clock=clock, passwords=fast_passwords())
    contacts = {
        "li_a1": (Role.LIAISON, (DEPT_A,), "a1@example.org", "13800000001"),
        "li_a2": (Role.LIAISON, (DEPT_A, DEPT_B), None, "13800000002"),
        "li_gone": (Role.LIAISON, (DEPT_A,), "gone@example.org", None),
        "li_b": (Role.LIAISON, (DEPT_B,), "b@example.org", None),
        "sup1": (Role.SUPERVISOR, (), "sup1@example.org", None),
        "sup_gone": (Role.SUPERVISOR, (), "old@example.org", None),
        "op1": (Role.OPERATOR, (), "op@example.org", "13800000009"),
    }
    for name, (role, departments, email, phone) in contacts.items():
        user, _ = await auth.add_user(name, role, departments=departments, password="pw-12345678")
        await admin.set_contact(user.id, email=email, phone=phone, actor="test")
    for gone in ("li_gone", "sup_gone"):
        await admin.set_active(await admin.id_of(gone), False, actor="test")
    return admin


async def test_liaisons_and_supervisors_are_the_active_users(
    auth: AuthService, sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    await _people(auth, sessions, clock)
    recipients = DeskRecipients(sessions)
    assert list(await recipients.liaisons(DEPT_A)) == [
        Recipient(name="li_a1", email="a1@example.org", phone="13800000001"),
        Recipient(name="li_a2", email="", phone="13800000002"),
    ]
    assert [r.name for r in await recipients.liaisons(DEPT_B)] == ["li_a2", "li_b"]
    assert list(await recipients.liaisons("nobody.here")) == []
    supervisors = [Recipient(name="sup1", email="sup1@example.org")]
    assert list(await recipients.supervisors()) == supervisors
    # The general mailbox is the hotline's own: its supervisors hear about it.
    assert list(await recipients.liaisons(None)) == supervisors


async def test_contacts_are_validated_and_cleared(
    auth: AuthService, sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    admin = await _people(auth, sessions, clock)
    user_id = await admin.id_of("li_a1")
    with pytest.raises(ContactInvalid, match="email"):
        await admin.set_contact(user_id, email="not-an-address", actor="test")
    with pytest.raises(ContactInvalid, match="phone"):
        await admin.set_contact(user_id, phone="call me", actor="test")
    account = await admin.set_contact(user_id, email="", actor="test")
    assert (account.email, account.phone) == (None, "13800000001")


async def test_the_voicemail_notifier_reaches_the_desk_liaisons(
    auth: AuthService, sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    await _people(auth, sessions, clock)
    mail = RecordingMail()
    notifier = Notifier(recipients=DeskRecipients(sessions), mail=mail,
                        sms=OutboxSmsGateway(sessions, clock), clock=clock)  # fmt: skip
    notifier.start()
    try:
        notifier.notify_new_voicemail(
            VoicemailNotice(id=7, mailbox=DEPT_A, department_code=DEPT_A, department_name="公安局",
                            caller_number="13900000001", recorded_at=clock.now(),
                            duration_s=12.0, reply_due=date(2026, 12, 1))
        )  # fmt: skip
        await notifier.idle()
    finally:
        await notifier.close()
    assert [m["To"] for m in mail.sent] == ["li_a1 <a1@example.org>"]
    async with sessions() as session:
        texted = sorted(await session.scalars(select(SmsOutboxMessage.to)))
    assert texted == ["13800000001", "13800000002"]


# --- the shell ------------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    upgrade(url)
    return Settings(data_dir=tmp_path, database_url=url)


def run(settings: Settings, *argv: str) -> int:
    parser = argparse.ArgumentParser()
    users.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.handler(args, settings)
    return code


def test_users_add_and_set_contact_from_the_shell(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(settings, "users", "add", "sup9", "--role", "supervisor",
               "--email", "sup9@example.org", "--phone", "13800000099") == 0  # fmt: skip
    assert run(settings, "users", "set-contact", "sup9", "--phone", "13800000100") == 0
    assert "contact of sup9 updated" in capsys.readouterr().out
    with pytest.raises(CommandError, match="not an e-mail"):
        run(settings, "users", "set-contact", "sup9", "--email", "nope")
    with pytest.raises(CommandError, match="no user"):
        run(settings, "users", "set-contact", "nobody", "--email", "a@b.cn")

    async def read() -> list[Recipient]:
        engine = create_engine(settings.database_url)
        try:
            return list(await DeskRecipients(create_session_factory(engine)).supervisors())
        finally:
            await engine.dispose()

    assert asyncio.run(read()) == [
        Recipient(name="sup9", email="sup9@example.org", phone="13800000100")
    ]
