"""KPI tables: counters from the database turned into KPI values, per group and in total.

`StatsService.kpis(period, group)` groups in SQL; `dashboard(period)` reads two grouped
queries per table and derives totals, days, hours and cities by adding counters up
(they are sums, so the roll-up is exact) — fewer scans of a month's calls.
Call counters come from the hourly rollups (`rollups.py`) whenever those account for every
call of the period, else from the call records; both give the same numbers.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.stats.definitions import KPIS, Dimension, format_value, kpi_value
from agent_desk.stats.operator_figures import OperatorFigures, operator_figures
from agent_desk.stats.operators import SeatFigures, seat_figures
from agent_desk.stats.periods import Period
from agent_desk.stats.queries import (
    DEPARTMENT_CALL_COUNTERS,
    Counters,
    GroupKey,
    Thresholds,
    counter_names,
    fill_zeros,
    grouped_counters,
)
from agent_desk.stats.rollup_upkeep import rollups_complete
from base.clock import Clock


@dataclass(frozen=True, slots=True)
class KpiRow:
    """The KPIs of one group (the empty key is the total)."""

    key: GroupKey
    counters: Counters

    def value(self, kpi_key: str) -> float | None:
        return next(kpi_value(k, self.counters) for k in KPIS if k.key == kpi_key)

    def values(self) -> dict[str, float | None]:
        return {kpi.key: kpi_value(kpi, self.counters) for kpi in KPIS}

    def formatted(self) -> dict[str, str]:
        return {kpi.key: format_value(kpi, kpi_value(kpi, self.counters)) for kpi in KPIS}

    def to_json(self, dims: Sequence[Dimension]) -> dict[str, Any]:
        return {
            "group": dict(zip((d.value for d in dims), self.key, strict=True)),
            "kpis": self.values(),
            "counters": self.counters,
        }


@dataclass(frozen=True, slots=True)
class KpiTable:
    """KPIs of a period grouped by `dims`, rows in key order, with the total."""

    period: Period
    dims: tuple[Dimension, ...]
    rows: tuple[KpiRow, ...]
    total: KpiRow

    def row(self, *key: str | int) -> KpiRow | None:
        return next((row for row in self.rows if row.key == key), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {
                "name": self.period.name,
                "from": self.period.first.isoformat(),
                "to": self.period.last.isoformat(),
            },
            "group": [d.value for d in self.dims],
            "total": self.total.to_json(()),
            "rows": [row.to_json(self.dims) for row in self.rows],
        }


def add_counters(into: Counters, other: Counters) -> None:
    for name, value in other.items():
        into[name] = into.get(name, 0.0) + value


def roll_up(
    grouped: dict[GroupKey, Counters], dims: Sequence[Dimension], keep: Sequence[Dimension]
) -> dict[GroupKey, Counters]:
    """Sum counters grouped by `dims` down to the dimensions in `keep` (exact: all are sums)."""
    positions = [list(dims).index(dim) for dim in keep]
    result: dict[GroupKey, Counters] = {}
    for key, counters in grouped.items():
        coarse = tuple(key[i] for i in positions)
        add_counters(result.setdefault(coarse, {}), counters)
    return result


def _split_slot(slot: str | int) -> tuple[str, int]:
    """ "2026-09-01 09" → ("2026-09-01", 9)."""
    text = str(slot)
    return text[:10], int(text[11:13])


def _sort_key(key: GroupKey) -> tuple[tuple[int, str], ...]:
    return tuple((value, "") if isinstance(value, int) else (0, value) for value in key)


def _table(
    period: Period, dims: Sequence[Dimension], grouped: dict[GroupKey, Counters], total: Counters
) -> KpiTable:
    rows = tuple(KpiRow(key, grouped[key]) for key in sorted(grouped, key=_sort_key))
    return KpiTable(period, tuple(dims), rows, KpiRow((), total))


@dataclass(frozen=True, slots=True)
class Dashboard:
    """What the statistics page shows for a period."""

    period: Period
    total: KpiRow
    by_day: KpiTable
    by_hour: KpiTable
    by_site: KpiTable
    by_hotline: KpiTable
    by_department: KpiTable

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total.to_json(()),
            "by_day": self.by_day.to_json(),
            "by_hour": self.by_hour.to_json(),
            "by_site": self.by_site.to_json(),
            "by_hotline": self.by_hotline.to_json(),
            "by_department": self.by_department.to_json(),
        }


class StatsService:
    """KPI queries over the hotline's database."""

    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        thresholds: Thresholds | None = None,
        rollups: bool = True,
    ) -> None:
        self._sessions = sessions
        self._clock = clock
        self.thresholds = thresholds or Thresholds()
        self._rollups = rollups  # False: always aggregate the raw records (for comparison)

    def today(self) -> date:
        return self._clock.now().date()

    async def _use_rollups(self, session: AsyncSession, period: Period) -> bool:
        if not self._rollups:
            return False
        return await rollups_complete(session, period.start, period.end, self.thresholds)

    async def _rollups_alone(self, period: Period) -> bool:
        async with self._sessions() as session:
            return await self._use_rollups(session, period)

    async def _grouped(
        self,
        session: AsyncSession,
        period: Period,
        dims: Sequence[Dimension],
        rollups: bool,
        platforms: Collection[str] | None = None,
    ) -> dict[GroupKey, Counters]:
        return await grouped_counters(
            session, dims, period.start, period.end, today=self.today(),
            thresholds=self.thresholds, call_rollups=rollups, platforms=platforms,
        )  # fmt: skip

    async def _grouped_alone(
        self,
        period: Period,
        dims: Sequence[Dimension],
        sources: Collection[str] | None = None,
        call_counter_names: Collection[str] | None = None,
        *,
        rollups: bool,
    ) -> dict[GroupKey, Counters]:
        async with self._sessions() as session:
            return await grouped_counters(
                session, dims, period.start, period.end, today=self.today(),
                thresholds=self.thresholds, sources=sources,
                call_counter_names=call_counter_names, call_rollups=rollups,
            )  # fmt: skip

    async def by_department(self, period: Period, *, rollups: bool | None = None) -> KpiTable:
        """Departments' KPIs: their transfers, voicemails and orders (operator KPIs are the
        hotline's, not a department's, and stay None here). One scan per table."""
        if rollups is None:
            rollups = await self._rollups_alone(period)
        grouped = await self._grouped_alone(
            period, (Dimension.DEPARTMENT,), call_counter_names=DEPARTMENT_CALL_COUNTERS,
            rollups=rollups,
        )  # fmt: skip
        total: Counters = {}
        for counters in grouped.values():
            add_counters(total, counters)
        return _table(period, (Dimension.DEPARTMENT,), grouped, total)

    async def seats(self, period: Period, *, with_time: bool = True) -> dict[str, SeatFigures]:
        """Per-seat figures of `period` (calls answered, talk, orders, satisfaction, and
        unless `with_time` is False, time per state)."""
        now = self._clock.now() if with_time else None
        async with self._sessions() as session:
            return await seat_figures(session, period.start, period.end, now)

    async def operators(self, period: Period) -> list[OperatorFigures]:
        """Per-operator figures of `period`, by name."""
        async with self._sessions() as session:
            return await operator_figures(session, period.start, period.end, self._clock.now())

    async def kpis(
        self,
        period: Period,
        group: Sequence[Dimension] = (),
        *,
        platforms: Collection[str] | None = None,
    ) -> KpiTable:
        """KPIs of `period` grouped by `group` (empty: only the total), of what belongs to
        `platforms` (None: everything)."""
        async with self._sessions() as session:
            rollups = await self._use_rollups(session, period)
            total = (await self._grouped(session, period, (), rollups, platforms)).get((), {})
            grouped = (
                await self._grouped(session, period, group, rollups, platforms) if group else {}
            )
        return _table(period, group, grouped, total)

    async def dashboard(self, period: Period) -> Dashboard:
        """Totals, days, hours, cities, numbers and departments of `period`."""
        slot_fine = (Dimension.SLOT, Dimension.SITE, Dimension.HOTLINE)
        rollups = await self._rollups_alone(period)
        # Three independent scans on their own connections, so two cores share the work.
        # Calls and callbacks carry every fine dimension; orders and voicemails lack the
        # city, so their hour slots are read separately and merged in.
        by_slot_fine, by_slot, by_department = await asyncio.gather(
            self._grouped_alone(period, slot_fine, rollups=rollups),
            self._grouped_alone(period, (Dimension.SLOT,), ("voicemails", "orders"), rollups=False),
            self.by_department(period, rollups=rollups),
        )
        fine = (Dimension.DAY, Dimension.HOUR, Dimension.SITE, Dimension.HOTLINE)
        time_only = (Dimension.DAY, Dimension.HOUR)
        by_fine = {(*_split_slot(key[0]), *key[1:]): c for key, c in by_slot_fine.items()}
        by_time = {_split_slot(key[0]): c for key, c in by_slot.items()}
        by_time_fine = roll_up(by_fine, fine, time_only)
        for key, counters in by_time.items():
            add_counters(by_time_fine.setdefault(key, {}), counters)
        fill_zeros(by_time_fine, {name for c in by_time_fine.values() for name in c})
        total = dict.fromkeys(counter_names(), 0.0)
        total.update(roll_up(by_time_fine, time_only, ()).get((), {}))
        days = roll_up(by_time_fine, time_only, (Dimension.DAY,))
        hours = roll_up(by_time_fine, time_only, (Dimension.HOUR,))
        sites = roll_up(by_fine, fine, (Dimension.SITE,))
        hotlines = roll_up(by_fine, fine, (Dimension.HOTLINE,))
        return Dashboard(
            period=period,
            total=KpiRow((), total),
            by_day=_table(period, (Dimension.DAY,), days, total),
            by_hour=_table(period, (Dimension.HOUR,), hours, total),
            by_site=_table(period, (Dimension.SITE,), sites, total),
            by_hotline=_table(period, (Dimension.HOTLINE,), hotlines, total),
            by_department=by_department,
        )
