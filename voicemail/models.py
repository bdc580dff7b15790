"""Tables of the voicemail package: messages left for departments (语音留言)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Float, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base

GENERAL_MAILBOX = "general"


class Voicemail(Base):
    """One message a caller left for a department (or the hotline's general mailbox)."""

    __tablename__ = "voicemails"
    # One voicemail per recording: the journal's writer relies on it to apply exactly once.
    __table_args__ = (
        Index(
            "uq_voicemails_recording_name",
            "recording_name",
            unique=True,
            sqlite_where=text("recording_name != ''"),
            postgresql_where=text("recording_name != ''"),
        ),
        # SQLite cannot use the partial index for `recording_name = ?` (it does not prove
        # that the value is not ''), so every lookup by recording scanned the table.
        Index("ix_voicemails_recording_name", "recording_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    mailbox: Mapped[str] = mapped_column(String(128), index=True)  # department code or "general"
    department_code: Mapped[str | None] = mapped_column(String(128), index=True)
    caller_number: Mapped[str] = mapped_column(String(64), default="")
    hotline_number: Mapped[str] = mapped_column(String(32), default="")
    # The platform of the call that left it (routing.platforms).
    platform: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    call_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    reason: Mapped[str] = mapped_column(String(32))  # busy, noanswer, after_hours, ...
    recording_name: Mapped[str] = mapped_column(String(200), default="")
    audio_path: Mapped[str] = mapped_column(String(500), default="")
    empty: Mapped[bool] = mapped_column(Boolean, default=False)
    reply_due: Mapped[date] = mapped_column(Date, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    handled_by: Mapped[str | None] = mapped_column(String(100))
    reply: Mapped[str | None] = mapped_column(Text)
    transcript: Mapped[str | None] = mapped_column(Text)
