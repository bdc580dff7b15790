"""Opening hours: parsing, and open-or-closed with holidays and make-up workdays."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from base.clock import CHINA_TZ
from base.workdays import WorkingCalendar
from directory.hours import HoursFormatError, TimeWindow, WeeklySchedule

OFFICE = "mon-fri 08:30-12:00 14:30-17:30"


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


@pytest.fixture
def calendar() -> WorkingCalendar:
    return WorkingCalendar()


def test_office_hours_parse_into_two_windows_on_weekdays_only() -> None:
    schedule = WeeklySchedule.parse(OFFICE)
    assert not schedule.always_open
    assert [str(w) for w in schedule.windows_on(0)] == ["08:30-12:00", "14:30-17:30"]
    assert schedule.windows_on(5) == ()
    assert schedule.windows_on(6) == ()


def test_groups_separated_by_semicolon_and_day_lists() -> None:
    schedule = WeeklySchedule.parse("mon,wed 09:00-11:00; sat-sun 10:00-12:00")
    assert [str(w) for w in schedule.windows_on(0)] == ["09:00-11:00"]
    assert schedule.windows_on(1) == ()
    assert [str(w) for w in schedule.windows_on(6)] == ["10:00-12:00"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "empty"),
        ("mon-fri", "no time window"),
        ("mon-fry 08:00-12:00", "day 'mon-fry'"),
        ("fri-mon 08:00-12:00", "backwards"),
        ("mon 12:00-08:00", "ends before"),
        ("mon 8-12", "HH:MM-HH:MM"),
        ("mon 25:00-26:00", "impossible"),
        ("mon 08:00-12:00 11:00-13:00", "overlap"),
    ],
)
def test_bad_hours_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(HoursFormatError, match=problem):
        WeeklySchedule.parse(text)


def test_open_inside_a_window_and_closed_at_lunch(calendar: WorkingCalendar) -> None:
    schedule = WeeklySchedule.parse(OFFICE)
    assert schedule.is_open(at("2026-11-24T09:00"), calendar)  # Tuesday
    assert not schedule.is_open(at("2026-11-24T12:30"), calendar)
    assert schedule.is_open(at("2026-11-24T17:29"), calendar)
    assert not schedule.is_open(at("2026-11-24T17:30"), calendar)


def test_closed_on_an_ordinary_weekend(calendar: WorkingCalendar) -> None:
    assert not WeeklySchedule.parse(OFFICE).is_open(at("2026-11-28T10:00"), calendar)


def test_closed_on_a_statutory_holiday_that_falls_on_a_weekday(calendar: WorkingCalendar) -> None:
    # 2026-10-01 (Thursday) is National Day.
    assert not WeeklySchedule.parse(OFFICE).is_open(at("2026-10-01T10:00"), calendar)
    assert not WeeklySchedule.parse("mon-sun 08:00-20:00").is_open(at("2026-10-01T10:00"), calendar)


def test_open_on_a_make_up_workday_that_falls_on_a_weekend(calendar: WorkingCalendar) -> None:
    # 2026-10-10 is a Saturday worked in lieu of the National Day holiday.
    assert WeeklySchedule.parse(OFFICE).is_open(at("2026-10-10T10:00"), calendar)
    assert not WeeklySchedule.parse(OFFICE).is_open(at("2026-10-10T13:00"), calendar)


def test_24h_entries_ignore_holidays_and_nights(calendar: WorkingCalendar) -> None:
    schedule = WeeklySchedule.parse("24h")
    for moment in ("2026-10-01T03:00", "2026-11-28T23:59", "2027-02-01T00:00"):
        assert schedule.is_open(at(moment), calendar)


def test_years_without_an_official_calendar_fall_back_to_weekdays(
    calendar: WorkingCalendar,
) -> None:
    schedule = WeeklySchedule.parse(OFFICE)
    assert schedule.is_open(at("2027-03-03T09:00"), calendar)  # a Wednesday
    assert not schedule.is_open(at("2027-03-06T09:00"), calendar)  # a Saturday


_window = st.tuples(st.integers(0, 22), st.sampled_from([0, 15, 30, 45])).map(
    lambda t: TimeWindow(
        start=datetime(2026, 1, 1, t[0], t[1]).time(),
        end=datetime(2026, 1, 1, t[0] + 1, t[1]).time(),
    )
)


@given(day=st.integers(0, 6), window=_window)
def test_describe_round_trips(day: int, window: TimeWindow) -> None:
    names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    schedule = WeeklySchedule.parse(f"{names[day]} {window}")
    assert WeeklySchedule.parse(schedule.describe()) == schedule
