"""Working days by the official calendar."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from base.workdays import CalendarEntry, DayKind, EntryKind, WorkingCalendar, package_years


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


def test_a_year_the_calendar_does_not_know_falls_back_visibly(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calendar = WorkingCalendar(years={2026: []})
    with caplog.at_level(logging.WARNING, logger="base.workdays"):
        assert calendar.day_kind(date(2027, 1, 1)) is DayKind.WORKDAY  # Friday, by Mon-Fri
        assert calendar.day_kind(date(2027, 1, 4)) is DayKind.WORKDAY
    assert calendar.fallback_years() == {2027}
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1  # once per year, not once per day asked
    assert "Monday-Friday" in warnings[0].getMessage()
    assert calendar.missing_year_warning(date(2027, 1, 4)) is not None


def test_entering_a_year_ends_its_fallback() -> None:
    calendar = WorkingCalendar(years={2026: []})
    calendar.day_kind(date(2027, 1, 1))
    calendar.set_year(2027, [CalendarEntry(date(2027, 1, 1), EntryKind.HOLIDAY, "元旦")])
    assert calendar.fallback_years() == frozenset()
    assert calendar.day_kind(date(2027, 1, 1)) is DayKind.HOLIDAY
    assert calendar.entry(date(2027, 1, 1)) == CalendarEntry(
        date(2027, 1, 1), EntryKind.HOLIDAY, "元旦"
    )


def test_next_years_calendar_is_asked_for_from_december_first() -> None:
    calendar = WorkingCalendar()  # the package's years: up to 2026
    assert 2027 not in calendar.known_years()
    assert calendar.missing_year_warning(date(2026, 11, 30)) is None
    warning = calendar.missing_year_warning(date(2026, 12, 1))
    assert warning is not None
    assert "2027" in warning
    calendar.set_year(2027, [CalendarEntry(date(2027, 1, 1), EntryKind.HOLIDAY, "元旦")])
    assert calendar.missing_year_warning(date(2026, 12, 31)) is None


def test_the_package_seed_names_holidays_in_chinese() -> None:
    years = package_years()
    assert 2026 in years
    new_year = next(e for e in years[2026] if e.day == date(2026, 1, 1))
    assert new_year.kind is EntryKind.HOLIDAY
    assert new_year.name == "元旦"
    makeup = next(e for e in years[2026] if e.day == date(2026, 10, 10))
    assert makeup.kind is EntryKind.WORKDAY
