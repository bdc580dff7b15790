"""The directory as the rest of the hotline uses it: lookup, department cards, open-now."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from base.workdays import WorkingCalendar
from directory.matcher import DirectoryIndex, LookupResult, MatchTarget
from directory.records import DepartmentRecord
from directory.repository import DirectoryRepository

logger = logging.getLogger(__name__)


INTERNAL_FIELDS = frozenset({"liaison", "liaison_endpoint", "backup_endpoint"})


@dataclass(frozen=True, slots=True)
class DepartmentCard:
    """A department with its schedule evaluated at one moment."""

    record: DepartmentRecord
    open_now: bool

    def to_json(self) -> dict[str, object]:
        """The public card: what a caller may be told. The liaison's name and the phones
        calls are put through to stay inside (the desk's /api/departments has them)."""
        row: dict[str, object] = {
            k: v for k, v in self.record.to_row().items() if k not in INTERNAL_FIELDS
        }
        row["aliases"] = list(self.record.aliases)
        row["hours_schedule"] = self.record.schedule.describe()
        row["open_now"] = self.open_now
        return row


def to_target(record: DepartmentRecord) -> MatchTarget:
    return MatchTarget(
        code=record.code,
        name=record.name,
        name_en=record.name_en,
        aliases=record.aliases,
        city=record.city,
    )


class DirectoryService:
    """Keeps the lookup index in step with the database and answers lookups from memory."""

    def __init__(
        self,
        *,
        repository: DirectoryRepository,
        calendar: WorkingCalendar,
        home_city: str,
    ) -> None:
        self._repository = repository
        self._calendar = calendar
        self._home_city = home_city
        self._records: dict[str, DepartmentRecord] = {}
        self._cities: list[str] = []
        self._index = DirectoryIndex.build([], home_city=home_city)
        self._reload_lock = asyncio.Lock()
        self._reload_listeners: list[Callable[[Sequence[MatchTarget], Sequence[str]], None]] = []

    @property
    def home_city(self) -> str:
        return self._home_city

    async def reload(self) -> int:
        """Rebuild the index from the database (after an import or an edit)."""
        async with self._reload_lock:
            records = await self._repository.all_records()
            cities = await self._repository.city_names()
            index = DirectoryIndex.build(
                (to_target(r) for r in records), home_city=self._home_city, cities=cities
            )
            self._records = {r.code: r for r in records}
            self._index = index
            self._cities = cities
            for listener in self._reload_listeners:
                listener(self.targets(), cities)
            logger.info("directory index rebuilt: %d departments", len(records))
            return len(records)

    def add_reload_listener(
        self, listener: Callable[[Sequence[MatchTarget], Sequence[str]], None]
    ) -> None:
        """Called with the departments and cities after every reload (e.g. a speech grammar)."""
        self._reload_listeners.append(listener)

    def targets(self) -> list[MatchTarget]:
        return [to_target(record) for record in self._records.values()]

    def cities(self) -> list[str]:
        return list(self._cities)

    def search(self, query: str, *, city: str | None = None, limit: int = 5) -> LookupResult:
        return self._index.search(query, city=city, limit=limit)

    def search_keys(self, digits: str, *, city: str | None = None, limit: int = 5) -> LookupResult:
        return self._index.search_keys(digits, city=city, limit=limit)

    def get(self, code: str) -> DepartmentRecord | None:
        return self._records.get(code)

    def is_open(self, record: DepartmentRecord, at: datetime) -> bool:
        return record.schedule.is_open(at, self._calendar)

    def card(self, code: str, at: datetime) -> DepartmentCard | None:
        record = self._records.get(code)
        if record is None:
            return None
        return DepartmentCard(record=record, open_now=self.is_open(record, at))

    def __len__(self) -> int:
        return len(self._records)
