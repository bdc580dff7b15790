"""Periodic reports (monthly, quarterly, half-yearly, yearly) per handling unit: the KPI
tables of a period, the supervision lists, CSV export and the quarterly public summary.

The PDF is in `pdf.py`; charts in `charts.py`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.stats.definitions import KPIS, KpiKind
from agent_desk.stats.kpis import Dashboard, KpiRow, KpiTable, StatsService
from agent_desk.stats.periods import Period, PeriodInvalid
from agent_desk.stats.queries import Thresholds
from agent_desk.stats.supervision import Supervision, SupervisionService
from base.clock import Clock
from base.csv_cells import neutralise

# What the public sees each quarter (季度公示): volumes and outcomes, no staff detail.
PUBLIC_KPIS = (
    "calls_offered",
    "operator_answer_rate",
    "orders_accepted",
    "orders_on_time_rate",
    "resolution_rate",
    "callback_rate",
    "satisfaction_rate",
)


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a periodic report shows."""

    period: Period
    dashboard: Dashboard
    supervision: Supervision

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {
                "name": self.period.name,
                "kind": self.period.kind,
                "from": self.period.first.isoformat(),
                "to": self.period.last.isoformat(),
            },
            "kpis": {
                kpi.key: {"label": kpi.label, "label_en": kpi.label_en, "kind": kpi.kind.value}
                for kpi in KPIS
            },
            **self.dashboard.to_json(),
            "supervision": self.supervision.to_json(),
        }


async def build_report(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    period: Period,
    thresholds: Thresholds | None = None,
) -> Report:
    stats = StatsService(sessions=sessions, clock=clock, thresholds=thresholds)
    supervision = SupervisionService(sessions=sessions, clock=clock)
    return Report(period, await stats.dashboard(period), await supervision.overview(period))


def _csv_value(kind: KpiKind, value: float | None) -> str:
    if value is None:
        return ""  # no denominator: empty, not zero
    return f"{value:.4f}" if kind is not KpiKind.COUNT else f"{value:.0f}"


def _rows(section: str, table: KpiTable) -> list[list[str]]:
    rows = []
    for row in table.rows:
        group = "/".join(str(part) for part in row.key) or "(none)"
        rows.append([section, neutralise(group), *_values(row)])
    return rows


def _values(row: KpiRow) -> list[str]:
    return [_csv_value(kpi.kind, row.value(kpi.key)) for kpi in KPIS]


def report_csv(report: Report) -> str:
    """One line per group: section, group, then every KPI (rates as fractions, '' for none)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "group", *(kpi.key for kpi in KPIS)])
    writer.writerow(["label", "", *(kpi.label for kpi in KPIS)])
    d = report.dashboard
    writer.writerow(["total", neutralise(report.period.name), *_values(d.total)])
    for section, table in (
        ("department", d.by_department),
        ("site", d.by_site),
        ("hotline", d.by_hotline),
        ("day", d.by_day),
        ("hour", d.by_hour),
    ):
        writer.writerows(_rows(section, table))
    return buffer.getvalue()


def public_summary(report: Report) -> dict[str, Any]:
    """The quarterly public summary: a few volumes and rates, for publication."""
    if report.period.kind != "quarter":
        raise PeriodInvalid("the public summary is quarterly: use a period like 2026-Q3")
    total = report.dashboard.total
    return {
        "period": report.period.name,
        "from": report.period.first.isoformat(),
        "to": report.period.last.isoformat(),
        "figures": [
            {
                "key": key,
                "label": next(k.label for k in KPIS if k.key == key),
                "value": total.value(key),
                "text": total.formatted()[key],
            }
            for key in PUBLIC_KPIS
        ],
    }
