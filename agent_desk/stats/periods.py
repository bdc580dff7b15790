"""Reporting periods: a month, quarter, half-year or year by name, or any [from, to) range.

Names: `2026-07` (month), `2026-Q3` (quarter), `2026-H1` (half-year), `2026` (year).
A period runs from midnight China time on its first day to midnight after its last.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from base.clock import CHINA_TZ
from base.errors import InvalidInput

_PATTERNS = (
    (re.compile(r"^([0-9]{4})-([0-9]{2})$"), "month"),
    (re.compile(r"^([0-9]{4})-Q([1-4])$"), "quarter"),
    (re.compile(r"^([0-9]{4})-H([12])$"), "half-year"),
    (re.compile(r"^([0-9]{4})$"), "year"),
)
MAX_DAYS = 366 * 5  # a longer range is a typing mistake, not a report


class PeriodInvalid(InvalidInput):
    code = "period-invalid"


@dataclass(frozen=True, slots=True)
class Period:
    """Days `first` to `last` inclusive, named for reports."""

    name: str
    kind: str  # month, quarter, half-year, year, range
    first: date
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time(), CHINA_TZ)

    @property
    def end(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), CHINA_TZ)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def _months(name: str, kind: str, year: int, first_month: int, count: int) -> Period:
    last_month = first_month + count - 1
    return Period(name, kind, date(year, first_month, 1), _month_end(year, last_month))


def parse_period(name: str) -> Period:
    """The period a report name stands for; PeriodInvalid says what is accepted."""
    text = name.strip().upper()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        year = int(match.group(1))
        if not 2000 <= year <= 2100:
            break
        if kind == "month":
            month = int(match.group(2))
            if not 1 <= month <= 12:
                break
            return _months(text, kind, year, month, 1)
        if kind == "quarter":
            return _months(text, kind, year, 3 * int(match.group(2)) - 2, 3)
        if kind == "half-year":
            return _months(text, kind, year, 6 * int(match.group(2)) - 5, 6)
        return _months(text, kind, year, 1, 12)
    raise PeriodInvalid(
        f"period {name!r} is not one of YYYY-MM, YYYY-Qn, YYYY-Hn, YYYY",
        details={"period": name[:40]},
    )


def date_range(first: date, last: date) -> Period:
    """A custom period of whole days, checked for order and length."""
    if last < first:
        raise PeriodInvalid("'to' is before 'from'")
    if (last - first).days >= MAX_DAYS:
        raise PeriodInvalid(f"a range may span at most {MAX_DAYS} days")
    return Period(f"{first.isoformat()}..{last.isoformat()}", "range", first, last)


def parse_day(raw: str, name: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise PeriodInvalid(f"{name} must be a date YYYY-MM-DD, got {raw[:40]!r}") from None


def previous_period(period: Period) -> Period:
    """The period before `period`, of the same kind: the month, quarter, half-year or year
    before, or the range of as many days just before."""
    if period.kind == "range":
        return date_range(period.first - timedelta(days=period.days), period.first - timedelta(1))
    year, month = period.first.year, period.first.month
    if period.kind == "month":
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return parse_period(f"{year}-{month:02d}")
    if period.kind == "quarter":
        quarter = (month - 1) // 3 + 1
        return parse_period(f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}")
    if period.kind == "half-year":
        return parse_period(f"{year - 1}-H2" if month == 1 else f"{year}-H1")
    return parse_period(str(year - 1))
