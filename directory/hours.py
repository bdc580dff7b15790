"""Opening hours: the CSV's `hours` text parsed into a weekly schedule, and "open at T?".

Format: `24h`, or groups such as `mon-fri 08:30-12:00 14:30-17:30`, separated by `;`.
Days are `mon tue wed thu fri sat sun`, as single days, ranges (`tue-sun`) or lists
(`mon,wed`). Statutory holidays close every schedule except `24h`; on a make-up workday
(调休) a department keeps its working-weekday hours.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import datetime, time

from base.workdays import DayKind, WorkingCalendar

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW = re.compile(r"^([0-9]{1,2}):([0-9]{2})-([0-9]{1,2}):([0-9]{2})$")


class HoursFormatError(ValueError):
    """The hours text does not follow the format; the message says which part is wrong."""


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """One opening window within a day, start inclusive, end exclusive."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        return self.start <= moment < self.end

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True, slots=True)
class WeeklySchedule:
    """Opening windows per weekday (0 = Monday); `always_open` for 24-hour services."""

    always_open: bool
    days: tuple[tuple[TimeWindow, ...], ...]  # seven entries

    @classmethod
    def parse(cls, text: str) -> WeeklySchedule:
        spec = text.strip().lower()
        if not spec:
            raise HoursFormatError("hours are empty (use '24h' or e.g. 'mon-fri 08:30-17:30')")
        if spec in {"24h", "24/7", "24x7"}:
            return cls(always_open=True, days=((),) * 7)
        days: list[list[TimeWindow]] = [[] for _ in range(7)]
        for group in filter(None, (g.strip() for g in spec.split(";"))):
            day_part, *window_parts = group.split()
            if not window_parts:
                raise HoursFormatError(f"group {group!r} has no time window")
            windows = [_parse_window(w) for w in window_parts]
            for day in _parse_days(day_part):
                days[day].extend(windows)
        for day_windows in days:
            day_windows.sort(key=lambda w: w.start)
            for earlier, later in itertools.pairwise(day_windows):
                if later.start < earlier.end:
                    raise HoursFormatError(f"windows {earlier} and {later} overlap")
        return cls(always_open=False, days=tuple(tuple(d) for d in days))

    def windows_on(self, weekday: int) -> tuple[TimeWindow, ...]:
        return self.days[weekday]

    def workday_windows(self) -> tuple[TimeWindow, ...]:
        """The hours of the first working weekday that has any: used on make-up workdays."""
        for weekday in range(5):
            if self.days[weekday]:
                return self.days[weekday]
        return ()

    def is_open(self, at: datetime, calendar: WorkingCalendar) -> bool:
        """Whether the department is open at `at` (local time), holidays considered."""
        if self.always_open:
            return True
        kind = calendar.day_kind(at.date())
        if kind is DayKind.HOLIDAY:
            return False
        windows = self.days[at.weekday()]
        if kind is DayKind.MAKEUP_WORKDAY and not windows:
            windows = self.workday_windows()
        moment = at.time().replace(tzinfo=None)
        return any(window.contains(moment) for window in windows)

    def describe(self) -> str:
        """The canonical text form, which `parse` reads back to the same schedule."""
        if self.always_open:
            return "24h"
        groups: list[str] = []
        weekday = 0
        while weekday < 7:
            windows = self.days[weekday]
            end = weekday
            while end + 1 < 7 and self.days[end + 1] == windows:
                end += 1
            if windows:
                span = (
                    DAY_NAMES[weekday]
                    if end == weekday
                    else f"{DAY_NAMES[weekday]}-{DAY_NAMES[end]}"
                )
                groups.append(" ".join([span, *(str(w) for w in windows)]))
            weekday = end + 1
        return "; ".join(groups)


def _parse_window(text: str) -> TimeWindow:
    match = _WINDOW.match(text)
    if match is None:
        raise HoursFormatError(f"time window {text!r} is not HH:MM-HH:MM")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2):
        raise HoursFormatError(f"time window {text!r} has an impossible time")
    start = time(h1, m1)
    end = time(23, 59, 59, 999999) if h2 == 24 else time(h2, m2)
    if end <= start:
        raise HoursFormatError(f"time window {text!r} ends before it starts")
    return TimeWindow(start, end)


def _parse_days(text: str) -> list[int]:
    result: list[int] = []
    for item in text.split(","):
        first, _, last = item.partition("-")
        if first not in DAY_NAMES or (last and last not in DAY_NAMES):
            raise HoursFormatError(f"day {item!r} is not one of {'/'.join(DAY_NAMES)} or a range")
        start = DAY_NAMES.index(first)
        stop = DAY_NAMES.index(last) if last else start
        if stop < start:
            raise HoursFormatError(f"day range {item!r} runs backwards")
        result.extend(range(start, stop + 1))
    return result
