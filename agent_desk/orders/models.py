"""Tables of work orders (工单): the order itself, its event trail, its voicemails."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from base.database import Base


class OrderType(StrEnum):
    """What the caller wants; the Chinese label is what operators pick from."""

    CONSULTATION = "consultation"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议
    PRAISE = "praise"  # 表扬


class Urgency(StrEnum):
    NORMAL = "normal"  # 一般
    URGENT = "urgent"  # 紧急
    CRITICAL = "critical"  # 特急


class Channel(StrEnum):
    """How the matter reached the hotline."""

    PHONE = "phone"
    VOICEMAIL = "voicemail"
    WEB = "web"  # the public form /report
    EMAIL = "email"
    SMS = "sms"


class OrderStatus(StrEnum):
    """Where an order stands in its life cycle (see lifecycle.py for the moves)."""

    ACCEPTED = "accepted"  # 已受理
    ANSWERED = "answered"  # 直接答复
    DISPATCHED = "dispatched"  # 已派单
    IN_PROGRESS = "in_progress"  # 办理中
    RETURNED = "returned"  # 退单
    REPLIED = "replied"  # 已答复
    CALLBACK_REVIEW = "callback_review"  # 回访
    CLOSED = "closed"  # 已办结
    ARCHIVED = "archived"  # 已归档
    NOT_ACCEPTED = "not_accepted"  # 不予受理
    MERGED = "merged"  # 并单


TYPE_LABELS = {
    OrderType.CONSULTATION: "咨询",
    OrderType.HELP: "求助",
    OrderType.COMPLAINT: "投诉",
    OrderType.REPORT: "举报",
    OrderType.SUGGESTION: "建议",
    OrderType.PRAISE: "表扬",
}
URGENCY_LABELS = {Urgency.NORMAL: "一般", Urgency.URGENT: "紧急", Urgency.CRITICAL: "特急"}
STATUS_LABELS = {
    OrderStatus.ACCEPTED: "已受理",
    OrderStatus.ANSWERED: "已直接答复",
    OrderStatus.DISPATCHED: "已派单",
    OrderStatus.IN_PROGRESS: "办理中",
    OrderStatus.RETURNED: "已退单",
    OrderStatus.REPLIED: "已答复",
    OrderStatus.CALLBACK_REVIEW: "回访中",
    OrderStatus.CLOSED: "已办结",
    OrderStatus.ARCHIVED: "已归档",
    OrderStatus.NOT_ACCEPTED: "不予受理",
    OrderStatus.MERGED: "已并单",
}
# Orders still waiting for someone to act: they count against a deadline.
OPEN_STATUSES = frozenset(
    {
        OrderStatus.ACCEPTED,
        OrderStatus.DISPATCHED,
        OrderStatus.IN_PROGRESS,
        OrderStatus.RETURNED,
        OrderStatus.REPLIED,
        OrderStatus.CALLBACK_REVIEW,
        OrderStatus.ANSWERED,
    }
)
# Before the unit has replied: these are the ones a deadline alarm is about.
PENDING_STATUSES = frozenset(
    {
        OrderStatus.ACCEPTED,
        OrderStatus.DISPATCHED,
        OrderStatus.IN_PROGRESS,
        OrderStatus.RETURNED,
    }
)


class WorkOrder(Base):
    """One caller's matter, from acceptance to archive (工单)."""

    __tablename__ = "work_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(16), unique=True)
    order_type: Mapped[str] = mapped_column(String(16), index=True)
    urgency: Mapped[str] = mapped_column(String(16), default=Urgency.NORMAL.value)
    status: Mapped[str] = mapped_column(String(24), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    caller_number: Mapped[str] = mapped_column(String(64), default="", index=True)
    caller_name: Mapped[str] = mapped_column(String(100), default="")
    caller_email: Mapped[str] = mapped_column(String(254), default="", index=True)
    hotline_number: Mapped[str] = mapped_column(String(32), default="")
    call_id: Mapped[str] = mapped_column(String(64), default="", index=True)
    channel: Mapped[str] = mapped_column(String(16), default="phone")
    department_code: Mapped[str | None] = mapped_column(String(128), index=True)
    # The platform (routing.platforms) that holds the order now: set when it is accepted,
    # moved by 下派 (hand_down) to a county and by 退回上级 (hand_up) back to the city.
    platform: Mapped[str] = mapped_column(String(64), default="", server_default="", index=True)
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    due_date: Mapped[date] = mapped_column(Date, index=True)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    not_accepted_reason: Mapped[str | None] = mapped_column(String(300))
    referral: Mapped[str | None] = mapped_column(String(200))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("work_orders.id"))
    supervised: Mapped[bool] = mapped_column(Boolean, default=False)
    redo_count: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OrderEvent(Base):
    """One transition of one order: who, when, why (the audit trail of the case)."""

    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100))
    transition: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    department_code: Mapped[str | None] = mapped_column(String(128))
    platform: Mapped[str | None] = mapped_column(String(64))  # where the order stood after it


class OrderVoicemail(Base):
    """A voicemail that created or joined an order."""

    __tablename__ = "order_voicemails"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_orders.id"), index=True)
    voicemail_id: Mapped[int] = mapped_column(ForeignKey("voicemails.id"), unique=True)


class OrderCounter(Base):
    """The last order number taken on a day (see numbering.next_number)."""

    __tablename__ = "order_counters"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)
