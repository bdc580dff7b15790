"""Accounts, sign-in with throttling, and server-side sessions with an idle timeout."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.auth import throttle
from agent_desk.auth.models import User, UserDepartment, WebSession
from agent_desk.auth.passwords import Passwords, one_time_password
from agent_desk.auth.policy import PasswordRejected, check_password
from agent_desk.auth.roles import Principal, Role
from agent_desk.auth.throttle import ThrottlePolicy
from agent_desk.errors import (
    CurrentPasswordWrong,
    OrderInputInvalid,
    SignInFailed,
    SignInLocked,
    UserExists,
)
from agent_desk.timeutil import china
from base.clock import Clock
from routing.platforms import PlatformTree

logger = logging.getLogger(__name__)
ADMIN_NAME = "admin"


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    idle_timeout: timedelta = timedelta(minutes=30)
    throttle: ThrottlePolicy = field(default_factory=ThrottlePolicy)


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A new session: the cookie value (shown once) and who it belongs to."""

    cookie: str
    principal: Principal


def _session_id(cookie: str) -> str:
    return hashlib.sha256(cookie.encode()).hexdigest()


class AuthService:
    """Creates users, signs them in and out, and resolves session cookies to principals."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        passwords: Passwords,
        policy: AuthPolicy | None = None,
        on_sessions_ended: Callable[[int], None] | None = None,
        platforms: PlatformTree | None = None,
    ) -> None:
        self._sessions = sessions
        self._platforms = platforms or PlatformTree()
        self._clock = clock
        self._passwords = passwords
        self._policy = policy or AuthPolicy()
        # Told the user id whenever sessions end, so open event streams close at once.
        self._on_sessions_ended = on_sessions_ended or (lambda _user_id: None)

    def sessions_ended(self, user_id: int) -> None:
        """Tell the open event streams that `user_id`'s sessions may have ended."""
        self._on_sessions_ended(user_id)

    async def add_user(
        self, name: str, role: Role, *, departments: Iterable[str] = (),
        password: str | None = None, platform: str | None = None,
    ) -> tuple[User, str]:  # fmt: skip
        """Create a user; returns it and its password (generated when none is given).

        A given password must pass the policy; a generated one is a one-time password the
        user has to change at their first sign-in.
        """
        name = name.strip()
        if not name or len(name) > 64:
            raise OrderInputInvalid("user name must be 1 to 64 characters")
        codes = sorted(set(departments))
        if role is Role.LIAISON and not codes:
            raise OrderInputInvalid("a liaison needs at least one department")
        if platform is not None and self._platforms.get(platform) is None:
            raise OrderInputInvalid(f"unknown platform {platform!r}")
        if password is not None:
            check_password(password, user_name=name)
        secret = password or one_time_password()
        hashed = await self._passwords.hash(secret)
        async with self._sessions() as session:
            if await session.scalar(select(User.id).where(User.name == name)) is not None:
                raise UserExists(f"user {name!r} exists")
            user = User(
                name=name,
                role=role.value,
                password_hash=hashed,
                active=True,
                created_at=china(self._clock.now()),
                must_change_password=password is None,
                platform=platform,
            )
            session.add(user)
            await session.flush()
            session.add_all(UserDepartment(user_id=user.id, department_code=c) for c in codes)
            audit.record(session, at=user.created_at, actor="system", action="user.add",
                         target=name, detail=role.value)  # fmt: skip
            await session.commit()
        return user, secret

    async def ensure_admin(self) -> str | None:
        """Create `admin` with a one-time password if no admin exists; returns that password."""
        async with self._sessions() as session:
            found = await session.scalar(select(User.id).where(User.role == Role.ADMIN.value))
        if found is not None:
            return None
        _, password = await self.add_user(ADMIN_NAME, Role.ADMIN)
        return password

    async def sign_in(self, name: str, password: str, *, ip: str) -> SignedIn:
        """Check the password, counted first by the throttle (`throttle` module).

        Unknown and inactive names are checked against a dummy hash, so the answer takes
        as long as for a real account and says nothing about which names exist.
        """
        now = china(self._clock.now())
        async with self._sessions() as session:
            reservation = await throttle.reserve(
                session, self._policy.throttle, name=name, ip=ip, now=now.timestamp()
            )
            if reservation.over_limit:
                audit.record(session, at=now, actor=name, action="sign-in.locked", ip=ip)
            await session.commit()
        if reservation.over_limit:
            raise SignInLocked("too many failed sign-ins: try again later")
        async with self._sessions() as session:
            user = await session.scalar(select(User).where(User.name == name))
        usable = user is not None and user.active
        stored = user.password_hash if user is not None and usable else None
        matches = await self._passwords.verify(
            stored or await self._passwords.dummy_hash(), password
        )
        async with self._sessions() as session:
            if user is None or not usable or not matches:
                audit.record(session, at=now, actor=name, action="sign-in.failed", ip=ip)
                await session.commit()
                raise SignInFailed("wrong user name or password")
            await throttle.give_back(session, reservation)
            cookie, web_session = self._new_session(user.id, now, ip)
            session.add(web_session)
            audit.record(session, at=now, actor=name, action="sign-in", ip=ip)
            await session.commit()
            principal = await self._principal(session, user, web_session)
        logger.info("user %s signed in from %s", name, ip)
        return SignedIn(cookie=cookie, principal=principal)

    @staticmethod
    def _new_session(user_id: int, now: datetime, ip: str) -> tuple[str, WebSession]:
        cookie = secrets.token_urlsafe(32)
        return cookie, WebSession(
            id=_session_id(cookie),
            user_id=user_id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            last_seen_at=now,
            ip=ip[:64],
        )

    async def change_password(
        self, principal: Principal, *, current: str, new: str, ip: str
    ) -> Principal:
        """The user's own change: the current password (throttled like a sign-in), then the
        policy. Every other session of the user ends; this one stays signed in."""
        now = china(self._clock.now())
        async with self._sessions() as session:
            reservation = await throttle.reserve(
                session, self._policy.throttle, name=principal.name, ip=ip, now=now.timestamp()
            )
            await session.commit()
        if reservation.over_limit:
            raise SignInLocked("too many wrong passwords: try again later")
        async with self._sessions() as session:
            user = await session.get(User, principal.user_id)
        if user is None or not await self._passwords.verify(user.password_hash, current):
            async with self._sessions() as session:
                audit.record(session, at=now, actor=principal.name,
                             action="user.password-change.failed", ip=ip)  # fmt: skip
                await session.commit()
            raise CurrentPasswordWrong("the current password is wrong")
        check_password(new, user_name=principal.name)
        if new == current:
            raise PasswordRejected("the new password must differ from the current one",
                                   details={"rule": "unchanged"})  # fmt: skip
        hashed = await self._passwords.hash(new)
        async with self._sessions() as session:
            await throttle.give_back(session, reservation)
            user = await session.get(User, principal.user_id)
            if user is None:
                raise SignInFailed("the account no longer exists")
            user.password_hash = hashed
            user.must_change_password = False
            await session.execute(
                delete(WebSession).where(
                    WebSession.user_id == user.id, WebSession.id != principal.session_id
                )
            )
            audit.record(session, at=now, actor=principal.name, action="user.password-change",
                         target=principal.name, ip=ip)  # fmt: skip
            await session.commit()
            web_session = await session.get(WebSession, principal.session_id)
            changed = await self._principal(session, user, web_session)
        self.sessions_ended(user.id)
        return changed

    async def still_valid(self, principal: Principal) -> bool:
        """Whether the session behind `principal` still stands as it was (for open streams):
        not signed out or idle, the user active, with the same role and password state."""
        now = china(self._clock.now())
        async with self._sessions() as session:
            web_session = await session.get(WebSession, principal.session_id)
            if web_session is None:
                return False
            if now - china(web_session.last_seen_at) > self._policy.idle_timeout:
                return False
            user = await session.get(User, web_session.user_id)
            return (
                user is not None
                and user.active
                and user.role == principal.role.value
                and user.must_change_password == principal.must_change_password
            )

    async def resolve(self, cookie: str) -> Principal | None:
        """The principal of a session cookie, or None when unknown, idle too long or disabled."""
        now = china(self._clock.now())
        async with self._sessions() as session:
            web_session = await session.get(WebSession, _session_id(cookie))
            if web_session is None:
                return None
            if now - china(web_session.last_seen_at) > self._policy.idle_timeout:
                await session.delete(web_session)
                await session.commit()
                return None
            user = await session.get(User, web_session.user_id)
            if user is None or not user.active:
                return None
            web_session.last_seen_at = now
            await session.commit()
            return await self._principal(session, user, web_session)

    async def sign_out(self, principal: Principal) -> None:
        async with self._sessions() as session:
            await session.execute(delete(WebSession).where(WebSession.id == principal.session_id))
            audit.record(session, at=china(self._clock.now()), actor=principal.name,
                         action="sign-out")  # fmt: skip
            await session.commit()
        self.sessions_ended(principal.user_id)

    async def users(self) -> list[Principal]:
        async with self._sessions() as session:
            users = (await session.scalars(select(User).order_by(User.name))).all()
            return [await self._principal(session, u, None) for u in users]

    async def _principal(
        self, session: AsyncSession, user: User, web_session: WebSession | None
    ) -> Principal:
        codes = await session.scalars(
            select(UserDepartment.department_code).where(UserDepartment.user_id == user.id)
        )
        return Principal(
            user_id=user.id,
            name=user.name,
            role=Role(user.role),
            departments=frozenset(codes),
            session_id=web_session.id if web_session else "",
            csrf_token=web_session.csrf_token if web_session else "",
            must_change_password=user.must_change_password,
            platform=user.platform,
            platforms=self._platforms.subtree(user.platform) if user.platform else None,
        )
