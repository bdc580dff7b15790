"""Tables of the routing package: the missed-call callback list (未接来电回拨)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base

CALLBACK_PENDING = "pending"
CALLBACK_DONE = "done"
REASON_ABANDONED = "abandoned"  # hung up while queued
REASON_REQUESTED = "requested"  # pressed 2 while waiting


class CallbackRequest(Base):
    """A caller to call back: one row per caller per day, however often they tried."""

    __tablename__ = "callback_requests"
    __table_args__ = (UniqueConstraint("caller_number", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    caller_number: Mapped[str] = mapped_column(String(64), index=True)
    day: Mapped[date] = mapped_column(Date, index=True)  # the caller's day, China time
    site: Mapped[str] = mapped_column(String(64), index=True)
    hotline_number: Mapped[str] = mapped_column(String(32), default="")
    first_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    missed_calls: Mapped[int] = mapped_column(Integer, default=1)
    last_call_id: Mapped[str] = mapped_column(String(64), default="")
    reason: Mapped[str] = mapped_column(String(16), default=REASON_ABANDONED)
    status: Mapped[str] = mapped_column(String(16), default=CALLBACK_PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # callbacks tried by operators
    note: Mapped[str | None] = mapped_column(Text)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    done_by: Mapped[str | None] = mapped_column(String(100))
