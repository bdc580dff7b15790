"""Time limits of work orders: working days per type × urgency, warnings and alarms.

The table is configurable (a TOML-like mapping); working days follow the official
calendar through `base.workdays.WorkingCalendar`. An order is due at the end of its
due date; it is in *warning* when at most `warn_working_days` working days remain, and in
*alarm* once the due date has passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from agent_desk.orders.models import OrderType, Urgency
from base.workdays import WorkingCalendar

# Working days to reply, by type and urgency (一般 / 紧急 / 特急). 0 means the same day.
DEFAULT_LIMITS: dict[OrderType, dict[Urgency, int]] = {
    OrderType.CONSULTATION: {Urgency.NORMAL: 3, Urgency.URGENT: 1, Urgency.CRITICAL: 0},
    OrderType.HELP: {Urgency.NORMAL: 5, Urgency.URGENT: 2, Urgency.CRITICAL: 1},
    OrderType.COMPLAINT: {Urgency.NORMAL: 10, Urgency.URGENT: 5, Urgency.CRITICAL: 2},
    OrderType.REPORT: {Urgency.NORMAL: 15, Urgency.URGENT: 5, Urgency.CRITICAL: 2},
    OrderType.SUGGESTION: {Urgency.NORMAL: 15, Urgency.URGENT: 10, Urgency.CRITICAL: 5},
    OrderType.PRAISE: {Urgency.NORMAL: 5, Urgency.URGENT: 5, Urgency.CRITICAL: 5},
}


class DeadlineLevel(StrEnum):
    ON_TIME = "on_time"
    WARNING = "warning"  # 预警: the deadline is near
    OVERDUE = "overdue"  # 超期告警: the deadline has passed


@dataclass(frozen=True, slots=True)
class DeadlineState:
    """Where an order stands against its due date at one moment."""

    due_date: date
    level: DeadlineLevel
    working_days_left: int  # negative when overdue

    def to_json(self) -> dict[str, object]:
        return {
            "due_date": self.due_date.isoformat(),
            "level": self.level.value,
            "working_days_left": self.working_days_left,
        }


@dataclass(frozen=True, slots=True)
class DeadlineTable:
    """Working days allowed per type and urgency, plus the warning margin."""

    limits: Mapping[OrderType, Mapping[Urgency, int]] = field(
        default_factory=lambda: DEFAULT_LIMITS
    )
    warn_working_days: int = 1

    @classmethod
    def from_mapping(cls, raw: Mapping[str, object]) -> DeadlineTable:
        """Build from configuration: {"consultation": {"normal": 3, ...}, "warn_working_days": 1}.

        Entries not given keep their defaults; a wrong key or a negative number is an error.
        """
        limits = {kind: dict(row) for kind, row in DEFAULT_LIMITS.items()}
        warn = 1
        for key, value in raw.items():
            if key == "warn_working_days":
                warn = _days(key, value)
                continue
            try:
                kind = OrderType(key)
            except ValueError:
                raise ValueError(f"deadline table: unknown order type {key!r}") from None
            if not isinstance(value, Mapping):
                raise ValueError(f"deadline table: {key} must map urgency to days")
            for urgency_key, days in value.items():
                try:
                    urgency = Urgency(urgency_key)
                except ValueError:
                    raise ValueError(f"deadline table: unknown urgency {urgency_key!r}") from None
                limits[kind][urgency] = _days(f"{key}.{urgency_key}", days)
        return cls(limits=limits, warn_working_days=warn)

    def working_days(self, order_type: OrderType, urgency: Urgency) -> int:
        return self.limits[order_type][urgency]


def _days(name: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"deadline table: {name} must be a whole number of days ≥ 0")
    return value


class DeadlinePolicy:
    """Computes due dates and their warning state with the official working calendar."""

    def __init__(self, *, table: DeadlineTable, calendar: WorkingCalendar) -> None:
        self._table = table
        self._calendar = calendar

    def due_date(self, order_type: OrderType, urgency: Urgency, accepted: date) -> date:
        return self._calendar.add_working_days(
            accepted, self._table.working_days(order_type, urgency)
        )

    def warning_until(self, today: date) -> date:
        """The last due date still in warning on `today` (later ones are on time).

        `state` warns while at most `warn_working_days` working days are left, so the
        first date on time is the day after the one that leaves one more.
        """
        first_on_time = self._calendar.add_working_days(today, self._table.warn_working_days + 1)
        return first_on_time - timedelta(days=1)

    def state(self, due: date, now: datetime) -> DeadlineState:
        today = now.date()
        left = self._calendar.working_days_between(today, due)
        if today > due:
            level = DeadlineLevel.OVERDUE
        elif left <= self._table.warn_working_days:
            level = DeadlineLevel.WARNING
        else:
            level = DeadlineLevel.ON_TIME
        return DeadlineState(due_date=due, level=level, working_days_left=left)
