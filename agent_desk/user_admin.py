"""Administration of desk accounts beyond creating them: contacts, deactivation, password reset.

Creating users stays with `AuthService.add_user`; this adds what an administrator does
afterwards. Deactivating or resetting a password also ends the user's open sessions, so
the change takes effect on their next click, not at their next sign-in.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.auth import Passwords, Role, one_time_password
from agent_desk.auth.models import User, UserDepartment, WebSession
from agent_desk.timeutil import china
from base.clock import Clock
from base.errors import HotlineError, InvalidInput, NotFound

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^\+?[0-9][0-9-]{2,30}$")


class Keep(Enum):
    """Distinguishes "leave as it is" from "clear" (None) in `UserAdmin.set_contact`."""

    KEEP = "keep"


KEEP = Keep.KEEP


class UserNotFound(NotFound):
    code = "user-not-found"


class ContactInvalid(InvalidInput):
    code = "user-contact-invalid"


class SelfDeactivation(HotlineError):
    status = 409
    code = "user-self-deactivation"


def normalise_email(value: str | None) -> str | None:
    """A trimmed e-mail address, None for empty; raises ContactInvalid when malformed."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) > 254 or not _EMAIL.match(value):
        raise ContactInvalid(f"email {value[:60]!r} is not an e-mail address",
                             details={"field": "email"})  # fmt: skip
    return value


def normalise_phone(value: str | None) -> str | None:
    """A mobile or fixed number for SMS (digits, '-', leading '+'), None for empty."""
    value = (value or "").strip().replace(" ", "")
    if not value:
        return None
    if not _PHONE.match(value):
        raise ContactInvalid(f"phone {value[:40]!r} is not a phone number",
                             details={"field": "phone"})  # fmt: skip
    return value


@dataclass(frozen=True, slots=True)
class Account:
    """A desk user as the administrator sees it."""

    id: int
    name: str
    role: Role
    departments: tuple[str, ...]
    active: bool
    email: str | None
    phone: str | None
    created_at: datetime

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role.value,
            "departments": list(self.departments),
            "active": self.active,
            "email": self.email,
            "phone": self.phone,
            "created_at": china(self.created_at).isoformat(),
        }


class UserAdmin:
    """Lists and changes desk accounts; every change is audited under the acting admin."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        passwords: Passwords,
        on_sessions_ended: Callable[[int], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._passwords = passwords
        # Open event streams of a user whose sessions ended close at once (AuthService).
        self._on_sessions_ended = on_sessions_ended or (lambda _user_id: None)

    async def accounts(self) -> list[Account]:
        async with self._sessions() as session:
            users = (await session.scalars(select(User).order_by(User.name))).all()
            return [await _account(session, u) for u in users]

    async def account(self, user_id: int) -> Account:
        async with self._sessions() as session:
            return await _account(session, await _user(session, user_id))

    async def id_of(self, name: str) -> int:
        async with self._sessions() as session:
            found = await session.scalar(select(User.id).where(User.name == name))
        if found is None:
            raise UserNotFound(f"no user named {name!r}")
        return found

    async def set_contact(
        self,
        user_id: int,
        *,
        email: str | Keep | None = KEEP,
        phone: str | Keep | None = KEEP,
        actor: str,
    ) -> Account:
        """Set (or with None / "" clear) the e-mail and phone; KEEP leaves one unchanged."""
        async with self._sessions() as session:
            user = await _user(session, user_id)
            if not isinstance(email, Keep):
                user.email = normalise_email(email)
            if not isinstance(phone, Keep):
                user.phone = normalise_phone(phone)
            self._audit(session, actor, "user.contact", user.name)
            await session.commit()
            return await _account(session, user)

    async def set_active(self, user_id: int, active: bool, *, actor: str) -> Account:
        async with self._sessions() as session:
            user = await _user(session, user_id)
            if not active and user.name == actor:
                raise SelfDeactivation("you cannot deactivate your own account")
            user.active = active
            if not active:
                await session.execute(delete(WebSession).where(WebSession.user_id == user.id))
            action = "user.activate" if active else "user.deactivate"
            self._audit(session, actor, action, user.name)
            await session.commit()
            account = await _account(session, user)
        if not active:
            self._on_sessions_ended(user_id)
        return account

    async def set_role(
        self, user_id: int, role: Role, *, departments: list[str] | None = None, actor: str
    ) -> Account:
        """A new role (and, given, departments); the user's sessions end, so the new
        rights apply from their next sign-in and no page keeps the old ones."""
        async with self._sessions() as session:
            user = await _user(session, user_id)
            if user.name == actor:
                raise SelfDeactivation("you cannot change your own role or departments")
            if departments is not None:
                await session.execute(
                    delete(UserDepartment).where(UserDepartment.user_id == user.id)
                )
                session.add_all(UserDepartment(user_id=user.id, department_code=code)
                                for code in sorted(set(departments)))  # fmt: skip
                await session.flush()
            codes = await session.scalars(
                select(UserDepartment.department_code).where(UserDepartment.user_id == user.id)
            )
            if role is Role.LIAISON and not codes.all():
                raise InvalidInput("a liaison needs at least one department",
                                   details={"field": "departments"})  # fmt: skip
            changed = user.role != role.value or departments is not None
            user.role = role.value
            if changed:
                await session.execute(delete(WebSession).where(WebSession.user_id == user.id))
            self._audit(session, actor, "user.role", user.name)
            await session.commit()
            account = await _account(session, user)
        if changed:
            self._on_sessions_ended(user_id)
        return account

    async def reset_password(self, user_id: int, *, actor: str) -> tuple[Account, str]:
        """A new one-time password (returned once, stored only as a hash)."""
        password = one_time_password()
        hashed = await self._passwords.hash(password)
        async with self._sessions() as session:
            user = await _user(session, user_id)
            user.password_hash = hashed
            user.must_change_password = True
            await session.execute(delete(WebSession).where(WebSession.user_id == user.id))
            self._audit(session, actor, "user.password-reset", user.name)
            await session.commit()
            account = await _account(session, user)
        self._on_sessions_ended(user_id)
        return account, password

    def _audit(self, session: AsyncSession, actor: str, action: str, target: str) -> None:
        audit.record(session, at=china(self._clock.now()), actor=actor, action=action,
                     target=target)  # fmt: skip


async def _user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise UserNotFound(f"no user with id {user_id}")
    return user


async def _account(session: AsyncSession, user: User) -> Account:
    codes = await session.scalars(
        select(UserDepartment.department_code)
        .where(UserDepartment.user_id == user.id)
        .order_by(UserDepartment.department_code)
    )
    return Account(id=user.id, name=user.name, role=Role(user.role), departments=tuple(codes),
                   active=user.active, email=user.email, phone=user.phone,
                   created_at=user.created_at)  # fmt: skip
