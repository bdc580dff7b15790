"""The quality recording table (质检录音): one bridged call's mixed audio, kept for review.

Linked to its call record, and through the call id to the order filed from that call.
A supervisor's 质检 (score 0-100 and notes, who and when) is kept on the same row: one
inspection per recording, the latest saved.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base


class QualityRecording(Base):
    """A recorded liaison transfer or operator call."""

    __tablename__ = "quality_recordings"
    # One row per recording: the journal's writer relies on it to apply exactly once.
    __table_args__ = (Index("uq_quality_recordings_recording_name", "recording_name", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), index=True)
    recording_name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # "transfer" or "operator"
    audio_path: Mapped[str] = mapped_column(String(500))
    duration_s: Mapped[float] = mapped_column(Float, default=0.0)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    retention_until: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    score: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    scored_by: Mapped[str | None] = mapped_column(String(100))
    scored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
