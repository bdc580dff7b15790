"""Who sits at which seat: the desk user signed in there, one seat per user, one user per seat.

The one record of it, whichever way the operator sat down (the console's /api/my-seat or
/api/seats/{id}/state). Routing's presence says whether a seat takes calls; this says whose
it is, so the console follows and pops *their* seat, only its own operator (or a
supervisor) changes its state, and a callback rings the phone of the operator who asked
for it — never an endpoint named in a request. The seat's site is the sites file's, not
stored here. Both "one each way" rules are unique constraints, so of two sign-ins racing
for a seat (or one user racing into two seats) the database lets exactly one win.

Each sitting is also kept afterwards (`desk_seat_sittings`: who sat where, from when to
when), so the statistics can give a seat's calls and time per state to its operator.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk.auth.models import User
from base.database import Base
from base.errors import HotlineError


class SeatOccupant(Base):
    """The desk user signed in at a seat (a seat has at most one, a user at most one seat)."""

    __tablename__ = "desk_seat_occupants"

    seat_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("desk_users.id"), unique=True)
    since: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SeatSitting(Base):
    """A user's time at a seat: open (`ended` None) while they sit there."""

    __tablename__ = "desk_seat_sittings"

    id: Mapped[int] = mapped_column(primary_key=True)
    seat_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("desk_users.id"), index=True)
    started: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    ended: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


def _sit(session: AsyncSession, seat_id: str, user_id: int, at: datetime) -> None:
    session.add(SeatOccupant(seat_id=seat_id, user_id=user_id, since=at))
    session.add(SeatSitting(seat_id=seat_id, user_id=user_id, started=at))


async def _stand_up(session: AsyncSession, at: datetime, *, user_id: int) -> None:
    await session.execute(
        update(SeatSitting)
        .where(SeatSitting.user_id == user_id, SeatSitting.ended.is_(None))
        .values(ended=at)
    )


class SeatNotYours(HotlineError):
    status = 403
    code = "seat-not-yours"


class SeatTaken(HotlineError):
    status = 409
    code = "seat-taken"


class SeatRequired(HotlineError):
    status = 409
    code = "seat-required"


class SeatOccupants:
    """Claims, moves and releases seats for desk users (shared by every desk process)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def occupant(self, seat_id: str) -> int | None:
        async with self._sessions() as session:
            found: int | None = await session.scalar(
                select(SeatOccupant.user_id).where(SeatOccupant.seat_id == seat_id)
            )
            return found

    async def seat_of(self, user_id: int) -> str | None:
        async with self._sessions() as session:
            found: str | None = await session.scalar(
                select(SeatOccupant.seat_id).where(SeatOccupant.user_id == user_id)
            )
            return found

    async def everyone(self) -> dict[str, int]:
        """Seat id → user id of every occupied seat."""
        async with self._sessions() as session:
            rows = await session.execute(select(SeatOccupant.seat_id, SeatOccupant.user_id))
            return {row[0]: row[1] for row in rows}

    async def claim(self, seat_id: str, user_id: int, *, at: datetime) -> None:
        """Sit `user_id` at `seat_id`; SeatTaken when someone else won the race."""
        async with self._sessions() as session:
            _sit(session, seat_id, user_id, at)
            try:
                await session.commit()
            except IntegrityError:
                raise SeatTaken(f"seat {seat_id} was just taken, or you hold another seat",
                                details={"seat": seat_id}) from None  # fmt: skip

    async def move(self, seat_id: str, user_id: int, *, at: datetime) -> str | None:
        """Sit `user_id` at `seat_id`, leaving the seat they had (returned); SeatTaken if
        another user sits there, or wins the race for it."""
        async with self._sessions() as session:
            holder = await session.get(SeatOccupant, seat_id)
            if holder is not None and holder.user_id == user_id:
                return seat_id
            if holder is not None:
                raise await _taken(session, seat_id, holder.user_id)
            previous = await session.scalar(
                select(SeatOccupant.seat_id).where(SeatOccupant.user_id == user_id)
            )
            await session.execute(delete(SeatOccupant).where(SeatOccupant.user_id == user_id))
            await _stand_up(session, at, user_id=user_id)
            _sit(session, seat_id, user_id, at)
            try:
                await session.commit()
            except IntegrityError:
                raise SeatTaken(f"seat {seat_id} was just taken",
                                details={"seat": seat_id}) from None  # fmt: skip
            return previous

    async def release(self, seat_id: str, *, at: datetime) -> None:
        async with self._sessions() as session:
            user_id = await session.scalar(
                delete(SeatOccupant)
                .where(SeatOccupant.seat_id == seat_id)
                .returning(SeatOccupant.user_id)
            )
            if user_id is not None:
                await _stand_up(session, at, user_id=user_id)
            await session.commit()

    async def leave(self, user_id: int, *, at: datetime) -> str | None:
        """The user leaves their seat; returns the seat they had."""
        async with self._sessions() as session:
            seat_id: str | None = await session.scalar(
                delete(SeatOccupant)
                .where(SeatOccupant.user_id == user_id)
                .returning(SeatOccupant.seat_id)
            )
            await _stand_up(session, at, user_id=user_id)
            await session.commit()
            return seat_id


async def _taken(session: AsyncSession, seat_id: str, holder: int) -> SeatTaken:
    name = await session.scalar(select(User.name).where(User.id == holder))
    return SeatTaken(f"seat {seat_id} is taken by {name}", details={"seat": seat_id})
