"""The `working_calendar` table: holidays and make-up workdays per year, feeding
`base.workdays.WorkingCalendar`.

Seeded from chinese-calendar for every year the package knows and the table does not
(so a newer package brings its years in at the next start, and an admin's own entries
for a year are never overwritten); edited by admins from the desk or with
`hotline calendar import FILE` (CSV `date,kind,name`: a bad row is reported with its
line, the good rows are kept).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Date, DateTime, Integer, String, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from base.clock import CHINA_TZ, Clock
from base.database import Base
from base.errors import InvalidInput
from base.workdays import CalendarEntry, EntryKind, WorkingCalendar, package_years

logger = logging.getLogger(__name__)

CSV_COLUMNS = ("date", "kind", "name")
SOURCE_PACKAGE = "chinese-calendar"
SOURCE_ADMIN = "admin"
# Years outside this range are typing mistakes, not calendars.
_FIRST_YEAR, _LAST_YEAR = 2000, 2100
# What the CSV may say for a kind (English and the words on the State Council notice).
_KIND_WORDS = {
    "holiday": EntryKind.HOLIDAY,
    "休": EntryKind.HOLIDAY,
    "假": EntryKind.HOLIDAY,
    "放假": EntryKind.HOLIDAY,
    "workday": EntryKind.WORKDAY,
    "makeup_workday": EntryKind.WORKDAY,
    "班": EntryKind.WORKDAY,
    "上班": EntryKind.WORKDAY,
}


class CalendarDay(Base):
    """One day that differs from Monday–Friday."""

    __tablename__ = "working_calendar"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(String(32))  # chinese-calendar | admin
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100), default="")


@dataclass(slots=True)
class CalendarImportReport:
    saved: int = 0
    years: set[int] = field(default_factory=set)
    errors: list[tuple[int, str]] = field(default_factory=list)


def parse_entry(day_text: str, kind_text: str, name: str) -> CalendarEntry:
    """One entry from text; InvalidInput says what is wrong."""
    try:
        day = date.fromisoformat(day_text.strip())
    except ValueError:
        raise InvalidInput(f"date {day_text.strip()[:40]!r} is not YYYY-MM-DD") from None
    if not _FIRST_YEAR <= day.year <= _LAST_YEAR:
        raise InvalidInput(f"year {day.year} is outside {_FIRST_YEAR}-{_LAST_YEAR}")
    kind = _KIND_WORDS.get(kind_text.strip().lower())
    if kind is None:
        raise InvalidInput(f"kind {kind_text.strip()[:40]!r} is not holiday or workday")
    name = name.strip()
    if len(name) > 100:
        raise InvalidInput("name is longer than 100 characters")
    if kind is EntryKind.WORKDAY and day.weekday() < 5:
        raise InvalidInput(f"{day} is a {day:%A}: a make-up workday is a Saturday or Sunday")
    return CalendarEntry(day=day, kind=kind, name=name)


def parse_csv(text: str) -> tuple[list[CalendarEntry], list[tuple[int, str]]]:
    """The good entries of a `date,kind,name` CSV and (line, reason) for each bad row."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CSV_COLUMNS[:2] if c not in (reader.fieldnames or [])]
    if missing:
        return [], [(1, f"missing columns: {', '.join(missing)} (expected date,kind,name)")]
    entries: dict[date, CalendarEntry] = {}
    errors: list[tuple[int, str]] = []
    for row in reader:
        line = reader.line_num
        try:
            entry = parse_entry(row.get("date") or "", row.get("kind") or "", row.get("name") or "")
        except InvalidInput as exc:
            errors.append((line, exc.message))
            continue
        if entry.day in entries:
            errors.append((line, f"{entry.day} is listed twice; the first row is kept"))
            continue
        entries[entry.day] = entry
    return sorted(entries.values(), key=lambda e: e.day), errors


class CalendarStore:
    """Reads and writes the table, and keeps the shared `WorkingCalendar` in step."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        calendar: WorkingCalendar,
        clock: Clock,
    ) -> None:
        self._sessions = sessions
        self.calendar = calendar
        self._clock = clock

    async def load(self) -> list[int]:
        """Seed the package's missing years, then make the calendar know exactly the
        table's years; the years seeded."""
        seeded = await self.seed_from_package()
        async with self._sessions() as session:
            rows = (await session.scalars(select(CalendarDay).order_by(CalendarDay.day))).all()
        years: dict[int, list[CalendarEntry]] = {}
        for row in rows:
            entry = CalendarEntry(day=row.day, kind=EntryKind(row.kind), name=row.name)
            years.setdefault(row.year, []).append(entry)
        self.calendar.replace(years)
        today = self._clock.now().astimezone(CHINA_TZ).date()
        warning = self.calendar.missing_year_warning(today)
        if warning:
            logger.warning("holiday calendar: %s", warning)
        return seeded

    async def seed_from_package(self) -> list[int]:
        async with self._sessions() as session:
            present = set((await session.scalars(select(CalendarDay.year).distinct())).all())
            missing = {y: e for y, e in package_years().items() if y not in present}
            for entries in missing.values():
                self._add(session, entries, source=SOURCE_PACKAGE, actor=SOURCE_PACKAGE)
            try:
                await session.commit()
            except IntegrityError:
                # Another process starting at the same time seeded the same years first.
                await session.rollback()
                logger.info("holiday calendar: seeded by another process meanwhile")
                return []
        return sorted(missing)

    async def save(self, entries: Iterable[CalendarEntry], *, actor: str) -> set[int]:
        """Add or replace these days (by date); the calendar reloads; the years touched."""
        entries = list(entries)
        async with self._sessions() as session:
            days = [e.day for e in entries]
            for chunk in range(0, len(days), 500):
                await session.execute(
                    delete(CalendarDay).where(CalendarDay.day.in_(days[chunk : chunk + 500]))
                )
            self._add(session, entries, source=SOURCE_ADMIN, actor=actor)
            await session.commit()
        await self.load()
        return {e.day.year for e in entries}

    async def remove(self, day: date) -> bool:
        """Remove one day (back to its weekday's rule); False when it was not there."""
        async with self._sessions() as session:
            result = await session.execute(delete(CalendarDay).where(CalendarDay.day == day))
            await session.commit()
        await self.load()
        return bool(getattr(result, "rowcount", 0))

    async def import_csv(self, text: str, *, actor: str) -> CalendarImportReport:
        entries, errors = parse_csv(text)
        report = CalendarImportReport(errors=errors)
        if entries:
            report.years = await self.save(entries, actor=actor)
            report.saved = len(entries)
        return report

    def _add(
        self, session: AsyncSession, entries: Iterable[CalendarEntry], *, source: str, actor: str
    ) -> None:
        now = self._clock.now()
        for entry in entries:
            session.add(
                CalendarDay(day=entry.day, year=entry.day.year, kind=entry.kind.value,
                            name=entry.name, source=source, updated_at=now, updated_by=actor)
            )  # fmt: skip
