"""Supervisor statistics: KPIs with their definitions, live wallboard, periodic reports with
charts (CSV, PDF), supervision views and demo history.

Importing this package does not import matplotlib; `charts`, `reports` and `pdf` do.
"""

from agent_desk.stats.definitions import KPIS, Dimension, Kpi, KpiKind
from agent_desk.stats.kpis import Dashboard, KpiRow, KpiTable, StatsService
from agent_desk.stats.periods import Period, PeriodInvalid, date_range, parse_period
from agent_desk.stats.queries import Thresholds
from agent_desk.stats.supervision import Supervision, SupervisionService

__all__ = [
    "KPIS",
    "Dashboard",
    "Dimension",
    "Kpi",
    "KpiKind",
    "KpiRow",
    "KpiTable",
    "Period",
    "PeriodInvalid",
    "StatsService",
    "Supervision",
    "SupervisionService",
    "Thresholds",
    "date_range",
    "parse_period",
]
