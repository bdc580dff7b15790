"""Charts of the statistics pages and reports, drawn by matplotlib (Agg, no pyplot state).

Each function draws into a new `Figure`, or into `into` (a sub-figure: the PDF puts two
charts on a page); `svg_data_uri` turns a figure into an `<img>` source for the web pages
(the desk's CSP allows data: images). Labels are Chinese in the CJK font (`fonts.py`),
departments by name, every axis with its unit, the legend clear of the date axis.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal

from agent_desk.stats.definitions import KPI_BY_KEY, KpiKind
from agent_desk.stats.fonts import use_cjk_font
from agent_desk.stats.kpis import KpiRow, KpiTable

if TYPE_CHECKING:
    from matplotlib.figure import Figure, FigureBase

BLUE, GREEN, RED, GREY = "#17456b", "#1a7f37", "#b42318", "#8a94a3"
LABEL_SIZE, TICK_SIZE, TITLE_SIZE = 10, 9, 12
HEADLINE_RATES = (
    "operator_answer_rate",
    "answered_15s_rate",
    "answered_15s_entry_rate",
    "transfer_success_rate",
    "voicemail_on_time_rate",
    "orders_on_time_rate",
    "resolution_rate",
    "satisfaction_rate",
)


def new_figure(
    *, figsize: tuple[float, float], layout: Literal["constrained"] | None = None
) -> Figure:
    """A matplotlib Figure; matplotlib (~0.6 s) is imported on the first chart, not at start."""
    import matplotlib

    matplotlib.use("Agg")  # before anything draws: no display on a server
    use_cjk_font(matplotlib)
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout=layout)


def _figure(into: FigureBase | None, width: float = 8.0, height: float = 3.4) -> FigureBase:
    return into if into is not None else new_figure(figsize=(width, height), layout="constrained")


def _title(figure: FigureBase, text: str) -> None:
    figure.suptitle(text, fontsize=TITLE_SIZE)


def calls_by_day(table: KpiTable, into: FigureBase | None = None) -> FigureBase:
    """Calls offered per day (bars) and the operator answer rate (line, right axis)."""
    figure = _figure(into)
    axes = figure.add_subplot()
    days = [str(row.key[0])[5:] for row in table.rows]
    offered = [row.value("calls_offered") or 0 for row in table.rows]
    axes.bar(days, offered, color=BLUE, label="呼入量（通）")
    axes.set_ylabel("呼入量（通）", fontsize=LABEL_SIZE)
    axes.set_xlabel("日期（月-日）", fontsize=LABEL_SIZE)
    step = max(1, len(days) // 16)  # at most ~16 dates on the axis: readable, not a smear
    axes.set_xticks(range(0, len(days), step), days[::step])
    axes.tick_params(axis="x", labelrotation=45, labelsize=TICK_SIZE)
    rate_axes = axes.twinx()
    rates = [_percent(row.value("operator_answer_rate")) for row in table.rows]
    rate_axes.plot(days, rates, color=GREEN, marker=".", label="人工接通率（%）")
    rate_axes.set_ylim(0, 105)
    rate_axes.set_ylabel("人工接通率（%）", fontsize=LABEL_SIZE)
    _title(figure, "每日呼入量与人工接通率")
    figure.legend(loc="outside upper right", fontsize=TICK_SIZE, ncols=2, frameon=False)
    return figure


def arrival_curve(table: KpiTable, into: FigureBase | None = None) -> FigureBase:
    """Calls offered by hour of day: the morning and afternoon peaks staffing follows."""
    figure = _figure(into, height=3.0)
    axes = figure.add_subplot()
    by_hour = {int(row.key[0]): row.value("calls_offered") or 0 for row in table.rows}
    axes.bar(range(24), [by_hour.get(hour, 0) for hour in range(24)], color=BLUE)
    axes.set_xticks(range(0, 24, 2))
    axes.tick_params(labelsize=TICK_SIZE)
    axes.set_xlabel("时段（时，北京时间）", fontsize=LABEL_SIZE)
    axes.set_ylabel("呼入量（通）", fontsize=LABEL_SIZE)
    _title(figure, "各时段呼入量")
    return figure


def headline_rates(total: KpiRow, into: FigureBase | None = None) -> FigureBase:
    """The period's main rates as horizontal bars; '—' where there was nothing to divide."""
    figure = _figure(into, height=3.4)
    axes = figure.add_subplot()
    labels = [KPI_BY_KEY[key].label for key in HEADLINE_RATES]
    values = [total.value(key) for key in HEADLINE_RATES]
    axes.barh(labels, [_percent(v) for v in values], color=BLUE)
    for index, value in enumerate(values):
        text = "—" if value is None else f"{value * 100:.1f}%"
        axes.text(1, index, text, va="center", color="white" if value else GREY,
                  fontsize=TICK_SIZE)  # fmt: skip
    axes.set_xlim(0, 100)
    axes.set_xlabel("比率（%）", fontsize=LABEL_SIZE)
    axes.tick_params(labelsize=TICK_SIZE)
    axes.invert_yaxis()
    _title(figure, "主要指标")
    return figure


def department_bars(
    table: KpiTable,
    kpi_key: str,
    *,
    names: Mapping[str, str] | None = None,
    top: int = 15,
    into: FigureBase | None = None,
) -> FigureBase:
    """One KPI for the departments with the most calls, worst first, by department name."""
    kpi = KPI_BY_KEY[kpi_key]
    names = names or {}
    rows = [row for row in table.rows if row.key[0] and row.value(kpi_key) is not None]
    rows.sort(key=lambda row: -(row.value("calls_offered") or 0))
    rows = rows[:top]
    rows.sort(key=lambda row: row.value(kpi_key) or 0.0, reverse=not kpi.higher_is_better)
    figure = _figure(into, height=max(2.6, 0.3 * len(rows) + 1.2))
    axes = figure.add_subplot()
    scale = 100.0 if kpi.kind is KpiKind.RATE else 1.0
    axes.barh(
        [names.get(str(row.key[0]), str(row.key[0])) for row in rows],
        [(row.value(kpi_key) or 0.0) * scale for row in rows],
        color=RED if not kpi.higher_is_better else BLUE,
        height=0.6,
    )
    axes.set_ylim(max(len(rows), 4) - 0.5, -0.5)  # a few departments keep slim bars, top down
    unit = "%" if kpi.kind is KpiKind.RATE else ("秒" if kpi.kind is KpiKind.SECONDS else "件")
    axes.set_xlabel(f"{kpi.label}（{unit}）", fontsize=LABEL_SIZE)
    axes.tick_params(labelsize=TICK_SIZE)
    if not rows:
        axes.text(0.5, 0.5, "本期无数据", ha="center", va="center", transform=axes.transAxes)
    _title(figure, f"各单位{kpi.label}")
    return figure


def _percent(value: float | None) -> float:
    return 0.0 if value is None else value * 100


def svg(figure: FigureBase) -> bytes:
    buffer = io.BytesIO()
    # No date in the metadata: the same data draws the same bytes.
    root = figure.get_figure(root=True)
    assert root is not None  # a figure's root is itself, a sub-figure's its page
    root.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def svg_data_uri(figure: FigureBase) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg(figure)).decode("ascii")
