"""Secret keys every desk process must share (a challenge signed by one is checked by another).

A key is drawn at random by whichever process needs it first and kept in `desk_keys`;
an insert that loses the race is ignored and everyone reads the winner's.
"""

from __future__ import annotations

import secrets

from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base, dialect_insert

KEY_BYTES = 32


class SharedKey(Base):
    __tablename__ = "desk_keys"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    secret: Mapped[str] = mapped_column(String(2 * KEY_BYTES))  # hex


async def shared_key(sessions: async_sessionmaker[AsyncSession], name: str) -> bytes:
    """The key called `name`, made on first use."""
    async with sessions.begin() as session:
        insert = dialect_insert(session)
        drawn = secrets.token_hex(KEY_BYTES)
        await session.execute(
            insert(SharedKey).values(name=name, secret=drawn).on_conflict_do_nothing()
        )
        kept = await session.scalar(select(SharedKey.secret).where(SharedKey.name == name))
    assert kept is not None
    return bytes.fromhex(kept)
