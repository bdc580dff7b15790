"""Working days by the official holiday calendar (statutory holidays and make-up workdays).

chinese-calendar only knows the years the State Council has published; past its last
year we fall back to Monday–Friday and log it once, rather than failing a call.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from enum import Enum

import chinese_calendar

logger = logging.getLogger(__name__)


class DayKind(Enum):
    """What kind of day a date is in the official calendar."""

    WORKDAY = "workday"
    MAKEUP_WORKDAY = "makeup_workday"  # 调休上班: a weekend day worked in lieu of a holiday
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # statutory holiday, including the days it borrows


class WorkingCalendar:
    """Answers "is this a working day" and adds working days, by the official calendar."""

    def __init__(self) -> None:
        self._warned_years: set[int] = set()

    def day_kind(self, day: date) -> DayKind:
        weekend = day.weekday() >= 5
        try:
            workday = chinese_calendar.is_workday(day)
        except NotImplementedError:
            if day.year not in self._warned_years:
                self._warned_years.add(day.year)
                logger.warning("no official holiday calendar for %d: using Monday-Friday", day.year)
            return DayKind.WEEKEND if weekend else DayKind.WORKDAY
        if workday:
            return DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY
        if day in chinese_calendar.holidays or not weekend:
            return DayKind.HOLIDAY
        return DayKind.WEEKEND

    def is_working_day(self, day: date) -> bool:
        return self.day_kind(day) in (DayKind.WORKDAY, DayKind.MAKEUP_WORKDAY)

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start` (start itself does not count)."""
        if days < 0:
            raise ValueError("days must not be negative")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        sign = 1
        if end < start:
            start, end, sign = end, start, -1
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return sign * count
