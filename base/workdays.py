"""Working days by the official holiday calendar (statutory holidays and make-up workdays).

The calendar holds, per year, the days that differ from Monday–Friday: holidays and
make-up workdays (调休上班). The composition root feeds it from the `working_calendar`
table (`base.calendar_store`), which is seeded from chinese-calendar for the years that
package knows and edited by admins for the years it does not (the State Council
publishes next year's holidays in November or December). Built without a table it
holds the package's years, for tools and tests that have no database.

A year with no entry falls back to Monday–Friday. That is loud on purpose: a warning in
the log once per year, the year listed in `fallback_years`, and `missing_year_warning`
for the wallboard and the supervisors' digest — a New Year's Day counted as a working
day moves every deadline across it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum, StrEnum

import chinese_calendar

logger = logging.getLogger(__name__)

# chinese-calendar names its holidays in English; the desk shows them in Chinese.
_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


class DayKind(Enum):
    """What kind of day a date is in the official calendar."""

    WORKDAY = "workday"
    MAKEUP_WORKDAY = "makeup_workday"  # 调休上班: a weekend day worked in lieu of a holiday
    WEEKEND = "weekend"
    HOLIDAY = "holiday"  # statutory holiday, including the days it borrows


class EntryKind(StrEnum):
    """What a calendar entry says of its day (the `kind` column of the CSV and table)."""

    HOLIDAY = "holiday"  # a day off, whatever weekday it falls on
    WORKDAY = "workday"  # a make-up workday, usually a Saturday or Sunday


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One day that differs from Monday–Friday."""

    day: date
    kind: EntryKind
    name: str = ""


def package_years() -> dict[int, list[CalendarEntry]]:
    """The entries chinese-calendar ships, by year (the seed of the table)."""
    years: dict[int, list[CalendarEntry]] = {}
    for table, kind in ((chinese_calendar.holidays, EntryKind.HOLIDAY),
                        (chinese_calendar.workdays, EntryKind.WORKDAY)):  # fmt: skip
        for day, name in table.items():
            entry = CalendarEntry(day=day, kind=kind, name=_HOLIDAY_NAMES_ZH.get(name, name))
            years.setdefault(day.year, []).append(entry)
    for entries in years.values():
        entries.sort(key=lambda e: e.day)
    return years


class WorkingCalendar:
    """Answers "is this a working day" and adds working days, by the official calendar."""

    def __init__(self, years: Mapping[int, Iterable[CalendarEntry]] | None = None) -> None:
        self._years: dict[int, dict[date, CalendarEntry]] = {}
        self._fallback_years: set[int] = set()
        self.replace(package_years() if years is None else years)

    # -- what the calendar knows ----------------------------------------------------------

    def replace(self, years: Mapping[int, Iterable[CalendarEntry]]) -> None:
        """Know exactly these years (a reload from the table)."""
        self._years = {year: {e.day: e for e in entries} for year, entries in years.items()}
        self._fallback_years -= set(self._years)

    def set_year(self, year: int, entries: Iterable[CalendarEntry]) -> None:
        self._years[year] = {e.day: e for e in entries}
        self._fallback_years.discard(year)

    def has_year(self, year: int) -> bool:
        return year in self._years

    def known_years(self) -> list[int]:
        return sorted(self._years)

    def entries(self, year: int) -> list[CalendarEntry]:
        return sorted(self._years.get(year, {}).values(), key=lambda e: e.day)

    def entry(self, day: date) -> CalendarEntry | None:
        return self._years.get(day.year, {}).get(day)

    def fallback_years(self) -> frozenset[int]:
        """Years asked about that the calendar does not know (answered Monday–Friday)."""
        return frozenset(self._fallback_years)

    def missing_year_warning(self, today: date) -> str | None:
        """What supervisors must be told: the current year missing (the fallback is in
        use now), or from December 1 next year's calendar not yet entered."""
        if not self.has_year(today.year):
            return (
                f"{today.year} 年节假日安排未录入：工作日按周一至周五计算，"
                f"期限与下班时间可能有误。请在“节假日”页面或用 hotline calendar import 录入。"
            )
        if today.month == 12 and not self.has_year(today.year + 1):
            return (
                f"{today.year + 1} 年节假日安排尚未录入：1 月 1 日起将按周一至周五计算工作日。"
                f"国务院公布后请在“节假日”页面或用 hotline calendar import 录入。"
            )
        return None

    # -- answers ------------------------------------------------------------------------

    def day_kind(self, day: date) -> DayKind:
        weekend = day.weekday() >= 5
        known = self._years.get(day.year)
        if known is None:
            if day.year not in self._fallback_years:
                self._fallback_years.add(day.year)
                logger.warning(
                    "no official holiday calendar for %d: using Monday-Friday until it is "
                    "entered (hotline calendar import)",
                    day.year,
                )
            return DayKind.WEEKEND if weekend else DayKind.WORKDAY
        entry = known.get(day)
        if entry is None:
            return DayKind.WEEKEND if weekend else DayKind.WORKDAY
        if entry.kind is EntryKind.HOLIDAY:
            return DayKind.HOLIDAY
        return DayKind.MAKEUP_WORKDAY if weekend else DayKind.WORKDAY

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
