"""Working-day deadlines per type and urgency, across holidays; warning and alarm."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from agent_desk.orders.deadlines import DeadlineLevel, DeadlinePolicy, DeadlineTable
from agent_desk.orders.models import OrderType, Urgency
from base.clock import CHINA_TZ
from base.workdays import WorkingCalendar


def policy(table: DeadlineTable | None = None) -> DeadlinePolicy:
    return DeadlinePolicy(table=table or DeadlineTable(), calendar=WorkingCalendar())


def test_complaint_over_national_day_skips_the_holiday_and_counts_the_makeup_saturday() -> None:
    # Tue 2026-09-29 + 5 working days: 30 Sep, 8, 9, Sat 10 (make-up), Mon 12 Oct.
    table = DeadlineTable.from_mapping({"complaint": {"normal": 5}})
    assert policy(table).due_date(OrderType.COMPLAINT, Urgency.NORMAL, date(2026, 9, 29)) == date(
        2026, 10, 12
    )


def test_critical_consultation_is_due_the_same_day() -> None:
    assert policy().due_date(OrderType.CONSULTATION, Urgency.CRITICAL, date(2026, 11, 24)) == date(
        2026, 11, 24
    )


def test_urgency_shortens_the_limit() -> None:
    p = policy()
    start = date(2026, 11, 23)
    normal = p.due_date(OrderType.HELP, Urgency.NORMAL, start)
    urgent = p.due_date(OrderType.HELP, Urgency.URGENT, start)
    assert urgent < normal


def test_warning_before_and_alarm_after_the_due_date() -> None:
    p = policy()
    due = date(2026, 11, 27)  # a Friday
    at = lambda d: datetime(2026, 11, d, 9, 0, tzinfo=CHINA_TZ)  # noqa: E731
    assert p.state(due, at(24)).level is DeadlineLevel.ON_TIME
    assert p.state(due, at(26)).level is DeadlineLevel.WARNING
    assert p.state(due, at(27)).level is DeadlineLevel.WARNING
    late = p.state(due, at(30))
    assert late.level is DeadlineLevel.OVERDUE
    assert late.working_days_left == -1


def test_table_rejects_unknown_types_and_negative_days() -> None:
    with pytest.raises(ValueError, match="unknown order type"):
        DeadlineTable.from_mapping({"gossip": {"normal": 1}})
    with pytest.raises(ValueError, match="unknown urgency"):
        DeadlineTable.from_mapping({"help": {"whenever": 1}})
    with pytest.raises(ValueError, match="≥ 0"):
        DeadlineTable.from_mapping({"help": {"normal": -2}})


def test_table_overrides_keep_other_defaults() -> None:
    table = DeadlineTable.from_mapping({"praise": {"urgent": 1}, "warn_working_days": 2})
    assert table.working_days(OrderType.PRAISE, Urgency.URGENT) == 1
    assert table.working_days(OrderType.PRAISE, Urgency.NORMAL) == 5
    assert table.warn_working_days == 2
