"""The liaisons' voicemail by phone, over the desk's users, voicemails and work orders.

`DeskMailboxes` is the IVR's `ivr.ports.LiaisonMailboxes`. A liaison's phone id is their
desk user id (digits, so it can be keyed; `hotline users set-pin` prints it) and their PIN
is kept as an argon2 hash beside the password. Wrong PINs are counted per liaison, not per
line: three in a row lock the id for fifteen minutes whoever calls, so a PIN cannot be
guessed by calling from many numbers. Sign-ins, playbacks, call-backs and handling are
written to the audit log like the desk's own.
"""

from __future__ import annotations

import dataclasses
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.auth.models import User, UserDepartment
from agent_desk.auth.passwords import Passwords
from agent_desk.auth.roles import Role
from agent_desk.desk import Desk
from agent_desk.errors import OrderInputInvalid
from agent_desk.notifier import DeskEvent, Notifier
from agent_desk.orders import OrderService
from agent_desk.timeutil import china
from agent_desk.voicemail_orders import VoicemailOrders
from base.clock import Clock
from ivr.ports import MailboxAccess, MailboxLocked
from voicemail import Voicemail, VoicemailInfo

logger = logging.getLogger(__name__)
PHONE = "phone"  # the audit log's "ip" of what happens on the voicemail line


@dataclass(frozen=True, slots=True)
class PinPolicy:
    max_failures: int = 3
    lock_for: timedelta = timedelta(minutes=15)
    min_length: int = 4
    max_length: int = 8


class LiaisonPins:
    """Sets liaisons' PINs and checks them, locking an id after repeated wrong PINs."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        passwords: Passwords,
        policy: PinPolicy | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._passwords = passwords
        self.policy = policy or PinPolicy()

    def new_pin(self) -> str:
        return "".join(secrets.choice("0123456789") for _ in range(self.policy.min_length + 2))

    async def set_pin(self, name: str, pin: str, *, actor: str = "system") -> int:
        """Give the liaison `name` a PIN (clearing any lock); returns their phone id."""
        policy = self.policy
        digits = pin.isascii() and pin.isdigit()
        if not digits or not policy.min_length <= len(pin) <= policy.max_length:
            raise OrderInputInvalid(f"a PIN is {policy.min_length} to {policy.max_length} digits")
        hashed = await self._passwords.hash(pin)
        async with self._sessions() as session:
            user = await session.scalar(select(User).where(User.name == name))
            if user is None or user.role != Role.LIAISON.value:
                raise OrderInputInvalid(f"no liaison named {name!r}")
            user.pin_hash, user.pin_failures, user.pin_locked_until = hashed, 0, None
            audit.record(session, at=china(self._clock.now()), actor=actor,
                         action="mailbox.set-pin", target=name)  # fmt: skip
            await session.commit()
            return user.id

    async def sign_in(self, *, liaison_id: str, pin: str) -> MailboxAccess | MailboxLocked | None:
        now = china(self._clock.now())
        keyed = liaison_id.isascii() and liaison_id.isdigit() and len(liaison_id) <= 9
        user_id = int(liaison_id) if keyed else None
        async with self._sessions() as session:
            user = await session.get(User, user_id) if user_id is not None else None
            usable = user is not None and user.active and user.role == Role.LIAISON.value
            if user is None or not usable or user.pin_hash is None:
                audit.record(session, at=now, actor=f"phone-id:{liaison_id}"[:100],
                             action="mailbox.sign-in.failed", ip=PHONE)  # fmt: skip
                await session.commit()
                return None
            if user.pin_locked_until is not None and china(user.pin_locked_until) > now:
                audit.record(session, at=now, actor=user.name, action="mailbox.sign-in.locked",
                             ip=PHONE)  # fmt: skip
                await session.commit()
                return MailboxLocked(until=china(user.pin_locked_until))
            name, stored = user.name, user.pin_hash
        if not await self._passwords.verify(stored, pin):
            return await self._wrong_pin(user.id, name, now)
        async with self._sessions() as session:
            await session.execute(
                update(User).where(User.id == user.id).values(pin_failures=0, pin_locked_until=None)
            )
            codes = await session.scalars(
                select(UserDepartment.department_code).where(UserDepartment.user_id == user.id)
            )
            departments = frozenset(codes)
            audit.record(session, at=now, actor=name, action="mailbox.sign-in", ip=PHONE)
            await session.commit()
        logger.info("liaison %s signed in to the voicemail line", name)
        return MailboxAccess(liaison=name, departments=departments)

    async def _wrong_pin(self, user_id: int, name: str, now: datetime) -> MailboxLocked | None:
        async with self._sessions() as session:
            # One UPDATE counts the failure, so two lines guessing at once both count.
            failures = await session.scalar(
                update(User)
                .where(User.id == user_id)
                .values(pin_failures=User.pin_failures + 1)
                .returning(User.pin_failures)
            )
            if failures is not None and failures >= self.policy.max_failures:
                until = now + self.policy.lock_for
                await session.execute(
                    update(User)
                    .where(User.id == user_id)
                    .values(pin_failures=0, pin_locked_until=until)
                )
                audit.record(session, at=now, actor=name, action="mailbox.locked", ip=PHONE)
                await session.commit()
                logger.warning("liaison %s: voicemail line locked after wrong PINs", name)
                return MailboxLocked(until=until)
            audit.record(session, at=now, actor=name, action="mailbox.sign-in.failed", ip=PHONE)
            await session.commit()
        return None


class DeskMailboxes:
    """`ivr.ports.LiaisonMailboxes` over the desk: only the liaison's departments exist."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        pins: LiaisonPins,
        orders: OrderService,
        voicemail_orders: VoicemailOrders,
        notifier: Notifier | None = None,
        limit: int = 50,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.pins = pins
        self._orders = orders
        self._voicemail_orders = voicemail_orders
        self._notifier = notifier
        self._limit = limit

    @classmethod
    def for_desk(
        cls, desk: Desk, *, passwords: Passwords | None = None, policy: PinPolicy | None = None
    ) -> DeskMailboxes:
        """The voicemail line over a built desk (the composition root's one-liner)."""
        pins = LiaisonPins(
            sessions=desk.sessions,
            clock=desk.clock,
            passwords=passwords or Passwords(),
            policy=policy,
        )
        voicemail_orders = VoicemailOrders(
            sessions=desk.sessions,
            orders=desk.orders,
            directory=desk.directory,
            notifier=desk.notifier,
        )
        return cls(
            sessions=desk.sessions,
            clock=desk.clock,
            pins=pins,
            orders=desk.orders,
            voicemail_orders=voicemail_orders,
            notifier=desk.notifier,
        )

    async def sign_in(self, *, liaison_id: str, pin: str) -> MailboxAccess | MailboxLocked | None:
        return await self.pins.sign_in(liaison_id=liaison_id, pin=pin)

    async def messages(self, access: MailboxAccess) -> list[VoicemailInfo]:
        query = (
            select(Voicemail)
            .where(
                Voicemail.department_code.in_(sorted(access.departments)),
                Voicemail.handled_at.is_(None),
            )
            .order_by(Voicemail.recorded_at.desc(), Voicemail.id.desc())
            .limit(self._limit)
        )
        async with self._sessions() as session:
            rows = (await session.scalars(query)).all()
        # SQLite gives back naive times; the desk only writes China time.
        return [
            dataclasses.replace(VoicemailInfo.of(row), recorded_at=china(row.recorded_at))
            for row in rows
        ]

    async def note_playback(self, access: MailboxAccess, voicemail_id: int) -> None:
        async with self._sessions() as session:
            audit.record(session, at=china(self._clock.now()), actor=access.liaison,
                         action="voicemail.play", target=str(voicemail_id), ip=PHONE)  # fmt: skip
            await session.commit()

    async def mark_handled(self, access: MailboxAccess, voicemail_id: int) -> bool:
        now = china(self._clock.now())
        async with self._sessions() as session:
            voicemail = await self._visible(session, access, voicemail_id)
            if voicemail is None or voicemail.handled_at is not None:
                return False
            voicemail.handled_at, voicemail.handled_by = now, access.liaison
            audit.record(session, at=now, actor=access.liaison, action="voicemail.handle",
                         target=str(voicemail_id), detail="by phone", ip=PHONE)  # fmt: skip
            department = voicemail.department_code
            await session.commit()
        if self._notifier is not None:
            event = DeskEvent(
                kind="voicemail", id=voicemail_id, department_code=department, summary="handled"
            )
            self._notifier.publish(event)
        return True

    async def note_callback(self, access: MailboxAccess, voicemail_id: int, text: str) -> None:
        """The attempt goes on the voicemail's order (opened now if it has none yet)."""
        async with self._sessions() as session:
            if await self._visible(session, access, voicemail_id) is None:
                return
            audit.record(session, at=china(self._clock.now()), actor=access.liaison,
                         action="voicemail.callback", target=str(voicemail_id), detail=text,
                         ip=PHONE)  # fmt: skip
            await session.commit()
        order = await self._voicemail_orders.order_for_voicemail(voicemail_id)
        # The voicemail is the liaison's; its order may since have moved to another unit,
        # and the note still belongs with it.
        await self._orders.add_note(order.id, text=text, actor=access.liaison, visibility=None)

    @staticmethod
    async def _visible(
        session: AsyncSession, access: MailboxAccess, voicemail_id: int
    ) -> Voicemail | None:
        found: Voicemail | None = await session.scalar(
            select(Voicemail).where(
                Voicemail.id == voicemail_id,
                Voicemail.department_code.in_(sorted(access.departments)),
            )
        )
        return found
