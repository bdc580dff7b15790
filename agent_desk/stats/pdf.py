"""The printable report: an A4 PDF drawn with matplotlib's PdfPages (no other dependency).

Page 1: the period's KPIs as a table; then the charts; then the department ranking.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from agent_desk.stats import charts
from agent_desk.stats.definitions import KPIS, format_value
from agent_desk.stats.reports import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure

A4 = (8.27, 11.69)
RANKING_ROWS = 40


def _kpi_page(report: Report) -> Figure:
    figure = charts.new_figure(figsize=A4)
    figure.suptitle(f"Hotline statistics report {report.period.name}", fontsize=14)
    axes = figure.add_axes((0.08, 0.05, 0.84, 0.85))
    axes.axis("off")
    total = report.dashboard.total
    cells = [[kpi.label_en, format_value(kpi, total.value(kpi.key))] for kpi in KPIS]
    table = axes.table(cellText=cells, colLabels=["KPI", "value"], loc="upper center",
                       colWidths=[0.7, 0.3])  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    table.scale(1, 1.5)
    period = report.period
    axes.set_title(f"{period.kind} {period.first.isoformat()} to {period.last.isoformat()}")
    return figure


def _ranking_page(report: Report) -> Figure:
    figure = charts.new_figure(figsize=A4)
    figure.suptitle("Department ranking", fontsize=14)
    axes = figure.add_axes((0.05, 0.05, 0.9, 0.88))
    axes.axis("off")
    ranking = report.supervision.ranking[:RANKING_ROWS]
    cells = [
        [str(r.rank), r.department_code, "—" if r.score is None else f"{r.score * 100:.1f}"]
        for r in ranking
    ] or [["—", "no departments in this period", "—"]]
    table = axes.table(cellText=cells, colLabels=["#", "department", "score"],
                       loc="upper center", colWidths=[0.1, 0.7, 0.2])  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    return figure


def report_pdf(report: Report) -> bytes:
    """The report as PDF bytes (starts with %PDF)."""
    d = report.dashboard
    pages = [
        _kpi_page(report),
        charts.headline_rates(d.total),
        charts.calls_by_day(d.by_day),
        charts.arrival_curve(d.by_hour),
        charts.department_bars(d.by_department, "orders_on_time_rate"),
        _ranking_page(report),
    ]
    from matplotlib.backends.backend_pdf import PdfPages  # lazily, as in charts.new_figure

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": f"Hotline report {report.period.name}"}) as pdf:
        for page in pages:
            pdf.savefig(page)
    return buffer.getvalue()
