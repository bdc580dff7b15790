"""The voicemail line over the desk: PINs, the lock, departments' messages, handling, call-backs."""

from __future__ import annotations

import argparse
import asyncio
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.audit import AuditEntry
from agent_desk.auth import AuthService, Role
from agent_desk.auth.models import User
from agent_desk.errors import OrderInputInvalid
from agent_desk.mailboxes import DeskMailboxes, LiaisonPins
from agent_desk.notifier import Notifier
from agent_desk.orders import OrderService
from agent_desk.orders.models import OrderEvent
from agent_desk.voicemail_orders import VoicemailOrders
from base.config import Settings
from base.workdays import WorkingCalendar
from directory import DirectoryRepository, DirectoryService
from hotline.bootstrap import build_components
from hotline.cli import users
from hotline.cli.common import CommandError
from hotline.migrate import upgrade
from ivr.ports import MailboxAccess, MailboxLocked
from tests.agent_desk.conftest import SteppedClock, fast_passwords
from voicemail import Voicemail

DEPT_A = "linjiang.gongan"
DEPT_B = "linjiang.shebao"
PIN = "2468"


@pytest.fixture
async def mailboxes(
    sessions: async_sessionmaker[AsyncSession],
    clock: SteppedClock,
    orders: OrderService,
    notifier: Notifier,
    auth: AuthService,
) -> DeskMailboxes:
    directory = DirectoryService(
        repository=DirectoryRepository(sessions), calendar=WorkingCalendar(), home_city="临江市"
    )
    pins = LiaisonPins(sessions=sessions, clock=clock, passwords=fast_passwords())
    await auth.add_user("li_a", Role.LIAISON, departments=[DEPT_A], password="pw-a-123456")
    await auth.add_user("li_b", Role.LIAISON, departments=[DEPT_B], password="pw-b-123456")
    await auth.add_user("op1", Role.OPERATOR, password="pw-op-123456")
    voicemail_orders = VoicemailOrders(
        sessions=sessions, orders=orders, directory=directory, notifier=notifier
    )
    return DeskMailboxes(sessions=sessions, clock=clock, pins=pins, orders=orders,
                         voicemail_orders=voicemail_orders, notifier=notifier)  # fmt: skip


async def add_voicemail(
    sessions: async_sessionmaker[AsyncSession],
    clock: SteppedClock,
    department: str,
    *,
    caller: str = "13900000009",
    minutes_ago: int = 0,
) -> int:
    async with sessions() as session:
        voicemail = Voicemail(
            mailbox=department, department_code=department, caller_number=caller,
            hotline_number="12345", call_id=f"call-{caller}-{minutes_ago}",
            recorded_at=clock.now() - timedelta(minutes=minutes_ago), duration_s=4.0,
            reason="busy", audio_path="", empty=False, reply_due=date(2026, 12, 1),
            recording_name=f"vm-{department}-{caller}-{minutes_ago}",
        )  # fmt: skip
        session.add(voicemail)
        await session.commit()
        return voicemail.id


async def audit_actions(sessions: async_sessionmaker[AsyncSession]) -> list[tuple[str, str]]:
    async with sessions() as session:
        rows = await session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        return [(row.actor, row.action) for row in rows if row.action.startswith(("mail", "voice"))]


async def signed_in(mailboxes: DeskMailboxes, name: str) -> MailboxAccess:
    phone_id = await mailboxes.pins.set_pin(name, PIN)
    access = await mailboxes.sign_in(liaison_id=str(phone_id), pin=PIN)
    assert isinstance(access, MailboxAccess)
    return access


async def test_the_right_pin_signs_a_liaison_in_to_their_departments(
    mailboxes: DeskMailboxes, sessions: async_sessionmaker[AsyncSession]
) -> None:
    phone_id = await mailboxes.pins.set_pin("li_a", PIN)
    access = await mailboxes.sign_in(liaison_id=str(phone_id), pin=PIN)
    assert access == MailboxAccess(liaison="li_a", departments=frozenset({DEPT_A}))
    assert await mailboxes.sign_in(liaison_id=str(phone_id), pin="1357") is None
    assert await audit_actions(sessions) == [
        ("system", "mailbox.set-pin"),
        ("li_a", "mailbox.sign-in"),
        ("li_a", "mailbox.sign-in.failed"),
    ]


async def test_three_wrong_pins_lock_the_id_for_fifteen_minutes(
    mailboxes: DeskMailboxes, clock: SteppedClock
) -> None:
    liaison_id = str(await mailboxes.pins.set_pin("li_a", PIN))
    assert await mailboxes.sign_in(liaison_id=liaison_id, pin="0000") is None
    assert await mailboxes.sign_in(liaison_id=liaison_id, pin="1111") is None
    locked = await mailboxes.sign_in(liaison_id=liaison_id, pin="2222")
    assert locked == MailboxLocked(until=clock.now() + timedelta(minutes=15))
    # While locked even the right PIN is refused, and is not checked at all.
    clock.advance(minutes=14)
    assert isinstance(await mailboxes.sign_in(liaison_id=liaison_id, pin=PIN), MailboxLocked)
    clock.advance(minutes=1, seconds=1)
    assert isinstance(await mailboxes.sign_in(liaison_id=liaison_id, pin=PIN), MailboxAccess)


async def test_a_good_pin_resets_the_count_of_wrong_ones(mailboxes: DeskMailboxes) -> None:
    liaison_id = str(await mailboxes.pins.set_pin("li_a", PIN))
    for _ in range(2):
        assert await mailboxes.sign_in(liaison_id=liaison_id, pin="9999") is None
    assert isinstance(await mailboxes.sign_in(liaison_id=liaison_id, pin=PIN), MailboxAccess)
    for _ in range(2):
        assert await mailboxes.sign_in(liaison_id=liaison_id, pin="9999") is None
    assert isinstance(await mailboxes.sign_in(liaison_id=liaison_id, pin=PIN), MailboxAccess)


async def test_unknown_ids_other_roles_and_liaisons_without_pin_cannot_sign_in(
    mailboxes: DeskMailboxes, sessions: async_sessionmaker[AsyncSession]
) -> None:
    async with sessions() as session:
        ids = dict((await session.execute(select(User.name, User.id))).all())
    assert await mailboxes.sign_in(liaison_id=str(ids["li_b"]), pin=PIN) is None  # no PIN set
    assert await mailboxes.sign_in(liaison_id=str(ids["op1"]), pin=PIN) is None
    assert await mailboxes.sign_in(liaison_id="999999", pin=PIN) is None
    assert await mailboxes.sign_in(liaison_id="1*2", pin=PIN) is None
    with pytest.raises(OrderInputInvalid):
        await mailboxes.pins.set_pin("op1", PIN)
    for bad in ("12", "123456789", "12a4", "１２３４"):
        with pytest.raises(OrderInputInvalid):
            await mailboxes.pins.set_pin("li_a", bad)


async def test_messages_are_the_departments_unhandled_ones_newest_first(
    mailboxes: DeskMailboxes, sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    older = await add_voicemail(sessions, clock, DEPT_A, minutes_ago=30)
    newer = await add_voicemail(sessions, clock, DEPT_A, minutes_ago=5)
    await add_voicemail(sessions, clock, DEPT_B, minutes_ago=1)
    handled = await add_voicemail(sessions, clock, DEPT_A, minutes_ago=2)
    access = await signed_in(mailboxes, "li_a")
    assert await mailboxes.mark_handled(access, handled)
    messages = await mailboxes.messages(access)
    assert [m.id for m in messages] == [newer, older]
    assert messages[0].recorded_at == clock.now() - timedelta(minutes=5)  # aware, China time


async def test_mark_handled_sets_who_and_when_only_for_the_liaisons_own(
    mailboxes: DeskMailboxes, sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    mine = await add_voicemail(sessions, clock, DEPT_A)
    theirs = await add_voicemail(sessions, clock, DEPT_B)
    access = await signed_in(mailboxes, "li_a")
    await mailboxes.note_playback(access, mine)
    assert await mailboxes.mark_handled(access, mine)
    assert not await mailboxes.mark_handled(access, mine)  # already handled
    assert not await mailboxes.mark_handled(access, theirs)
    async with sessions() as session:
        row = await session.get(Voicemail, mine)
        other = await session.get(Voicemail, theirs)
        assert row is not None
        assert other is not None
        assert (row.handled_by, row.handled_at is not None) == ("li_a", True)
        assert other.handled_at is None
    actions = await audit_actions(sessions)
    assert ("li_a", "voicemail.play") in actions
    assert ("li_a", "voicemail.handle") in actions


async def test_a_call_back_is_noted_on_the_voicemails_order(
    mailboxes: DeskMailboxes, sessions: async_sessionmaker[AsyncSession], clock: SteppedClock
) -> None:
    mine = await add_voicemail(sessions, clock, DEPT_A, caller="13700000001")
    theirs = await add_voicemail(sessions, clock, DEPT_B, caller="13700000002")
    access = await signed_in(mailboxes, "li_a")
    await mailboxes.note_callback(access, mine, "联络员li_a回拨13700000001，已接通")
    await mailboxes.note_callback(access, theirs, "not mine")
    async with sessions() as session:
        notes = (
            await session.scalars(select(OrderEvent).where(OrderEvent.transition == "note"))
        ).all()
    assert [(n.actor, n.reason, n.from_status == n.to_status) for n in notes] == [
        ("li_a", "联络员li_a回拨13700000001，已接通", True)
    ]


def test_cli_set_pin_prints_the_phone_id_and_a_generated_pin(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"
    upgrade(url)
    settings = Settings(data_dir=tmp_path, database_url=url)

    async def add_liaison() -> int:
        async with build_components(settings, load_directory=False) as components:
            auth = AuthService(sessions=components.sessions, clock=components.clock,
                               passwords=fast_passwords())  # fmt: skip
            user, _ = await auth.add_user("li_x", Role.LIAISON, departments=[DEPT_A])
            return user.id

    user_id = asyncio.run(add_liaison())
    parser = argparse.ArgumentParser()
    users.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["users", "set-pin", "li_x"])
    assert args.handler(args, settings) == 0
    out = capsys.readouterr().out
    assert f"liaison li_x: phone id {user_id}, PIN set" in out
    pin = out.split("PIN: ")[1].strip()
    assert pin.isdigit()
    assert len(pin) == 6

    async def sign_in() -> object:
        async with build_components(settings, load_directory=False) as components:
            pins = LiaisonPins(sessions=components.sessions, clock=components.clock,
                               passwords=fast_passwords())  # fmt: skip
            return await pins.sign_in(liaison_id=str(user_id), pin=pin)

    assert isinstance(asyncio.run(sign_in()), MailboxAccess)
    args = parser.parse_args(["users", "set-pin", "nobody", "--pin", "1234"])
    with pytest.raises(CommandError, match="no liaison named 'nobody'"):
        args.handler(args, settings)
