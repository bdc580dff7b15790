"""The call record table: one row per call, written by the controller when the call ends."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base

OUTCOMES = (
    "info_given",
    "transferred",
    "voicemail",
    "operator",
    "emergency_referral",
    "abandoned",
    "failed",
    "callback_requested",  # the caller asked to be called back while queued
    "mailbox",  # a liaison called the voicemail line (ivr.flow.mailbox)
)

# How a call's stay in the operator queue ended, written when it happens (None: never
# queued). A call a seat answered and then transferred stays "answered".
QUEUE_ANSWERED = "answered"
QUEUE_ABANDONED = "abandoned"  # hung up while waiting (or while a seat rang)
QUEUE_TIMEOUT_VOICEMAIL = "timeout_voicemail"  # waited the longest allowed, sent to voicemail
QUEUE_VOICEMAIL = "voicemail"  # pressed 1 to leave a message instead of waiting
QUEUE_CALLBACK = "callback_requested"  # pressed 2 to be called back
QUEUE_OUTCOMES = (
    QUEUE_ANSWERED,
    QUEUE_ABANDONED,
    QUEUE_TIMEOUT_VOICEMAIL,
    QUEUE_VOICEMAIL,
    QUEUE_CALLBACK,
)


class CallRecord(Base):
    """What happened on one call: when, the path through the IVR, where it ended."""

    __tablename__ = "call_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    call_id: Mapped[str] = mapped_column(String(64), unique=True)
    channel_id: Mapped[str] = mapped_column(String(64), index=True)
    hotline_number: Mapped[str] = mapped_column(String(32), index=True)
    caller_number: Mapped[str] = mapped_column(String(64), default="", index=True)
    site: Mapped[str] = mapped_column(String(64), default="")
    # The platform (routing.platforms) of the number dialled: a county's own number files
    # the call under the county, any other number under the controller's site.
    platform: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(String(32), index=True)
    reason: Mapped[str | None] = mapped_column(String(64))
    department_code: Mapped[str | None] = mapped_column(String(128), index=True)
    steps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    dials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    voicemail_id: Mapped[int | None] = mapped_column(ForeignKey("voicemails.id"))
    transfer_attempted: Mapped[bool] = mapped_column(default=False)
    transfer_bridged: Mapped[bool] = mapped_column(default=False)
    queue_wait_s: Mapped[float | None] = mapped_column(Float)
    seat: Mapped[str | None] = mapped_column(String(100))
    overflow_to: Mapped[str | None] = mapped_column(String(64))
    talk_s: Mapped[int | None] = mapped_column(Integer)
    queue_outcome: Mapped[str | None] = mapped_column(String(32))  # QUEUE_OUTCOMES
    # Seconds from the call's start (not from queueing) to a seat's answer.
    call_wait_s: Mapped[float | None] = mapped_column(Float)
    overflowed: Mapped[bool] = mapped_column(default=False)  # a seat of another city rang
    voicemail_empty: Mapped[bool] = mapped_column(default=False)  # its message was silence
    # 1-5 keyed by the caller in the after-call survey; NULL: not offered or not answered
    survey_rating: Mapped[int | None] = mapped_column(Integer)
