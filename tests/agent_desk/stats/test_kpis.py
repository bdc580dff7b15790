"""KPI definitions against a month worked out by hand, and the edge cases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from agent_desk.stats import Dimension, StatsService, Thresholds, date_range, parse_period
from agent_desk.stats.definitions import KPI_BY_KEY, NO_VALUE, format_value, markdown_table
from agent_desk.stats.periods import previous_period
from agent_desk.stats.targets import DEFAULT_TARGETS, TargetInvalid, parse_targets
from tests.agent_desk.stats.conftest import DEPT_A, DEPT_B, FixedClock, Month, at, call
from tests.conftest import REPO_ROOT

SEPTEMBER = parse_period("2026-09")


async def test_every_kpi_of_the_hand_made_month(month: Month) -> None:
    table = await StatsService(sessions=month.sessions, clock=month.clock).kpis(SEPTEMBER)
    assert table.total.values() == {
        "calls_offered": 9,
        "calls_answered": 8,  # call 9 failed before it was picked up
        "operator_offered": 3,  # calls 2, 3, 5: call 4 is a short abandon
        "operator_answered": 2,
        "operator_answer_rate": pytest.approx(2 / 3),
        "answered_15s_rate": pytest.approx(1 / 3),
        "answered_15s_entry_rate": pytest.approx(1 / 3),  # call 2 in 14 s, call 3 in 24 s
        "average_speed_of_answer": pytest.approx(15.0),
        "abandonment_rate": pytest.approx(1 / 3),
        "average_abandon_wait": pytest.approx(30.0),
        "overflow_rate": pytest.approx(1 / 3),
        "queue_timeouts": 0,
        "queue_callback_requests": 0,
        "average_handling_time": pytest.approx(150.0),
        "transfer_success_rate": pytest.approx(0.5),
        "voicemail_rate": pytest.approx(1 / 9),
        "empty_voicemail_calls": 0,
        "voicemails": 4,  # the empty one is not a message
        "voicemail_on_time_rate": pytest.approx(1 / 3),  # the one still in time is not judged
        "orders_accepted": 5,  # not accepted and archived-after-not-accepted left out
        "orders_on_time_rate": pytest.approx(2 / 4),  # order 4 is not due yet
        "resolution_rate": pytest.approx(2 / 5),
        "redo_rate": pytest.approx(1 / 3),
        "callback_rate": pytest.approx(2 / 3),
        "satisfaction_rate": pytest.approx(1 / 2),
        "missed_call_callback_rate": pytest.approx(1 / 2),
    }


async def test_short_abandon_threshold_is_configurable(month: Month) -> None:
    stats = StatsService(
        sessions=month.sessions, clock=month.clock, thresholds=Thresholds(short_abandon_s=0.0)
    )
    total = (await stats.kpis(SEPTEMBER)).total
    assert total.value("operator_offered") == 4
    assert total.value("abandonment_rate") == pytest.approx(2 / 4)


async def test_grouped_by_department_site_hotline_and_hour(month: Month) -> None:
    stats = StatsService(sessions=month.sessions, clock=month.clock)
    by_department = await stats.kpis(SEPTEMBER, (Dimension.DEPARTMENT,))
    a, b = by_department.row(DEPT_A), by_department.row(DEPT_B)
    assert a is not None
    assert b is not None
    assert (a.value("calls_offered"), a.value("transfer_success_rate")) == (2, 1.0)
    assert (b.value("calls_offered"), b.value("transfer_success_rate")) == (1, 0.0)
    assert a.value("orders_accepted") == 4
    assert b.value("orders_accepted") == 1
    assert b.value("orders_on_time_rate") is None  # its one order is not due yet
    assert b.value("voicemails") == 4
    by_site = await stats.kpis(SEPTEMBER, (Dimension.SITE,))
    assert [row.key for row in by_site.rows] == [("linjiang",), ("qingshan",)]
    qingshan = by_site.row("qingshan")
    assert qingshan is not None
    assert qingshan.value("operator_answer_rate") == 1.0
    assert qingshan.value("orders_accepted") is None  # orders carry no city
    by_hotline = await stats.kpis(SEPTEMBER, (Dimension.HOTLINE,))
    assert {row.key: row.value("calls_offered") for row in by_hotline.rows} == {
        ("114",): 1, ("12345",): 8,
    }  # fmt: skip
    by_hour = await stats.kpis(SEPTEMBER, (Dimension.HOUR,))
    assert {row.key[0]: row.value("calls_offered") for row in by_hour.rows} == {
        9: 2, 10: 4, 11: 2, 12: 1,
    }  # fmt: skip
    by_day = await stats.kpis(SEPTEMBER, (Dimension.DAY,))
    day = by_day.row("2026-09-10")
    assert day is not None
    assert day.value("calls_offered") == 9


async def test_the_dashboard_rolls_up_to_the_same_figures(month: Month) -> None:
    stats = StatsService(sessions=month.sessions, clock=month.clock)
    dashboard = await stats.dashboard(SEPTEMBER)
    direct = (await stats.kpis(SEPTEMBER)).total
    assert dashboard.total.values() == direct.values()
    assert [row.key[0] for row in dashboard.by_hour.rows] == [9, 10, 11, 12]
    assert sum(row.value("calls_offered") or 0 for row in dashboard.by_site.rows) == 9
    department = dashboard.by_department.row(DEPT_A)
    assert department is not None
    assert department.value("satisfaction_rate") == 0.5


async def test_no_calls_means_no_rates_not_division_errors(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    stats = StatsService(sessions=sessions, clock=FixedClock())
    total = (await stats.kpis(SEPTEMBER)).total
    values = total.values()
    assert values["calls_offered"] == 0
    assert values["orders_accepted"] == 0
    rates = [key for key, kpi in KPI_BY_KEY.items() if kpi.denominator is not None]
    assert all(values[key] is None for key in rates)
    assert total.formatted()["operator_answer_rate"] == NO_VALUE
    dashboard = await stats.dashboard(SEPTEMBER)
    assert dashboard.by_day.rows == ()
    assert dashboard.total.value("calls_offered") == 0


async def test_all_abandoned(sessions: async_sessionmaker[AsyncSession]) -> None:
    async with sessions.begin() as session:
        session.add_all(call(n, at(9, n), "abandoned", queue_wait_s=10.0 + n,
                              queue_outcome="abandoned") for n in range(1, 4))  # fmt: skip
    total = (await StatsService(sessions=sessions, clock=FixedClock()).kpis(SEPTEMBER)).total
    assert total.value("operator_offered") == 3
    assert total.value("operator_answer_rate") == 0.0
    assert total.value("abandonment_rate") == 1.0
    assert total.value("average_speed_of_answer") is None
    assert format_value(KPI_BY_KEY["abandonment_rate"], 1.0) == "100.0%"


async def test_calls_outside_the_period_do_not_count(month: Month) -> None:
    stats = StatsService(sessions=month.sessions, clock=month.clock)
    assert (await stats.kpis(parse_period("2026-08"))).total.value("calls_offered") == 0
    assert (await stats.kpis(parse_period("2026-Q3"))).total.value("calls_offered") == 9


def test_docs_kpis_md_holds_the_definitions_the_code_computes() -> None:
    docs = (REPO_ROOT / "docs" / "kpis.md").read_text(encoding="utf-8")
    assert markdown_table() in docs


def test_targets_colour_a_missed_figure_and_refuse_nonsense() -> None:
    targets = parse_targets("answered_15s_rate>=0.9, abandonment_rate<=0.05")
    assert targets.missed("answered_15s_rate", 0.85)
    assert not targets.missed("answered_15s_rate", 0.9)
    assert targets.missed("abandonment_rate", 0.06)
    assert not targets.missed("abandonment_rate", None)  # nothing to judge
    assert not targets.missed("calls_offered", 1)  # no target set
    assert DEFAULT_TARGETS.missed("answered_15s_rate", 0.5)
    for bad in ("answered_15s_rate>0.9", "nonsense>=1", "answered_15s_rate>=high"):
        with pytest.raises(TargetInvalid):
            parse_targets(bad)


@pytest.mark.parametrize(("name", "before"), [
    ("2026-01", "2025-12"), ("2026-09", "2026-08"), ("2026-Q1", "2025-Q4"),
    ("2026-Q3", "2026-Q2"), ("2026-H1", "2025-H2"), ("2026-H2", "2026-H1"), ("2026", "2025"),
])  # fmt: skip
def test_the_previous_period_is_the_one_before_of_the_same_kind(name: str, before: str) -> None:
    assert previous_period(parse_period(name)) == parse_period(before)


def test_the_previous_range_is_as_many_days_just_before() -> None:
    week = previous_period(date_range(date(2026, 9, 8), date(2026, 9, 14)))
    assert (week.first, week.last) == (date(2026, 9, 1), date(2026, 9, 7))
