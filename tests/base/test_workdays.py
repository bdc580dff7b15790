"""Working days by the official calendar."""

from __future__ import annotations

from datetime import date

from base.workdays import DayKind, WorkingCalendar


def test_day_kinds_follow_the_official_calendar() -> None:
    calendar = WorkingCalendar()
    assert calendar.day_kind(date(2026, 11, 24)) is DayKind.WORKDAY
    assert calendar.day_kind(date(2026, 11, 28)) is DayKind.WEEKEND
    assert calendar.day_kind(date(2026, 10, 1)) is DayKind.HOLIDAY
    assert calendar.day_kind(date(2026, 10, 10)) is DayKind.MAKEUP_WORKDAY


def test_five_working_days_skip_the_national_day_holiday_and_count_the_makeup_day() -> None:
    calendar = WorkingCalendar()
    # From Tue 2026-09-29: Wed 30 counts, Oct 1-7 are holidays, Thu 8, Fri 9, Sat 10 (make-up),
    # Mon 12 -> the fifth working day.
    assert calendar.add_working_days(date(2026, 9, 29), 5) == date(2026, 10, 12)


def test_working_days_between_is_signed() -> None:
    calendar = WorkingCalendar()
    assert calendar.working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 5
    assert calendar.working_days_between(date(2026, 11, 30), date(2026, 11, 23)) == -5
