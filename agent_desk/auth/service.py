"""Accounts, sign-in with throttling, and server-side sessions with an idle timeout."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk import audit
from agent_desk.auth.models import SignInThrottle, User, UserDepartment, WebSession
from agent_desk.auth.passwords import Passwords, one_time_password
from agent_desk.auth.roles import Principal, Role
from agent_desk.errors import OrderInputInvalid, SignInFailed, SignInLocked, UserExists
from agent_desk.timeutil import china
from hotline.clock import Clock

logger = logging.getLogger(__name__)
ADMIN_NAME = "admin"


@dataclass(frozen=True, slots=True)
class AuthPolicy:
    idle_timeout: timedelta = timedelta(minutes=30)
    max_failures: int = 5
    lock_for: timedelta = timedelta(minutes=15)


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
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._passwords = passwords
        self._policy = policy or AuthPolicy()

    async def add_user(
        self, name: str, role: Role, *, departments: Iterable[str] = (), password: str | None = None
    ) -> tuple[User, str]:
        """Create a user; returns it and its password (generated when none is given)."""
        name = name.strip()
        if not name or len(name) > 64:
            raise OrderInputInvalid("user name must be 1 to 64 characters")
        codes = sorted(set(departments))
        if role is Role.LIAISON and not codes:
            raise OrderInputInvalid("a liaison needs at least one department")
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
        """Check the password; five failures of one name from one address lock it for a while."""
        now = china(self._clock.now())
        key = f"{name}|{ip}"[:200]
        async with self._sessions() as session:
            throttle = await session.get(SignInThrottle, key)
            if throttle and throttle.locked_until and china(throttle.locked_until) > now:
                audit.record(session, at=now, actor=name, action="sign-in.locked", ip=ip)
                await session.commit()
                raise SignInLocked("too many failed sign-ins: try again later")
            user = await session.scalar(select(User).where(User.name == name, User.active))
        ok = user is not None and await self._passwords.verify(user.password_hash, password)
        async with self._sessions() as session:
            throttle = await session.get(SignInThrottle, key)
            if not ok or user is None:
                if throttle is None:
                    throttle = SignInThrottle(key=key, failures=0)
                    session.add(throttle)
                throttle.failures += 1
                if throttle.failures >= self._policy.max_failures:
                    throttle.locked_until = now + self._policy.lock_for
                    throttle.failures = 0
                audit.record(session, at=now, actor=name, action="sign-in.failed", ip=ip)
                await session.commit()
                raise SignInFailed("wrong user name or password")
            if throttle is not None:
                await session.delete(throttle)
            cookie = secrets.token_urlsafe(32)
            web_session = WebSession(
                id=_session_id(cookie),
                user_id=user.id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                last_seen_at=now,
                ip=ip[:64],
            )
            session.add(web_session)
            audit.record(session, at=now, actor=name, action="sign-in", ip=ip)
            await session.commit()
            principal = await self._principal(session, user, web_session)
        logger.info("user %s signed in from %s", name, ip)
        return SignedIn(cookie=cookie, principal=principal)

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

    async def users(self) -> list[Principal]:
        async with self._sessions() as session:
            users = (await session.scalars(select(User).order_by(User.name))).all()
            return [await self._principal(session, u, None) for u in users]

    @staticmethod
    async def _principal(
        session: AsyncSession, user: User, web_session: WebSession | None
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
        )
