"""Who sits at which seat: an operator signs in at a free seat of their site from the console.

Presence (available, break, ringing, …) lives in routing's live store; this table only
says which signed-in user a seat belongs to, so the console follows *their* seat and
pops *their* calls. One user has at most one seat and one seat at most one user.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base
from base.errors import HotlineError


class SeatTaken(HotlineError):
    status = 409
    code = "seat-taken"


class SeatUser(Base):
    __tablename__ = "desk_seat_users"

    seat_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_name: Mapped[str] = mapped_column(String(64), unique=True)
    site: Mapped[str] = mapped_column(String(32))
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SeatUsers:
    """Binds users to seats in the database (shared by every desk process)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def seat_of(self, user_name: str) -> SeatUser | None:
        async with self._sessions() as session:
            found: SeatUser | None = await session.scalar(
                select(SeatUser).where(SeatUser.user_name == user_name)
            )
            return found

    async def holder(self, seat_id: str) -> str | None:
        """The name of the user sitting at `seat_id`, or None."""
        async with self._sessions() as session:
            found: str | None = await session.scalar(
                select(SeatUser.user_name).where(SeatUser.seat_id == seat_id)
            )
            return found

    async def taken(self, site: str) -> dict[str, str]:
        """Seat id → user name, for the seats of `site` someone sits at."""
        async with self._sessions() as session:
            rows = await session.scalars(select(SeatUser).where(SeatUser.site == site))
            return {row.seat_id: row.user_name for row in rows}

    async def bind(self, user_name: str, seat_id: str, *, site: str, at: datetime) -> SeatUser:
        """Seat `user_name` at `seat_id` (leaving any seat they had); SeatTaken if occupied."""
        async with self._sessions.begin() as session:
            holder = await session.get(SeatUser, seat_id)
            if holder is not None and holder.user_name != user_name:
                raise SeatTaken(f"seat {seat_id} is taken by {holder.user_name}",
                                details={"seat": seat_id})  # fmt: skip
            await session.execute(
                delete(SeatUser).where(SeatUser.user_name == user_name, SeatUser.seat_id != seat_id)
            )
            if holder is None:
                holder = SeatUser(seat_id=seat_id, user_name=user_name, site=site, since=at)
                session.add(holder)
            return holder

    async def release(self, user_name: str) -> str | None:
        """The user leaves their seat; returns the seat they had."""
        async with self._sessions.begin() as session:
            held = await session.scalar(select(SeatUser).where(SeatUser.user_name == user_name))
            if held is None:
                return None
            await session.delete(held)
            return held.seat_id
