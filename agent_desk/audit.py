"""The audit log: every sign-in, every order change, every audio playback — who and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base


class AuditEntry(Base):
    """One thing a user did (or tried to do) on the desk."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    action: Mapped[str] = mapped_column(String(48), index=True)
    target: Mapped[str] = mapped_column(String(100), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    ip: Mapped[str] = mapped_column(String(64), default="")


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    target: str = "",
    detail: str = "",
    ip: str = "",
) -> None:
    """Add an entry to the caller's transaction, so it commits with the change it describes."""
    session.add(AuditEntry(at=at, actor=actor, action=action, target=target, detail=detail, ip=ip))


async def recent(
    sessions: async_sessionmaker[AsyncSession], *, limit: int = 100, action: str | None = None
) -> list[AuditEntry]:
    async with sessions() as session:
        query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
        if action:
            query = query.where(AuditEntry.action == action)
        return list((await session.scalars(query)).all())


def entry_to_json(entry: AuditEntry) -> dict[str, object]:
    return {
        "id": entry.id,
        "at": entry.at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "target": entry.target,
        "detail": entry.detail,
        "ip": entry.ip,
    }
