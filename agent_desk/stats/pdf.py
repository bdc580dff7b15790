"""The printable report: an A4 PDF in Chinese, drawn with matplotlib's PdfPages.

Cover, table of contents, the KPI table, the charts two to a page, the department
ranking; every page numbered. Text is in the CJK font (`fonts.py`), departments by name.
The quarterly public summary (季度公示) has its own one-page PDF, `public_pdf`.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from agent_desk.stats import charts
from agent_desk.stats.definitions import (
    GBT,
    KPIS,
    NO_VALUE,
    SEEDS,
    Kpi,
    KpiKind,
    format_value,
)
from agent_desk.stats.reports import Report

if TYPE_CHECKING:
    from matplotlib.figure import Figure, FigureBase

A4 = (8.27, 11.69)
RANKING_ROWS = 40
KIND_NAMES = {"month": "月度", "quarter": "季度", "half-year": "半年度", "year": "年度",
              "range": "期间"}  # fmt: skip
Chart = Callable[["FigureBase"], object]
SOURCE_NAMES = {SEEDS: "热线建设资料", GBT: "GB/T 33358"}


def _with_unit(kpi: Kpi, text: str) -> str:
    if kpi.kind is KpiKind.SECONDS and text != NO_VALUE:
        return f"{text} 秒"
    return text


def _page(number: int, *, constrained: bool = False) -> Figure:
    figure = charts.new_figure(figsize=A4, layout="constrained" if constrained else None)
    figure.text(0.5, 0.02, f"— {number} —", ha="center", fontsize=9, color=charts.GREY)
    return figure


def _cover(report: Report, generated: datetime) -> Figure:
    figure = charts.new_figure(figsize=A4)
    period = report.period
    kind = KIND_NAMES.get(period.kind, "")
    figure.text(0.5, 0.68, "政务服务便民热线", ha="center", fontsize=22)
    figure.text(0.5, 0.61, f"{kind}统计分析报告", ha="center", fontsize=28, weight="bold")
    figure.text(0.5, 0.52, period.name, ha="center", fontsize=18, color=charts.BLUE)
    figure.text(0.5, 0.47, f"{period.first.isoformat()} 至 {period.last.isoformat()}",
                ha="center", fontsize=13)  # fmt: skip
    figure.text(0.5, 0.12, f"生成于 {generated:%Y-%m-%d %H:%M}（北京时间）", ha="center",
                fontsize=10, color=charts.GREY)  # fmt: skip
    return figure


def _contents(entries: Sequence[tuple[str, int]]) -> Figure:
    figure = _page(2)
    figure.text(0.1, 0.9, "目录", fontsize=20, weight="bold")
    for index, (title, page) in enumerate(entries):
        y = 0.82 - index * 0.045
        figure.text(0.12, y, title, fontsize=13)
        figure.text(0.88, y, str(page), fontsize=13, ha="right")
        figure.add_artist(_dots(figure, y))
    return figure


def _dots(figure: Figure, y: float) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([0.5, 0.85], [y + 0.004] * 2, transform=figure.transFigure,
                  linestyle=":", color=charts.GREY)  # fmt: skip


def _table_page(report: Report, number: int) -> Figure:
    figure = _page(number)
    figure.text(0.08, 0.94, "一、主要指标", fontsize=16, weight="bold")
    axes = figure.add_axes((0.08, 0.06, 0.84, 0.85))
    axes.axis("off")
    total = report.dashboard.total
    cells = [[kpi.label, _with_unit(kpi, format_value(kpi, total.value(kpi.key))),
              SOURCE_NAMES.get(kpi.source, kpi.source) or "—"] for kpi in KPIS]  # fmt: skip
    table = axes.table(cellText=cells, colLabels=["指标", "数值", "依据"], loc="upper center",
                       colWidths=[0.5, 0.2, 0.3])  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(10)
    table.scale(1, 1.45)
    return figure


def _charts_page(title: str, pair: Sequence[Chart], number: int) -> Figure:
    """Two charts on one page, one above the other."""
    from matplotlib.layout_engine import ConstrainedLayoutEngine

    figure = _page(number, constrained=True)
    engine = figure.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0.0, 0.04, 1.0, 0.96))  # keep clear of the page number
    figure.suptitle(title, fontsize=16, weight="bold", x=0.08, ha="left")
    grid = figure.subfigures(2, 1, squeeze=False, hspace=0.05)
    for draw, into in zip(pair, (grid[0][0], grid[1][0]), strict=False):
        draw(into)
    return figure


def _ranking_page(report: Report, names: Mapping[str, str], number: int) -> Figure:
    figure = _page(number)
    figure.text(0.08, 0.94, "四、单位排名", fontsize=16, weight="bold")
    axes = figure.add_axes((0.05, 0.06, 0.9, 0.85))
    axes.axis("off")
    ranking = report.supervision.ranking[:RANKING_ROWS]
    cells = [
        [str(r.rank), names.get(r.department_code, r.department_code),
         "—" if r.score is None else f"{r.score * 100:.1f}"]
        for r in ranking
    ] or [["—", "本期无单位数据", "—"]]  # fmt: skip
    table = axes.table(cellText=cells, colLabels=["名次", "单位", "得分（分）"],
                       loc="upper center", colWidths=[0.12, 0.68, 0.2])  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(9)
    return figure


def report_pdf(
    report: Report, names: Mapping[str, str] | None = None, *, generated: datetime | None = None
) -> bytes:
    """The report as PDF bytes (starts with %PDF); `names` maps department codes to names."""
    names = names or {}
    d = report.dashboard
    traffic: list[Chart] = [
        lambda into: charts.calls_by_day(d.by_day, into),
        lambda into: charts.arrival_curve(d.by_hour, into),
    ]
    outcomes: list[Chart] = [
        lambda into: charts.headline_rates(d.total, into),
        lambda into: charts.department_bars(
            d.by_department, "orders_on_time_rate", names=names, into=into
        ),
    ]
    contents = [("一、主要指标", 3), ("二、话务量", 4), ("三、服务质量", 5), ("四、单位排名", 6)]
    pages = [
        _cover(report, generated or datetime.now()),
        _contents(contents),
        _table_page(report, 3),
        _charts_page("二、话务量", traffic, 4),
        _charts_page("三、服务质量", outcomes, 5),
        _ranking_page(report, names, 6),
    ]
    return _pdf(pages, f"热线统计分析报告 {report.period.name}")


def public_pdf(summary: Mapping[str, Any]) -> bytes:
    """The quarterly public summary (季度公示) on one A4 page."""
    figure = charts.new_figure(figsize=A4)
    figure.text(0.5, 0.9, "政务服务便民热线", ha="center", fontsize=18)
    figure.text(0.5, 0.85, f"{summary['period']} 季度公示", ha="center", fontsize=24,
                weight="bold")  # fmt: skip
    figure.text(0.5, 0.81, f"{summary['from']} 至 {summary['to']}", ha="center", fontsize=12)
    axes = figure.add_axes((0.15, 0.2, 0.7, 0.55))
    axes.axis("off")
    cells = [[item["label"], item["text"]] for item in summary["figures"]]
    table = axes.table(cellText=cells, colLabels=["项目", "数值"], loc="upper center",
                       colWidths=[0.65, 0.35])  # fmt: skip
    table.auto_set_font_size(False)
    table.set_fontsize(13)
    table.scale(1, 2.0)
    return _pdf([figure], f"季度公示 {summary['period']}")


def _pdf(pages: Sequence[Figure], title: str) -> bytes:
    from matplotlib.backends.backend_pdf import PdfPages  # lazily, as in charts.new_figure

    buffer = io.BytesIO()
    with PdfPages(buffer, metadata={"Title": title}) as pdf:
        for page in pages:
            pdf.savefig(page)
    return buffer.getvalue()
