"""Who hears about voicemails, from the desk's own accounts (a `voicemail.notify` directory).

A department's liaisons are the active liaison users bound to it; the digest goes to the
active supervisors. The general mailbox (no department) belongs to the hotline itself,
so its voicemails go to the supervisors as well.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.auth import Role
from agent_desk.auth.models import User, UserDepartment
from voicemail.notify import Recipient


def _recipient(user: User) -> Recipient:
    return Recipient(name=user.name, email=user.email or "", phone=user.phone or "")


class DeskRecipients:
    """`voicemail.notify.RecipientDirectory` over the desk users table, read on every call."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def liaisons(self, department_code: str | None) -> Sequence[Recipient]:
        if department_code is None:
            return await self.supervisors()
        return await self._people(
            select(User)
            .join(UserDepartment, UserDepartment.user_id == User.id)
            .where(
                UserDepartment.department_code == department_code,
                User.role == Role.LIAISON.value,
                User.active,
            )
        )

    async def supervisors(self) -> Sequence[Recipient]:
        return await self._people(
            select(User).where(User.role == Role.SUPERVISOR.value, User.active)
        )

    async def _people(self, query: Select[User]) -> list[Recipient]:
        async with self._sessions() as session:
            users = await session.scalars(query.order_by(User.name))
            return [_recipient(u) for u in users]
