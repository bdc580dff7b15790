"""The outbox: text messages and e-mails waiting to be sent.

The default `SmsGateway` only writes SMS rows here; the desk's citizen messages write
SMS and e-mail rows. An `OutboxDrainer` (agent_desk.citizen) takes rows with no
`sent_at`, sends them, and records `sent_at` or, on failure, `attempts`, `last_error`
and `next_attempt_at`; `failed_at` once it gives up. The table keeps its first name,
`sms_outbox`, for the rows written before e-mail joined it.
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
    medium: Mapped[str] = mapped_column(String(8), default="sms", server_default="sms")
    subject: Mapped[str | None] = mapped_column(String(200))  # e-mail only
    purpose: Mapped[str | None] = mapped_column(String(32))  # e.g. "filed", "replied"
    order_number: Mapped[str | None] = mapped_column(String(16), index=True)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
