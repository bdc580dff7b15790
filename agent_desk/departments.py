"""Departments keep their own directory entry current from the desk, with every change kept.

A liaison edits the fields the department itself answers for (numbers, liaison, endpoints,
hours, address, duties, aliases); the record is validated as an import row would be,
saved through the directory repository, and the lookup index is rebuilt at once. Each
changed field leaves a row in `department_changes` (who, when, old, new).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, String, Text, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from agent_desk import audit
from agent_desk.timeutil import china
from base.clock import Clock
from base.database import Base
from base.errors import InvalidInput, NotFound
from directory import DepartmentRecord, DirectoryRepository, DirectoryService, RecordError

# What a department answers for itself; code, name, city and kind stay with the hotline.
EDITABLE_FIELDS = (
    "aliases", "service_phone", "complaint_phone", "supervision_phone", "liaison",
    "liaison_endpoint", "backup_endpoint", "hours", "address", "duties",
)  # fmt: skip
# The directory table's column sizes: longer values would fail in PostgreSQL, not here.
MAX_LENGTHS = {
    "service_phone": 32, "complaint_phone": 32, "supervision_phone": 32, "liaison": 100,
    "liaison_endpoint": 200, "backup_endpoint": 200, "hours": 200, "address": 300,
    "duties": 4000, "aliases": 2000,
}  # fmt: skip
MAX_ALIASES = 50


class DepartmentNotFound(NotFound):
    code = "department-not-found"


class DepartmentInputInvalid(InvalidInput):
    code = "department-input-invalid"


class DepartmentChange(Base):
    """One field of one department changed from the desk."""

    __tablename__ = "department_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_code: Mapped[str] = mapped_column(String(128), index=True)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str] = mapped_column(String(64))
    field: Mapped[str] = mapped_column(String(32))
    old_value: Mapped[str] = mapped_column(Text)
    new_value: Mapped[str] = mapped_column(Text)


def change_to_json(change: DepartmentChange) -> dict[str, object]:
    return {
        "id": change.id,
        "department_code": change.department_code,
        "changed_at": china(change.changed_at).isoformat(),
        "changed_by": change.changed_by,
        "field": change.field,
        "old": change.old_value,
        "new": change.new_value,
    }


def record_to_json(record: DepartmentRecord) -> dict[str, object]:
    row: dict[str, object] = dict(record.to_row())
    row["aliases"] = list(record.aliases)
    return row


@dataclass(frozen=True, slots=True)
class DepartmentEdit:
    """The record as saved and the field changes it made (empty when nothing changed)."""

    record: DepartmentRecord
    changes: list[DepartmentChange]


def _field_value(field: str, value: object) -> str:
    """The CSV-row form of one submitted field; raises naming the field."""
    if field == "aliases" and isinstance(value, list):
        if len(value) > MAX_ALIASES or not all(isinstance(a, str) for a in value):
            raise DepartmentInputInvalid(
                f"aliases must be a list of at most {MAX_ALIASES} strings",
                details={"field": field},
            )
        if any("|" in a for a in value):
            raise DepartmentInputInvalid(
                "aliases: an alias cannot contain '|'", details={"field": field}
            )
        value = "|".join(value)
    if not isinstance(value, str):
        raise DepartmentInputInvalid(f"{field} must be a string", details={"field": field})
    if "\x00" in value or len(value) > MAX_LENGTHS[field]:
        raise DepartmentInputInvalid(
            f"{field} must be at most {MAX_LENGTHS[field]} characters without NUL",
            details={"field": field},
        )
    return value


class DepartmentEditor:
    """Edits directory entries from the desk and keeps their history."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        repository: DirectoryRepository,
        directory: DirectoryService,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self._repository = repository
        self._directory = directory
        # Edits are read-modify-write of a whole record: one at a time, so the history's
        # "old" values are what the edit really replaced.
        self._lock = asyncio.Lock()

    async def get(self, code: str) -> DepartmentRecord:
        record = await self._repository.get(code)
        if record is None:
            raise DepartmentNotFound(f"no department with code {code!r}")
        return record

    async def edit(
        self, code: str, fields: Mapping[str, object], *, actor: str, ip: str = ""
    ) -> DepartmentEdit:
        """Apply `fields` (a subset of EDITABLE_FIELDS) to department `code`."""
        for name in fields:
            if name not in EDITABLE_FIELDS:
                raise DepartmentInputInvalid(
                    f"{name} cannot be edited here (editable: {', '.join(EDITABLE_FIELDS)})",
                    details={"field": name},
                )
        submitted = {name: _field_value(name, value) for name, value in fields.items()}
        async with self._lock:
            current = await self.get(code)
            row: dict[str, str | None] = {**current.to_row(), **submitted}
            try:
                record = DepartmentRecord.from_row(row)
            except RecordError as exc:
                # RecordError messages start with the field they are about.
                field = str(exc).split(" ", 1)[0]
                raise DepartmentInputInvalid(str(exc), details={"field": field}) from None
            before, after = current.to_row(), record.to_row()
            changed = [f for f in EDITABLE_FIELDS if before[f] != after[f]]
            if not changed:
                return DepartmentEdit(record=current, changes=[])
            # The repository commits on its own; the history follows in a second
            # transaction (a crash between the two loses history, never the edit).
            await self._repository.upsert([record])
            now = china(self._clock.now())
            history = [
                DepartmentChange(department_code=code, changed_at=now, changed_by=actor[:64],
                                 field=f, old_value=before[f], new_value=after[f])
                for f in changed
            ]  # fmt: skip
            async with self._sessions() as session:
                session.add_all(history)
                audit.record(session, at=now, actor=actor, action="department.edit",
                             target=code[:100], detail=", ".join(changed), ip=ip)  # fmt: skip
                await session.commit()
            await self._directory.reload()
        return DepartmentEdit(record=record, changes=history)

    async def history(self, code: str, *, limit: int = 100) -> list[DepartmentChange]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(DepartmentChange)
                .where(DepartmentChange.department_code == code)
                .order_by(DepartmentChange.id.desc())
                .limit(limit)
            )
            return list(rows.all())
