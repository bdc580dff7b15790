"""Charts of the statistics pages and reports, drawn by matplotlib (Agg, no pyplot state).

Each function returns a `Figure`; `svg_data_uri` turns one into an `<img>` source for the
web pages (the desk's CSP allows data: images), `pdf.py` puts the same figures in the PDF.
Labels are English and department codes: the machine's fonts carry no CJK glyphs.
"""

from __future__ import annotations

import base64
import io
from typing import TYPE_CHECKING, Literal

from agent_desk.stats.definitions import KPI_BY_KEY, KpiKind
from agent_desk.stats.kpis import KpiRow, KpiTable

if TYPE_CHECKING:
    from matplotlib.figure import Figure

BLUE, GREEN, RED, GREY = "#17456b", "#1a7f37", "#b42318", "#8a94a3"
HEADLINE_RATES = (
    "operator_answer_rate",
    "answered_15s_rate",
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
    from matplotlib.figure import Figure

    return Figure(figsize=figsize, layout=layout)


def _figure(width: float = 8.0, height: float = 3.2) -> Figure:
    return new_figure(figsize=(width, height), layout="constrained")


def calls_by_day(table: KpiTable) -> Figure:
    """Calls offered per day (bars) and the operator answer rate (line, right axis)."""
    figure = _figure()
    axes = figure.add_subplot()
    days = [str(row.key[0])[5:] for row in table.rows]
    offered = [row.value("calls_offered") or 0 for row in table.rows]
    axes.bar(days, offered, color=BLUE, label="calls offered")
    axes.set_ylabel("calls")
    axes.tick_params(axis="x", labelrotation=90, labelsize=7)
    rate_axes = axes.twinx()
    rates = [_percent(row.value("operator_answer_rate")) for row in table.rows]
    rate_axes.plot(days, rates, color=GREEN, marker=".", label="operator answer rate %")
    rate_axes.set_ylim(0, 105)
    rate_axes.set_ylabel("%")
    axes.set_title("Calls per day and operator answer rate")
    figure.legend(loc="lower left", fontsize=7)
    return figure


def arrival_curve(table: KpiTable) -> Figure:
    """Calls offered by hour of day: the morning and afternoon peaks staffing follows."""
    figure = _figure(height=2.8)
    axes = figure.add_subplot()
    by_hour = {int(row.key[0]): row.value("calls_offered") or 0 for row in table.rows}
    axes.bar(range(24), [by_hour.get(hour, 0) for hour in range(24)], color=BLUE)
    axes.set_xticks(range(0, 24, 2))
    axes.set_xlabel("hour of day")
    axes.set_ylabel("calls")
    axes.set_title("Call arrivals by hour")
    return figure


def headline_rates(total: KpiRow) -> Figure:
    """The period's main rates as horizontal bars; '—' where there was nothing to divide."""
    figure = _figure(height=3.0)
    axes = figure.add_subplot()
    labels = [KPI_BY_KEY[key].label_en for key in HEADLINE_RATES]
    values = [total.value(key) for key in HEADLINE_RATES]
    axes.barh(labels, [_percent(v) for v in values], color=BLUE)
    for index, value in enumerate(values):
        text = "—" if value is None else f"{value * 100:.1f}%"
        axes.text(1, index, text, va="center", color="white" if value else GREY, fontsize=8)
    axes.set_xlim(0, 100)
    axes.invert_yaxis()
    axes.set_title("Headline rates (%)")
    return figure


def department_bars(table: KpiTable, kpi_key: str, *, top: int = 15) -> Figure:
    """One KPI for the departments with the most calls, worst first."""
    kpi = KPI_BY_KEY[kpi_key]
    rows = [row for row in table.rows if row.key[0] and row.value(kpi_key) is not None]
    rows.sort(key=lambda row: -(row.value("calls_offered") or 0))
    rows = rows[:top]
    rows.sort(key=lambda row: row.value(kpi_key) or 0.0, reverse=not kpi.higher_is_better)
    figure = _figure(height=max(2.4, 0.28 * len(rows) + 1))
    axes = figure.add_subplot()
    scale = 100.0 if kpi.kind is KpiKind.RATE else 1.0
    axes.barh(
        [str(row.key[0]) for row in rows],
        [(row.value(kpi_key) or 0.0) * scale for row in rows],
        color=RED if not kpi.higher_is_better else BLUE,
    )
    axes.tick_params(axis="y", labelsize=7)
    axes.set_title(f"{kpi.label_en} by department" + (" (%)" if scale == 100 else ""))
    return figure


def _percent(value: float | None) -> float:
    return 0.0 if value is None else value * 100


def svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No date in the metadata: the same data draws the same bytes.
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def svg_data_uri(figure: Figure) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg(figure)).decode("ascii")
