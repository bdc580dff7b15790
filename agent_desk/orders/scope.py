"""What one user may see of orders, voicemails and calls: departments and platforms.

A liaison is narrowed to their departments; a user bound to a platform to that platform
and the ones below it (routing.platforms). `None` for either means no narrowing on that
axis; a `Visibility` of None sees everything. Decided in agent_desk.permissions, applied
by the services with `Scope.where` (SQL) or `Scope.admits` (an object in hand).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, true
from sqlalchemy.orm import InstrumentedAttribute


@dataclass(frozen=True, slots=True)
class Scope:
    departments: frozenset[str] | None = None
    platforms: frozenset[str] | None = None

    def where(
        self,
        department: InstrumentedAttribute[Any] | None,
        platform: InstrumentedAttribute[Any] | None,
    ) -> ColumnElement[bool]:
        """The SQL condition of this scope over a table's department and platform columns
        (None: the table has no such column, that axis is not checked there)."""
        conditions: list[ColumnElement[bool]] = []
        if self.departments is not None and department is not None:
            conditions.append(department.in_(sorted(self.departments)))
        if self.platforms is not None and platform is not None:
            conditions.append(platform.in_(sorted(self.platforms)))
        return and_(true(), *conditions)

    def admits(self, *, department_code: str | None, platform: str | None) -> bool:
        if self.departments is not None and department_code not in self.departments:
            return False
        return self.platforms is None or platform in self.platforms


Visibility = Scope | None


def scope_where(
    visibility: Visibility,
    department: InstrumentedAttribute[Any] | None,
    platform: InstrumentedAttribute[Any] | None,
) -> ColumnElement[bool]:
    return true() if visibility is None else visibility.where(department, platform)


def scope_admits(
    visibility: Visibility, *, department_code: str | None, platform: str | None
) -> bool:
    return visibility is None or visibility.admits(
        department_code=department_code, platform=platform
    )
