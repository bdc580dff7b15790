"""The SMS outbox: text messages waiting for the operator's SMS modem or gateway to send them.

The default `SmsGateway` only writes here; whatever actually sends (an SMS cat, a carrier
API poller) takes rows with no `sent_at`, sends them, and records `sent_at` or, on
failure, `attempts` and `last_error`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base


class SmsOutboxMessage(Base):
    """One text message to one phone number."""

    __tablename__ = "sms_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
