"""Reading and writing departments in the database."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from directory.models import City, Department
from directory.records import CSV_COLUMNS, DepartmentRecord

_FIELDS = tuple(column for column in CSV_COLUMNS if column != "city")


@dataclass(slots=True)
class UpsertCounts:
    """How many departments an upsert created, changed and left as they were."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


def to_record(department: Department) -> DepartmentRecord:
    values = {name: getattr(department, name) for name in _FIELDS}
    values["aliases"] = tuple(department.aliases or ())
    return DepartmentRecord(city=department.city.name, **values)


class DirectoryRepository:
    """Departments and cities, stored with SQLAlchemy."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def upsert(self, records: Iterable[DepartmentRecord]) -> UpsertCounts:
        """Insert or update by `code`; a record equal to the stored one changes nothing."""
        counts = UpsertCounts()
        batch = list(records)
        if not batch:
            return counts
        async with self._sessions.begin() as session:
            cities = await self._cities_by_name(session, {r.city for r in batch})
            existing = {
                d.code: d
                for d in await session.scalars(
                    select(Department).where(Department.code.in_([r.code for r in batch]))
                )
            }
            for record in batch:
                department = existing.get(record.code)
                if department is None:
                    department = Department(code=record.code)
                    session.add(department)
                    existing[record.code] = department
                    counts.created += 1
                elif to_record(department) == record:
                    counts.unchanged += 1
                    continue
                else:
                    counts.updated += 1
                _apply(department, record, cities[record.city])
        return counts

    async def all_records(self) -> list[DepartmentRecord]:
        async with self._sessions() as session:
            rows = await session.scalars(select(Department).order_by(Department.id))
            return [to_record(d) for d in rows]

    async def get(self, code: str) -> DepartmentRecord | None:
        async with self._sessions() as session:
            department = await session.scalar(select(Department).where(Department.code == code))
            return None if department is None else to_record(department)

    async def count(self) -> int:
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count(Department.id))) or 0)

    async def city_names(self) -> list[str]:
        async with self._sessions() as session:
            return list(await session.scalars(select(City.name).order_by(City.id)))

    @staticmethod
    async def _cities_by_name(session: AsyncSession, names: set[str]) -> dict[str, City]:
        found = {c.name: c for c in await session.scalars(select(City).where(City.name.in_(names)))}
        for name in sorted(names - found.keys()):
            city = City(name=name)
            session.add(city)
            found[name] = city
        await session.flush()
        return found


def _apply(department: Department, record: DepartmentRecord, city: City) -> None:
    for name in _FIELDS:
        value = getattr(record, name)
        setattr(department, name, list(value) if name == "aliases" else value)
    department.city = city
