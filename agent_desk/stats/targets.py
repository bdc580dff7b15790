"""Targets a KPI should meet (e.g. 15-second answer rate ≥ 90 %): a figure that misses is
coloured on the dashboard, the wallboard and the operator table.

Configured as text, `HOTLINE_STATS_TARGETS="answered_15s_rate>=0.9,abandonment_rate<=0.05"`;
unset, the defaults below apply (each from GB/T 33358 or the seed documents where they
give one).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from agent_desk.stats.definitions import KPI_BY_KEY
from base.errors import InvalidInput


class TargetInvalid(InvalidInput):
    code = "stats-target-invalid"


@dataclass(frozen=True, slots=True)
class Target:
    kpi: str
    at_least: bool  # True: value ≥ goal; False: value ≤ goal
    goal: float

    def missed(self, value: float | None) -> bool:
        """Whether `value` misses the target (no value: nothing to judge, not a miss)."""
        if value is None:
            return False
        return value < self.goal if self.at_least else value > self.goal

    def text(self) -> str:
        return f"{self.kpi}{'>=' if self.at_least else '<='}{self.goal:g}"


_TARGET = re.compile(r"^\s*([a-z0-9_]+)\s*(>=|<=)\s*([0-9]+(?:\.[0-9]+)?)\s*$")

DEFAULT_TARGETS_TEXT = ",".join((
    "answered_15s_rate>=0.9",  # GB/T 33358: 12345 answered within 15 s
    "operator_answer_rate>=0.95",
    "abandonment_rate<=0.05",
    "transfer_success_rate>=0.89",  # seed documents: a 96128 line's ≥ 89 %
    "satisfaction_rate>=0.98",  # seed documents: ≥ 98 %
    "orders_on_time_rate>=0.95",
    "callback_rate>=1",  # seed documents: callback-evaluation rate of 100 %
))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Targets:
    by_kpi: Mapping[str, Target]

    def missed(self, kpi: str, value: float | None) -> bool:
        target = self.by_kpi.get(kpi)
        return target is not None and target.missed(value)

    def misses(self, values: Mapping[str, float | None]) -> list[str]:
        """The KPIs among `values` that miss their target."""
        return [key for key, value in values.items() if self.missed(key, value)]

    def to_json(self) -> dict[str, str]:
        return {key: target.text() for key, target in self.by_kpi.items()}


def parse_targets(text: str) -> Targets:
    """`kpi>=goal,kpi<=goal,…` (rates as fractions); an empty text gives the defaults."""
    parts: Iterable[str] = (p for p in (text or DEFAULT_TARGETS_TEXT).split(",") if p.strip())
    by_kpi: dict[str, Target] = {}
    for part in parts:
        match = _TARGET.match(part)
        if match is None:
            raise TargetInvalid(f"target {part.strip()[:60]!r} is not kpi>=value or kpi<=value")
        key, op, goal = match.groups()
        if key not in KPI_BY_KEY:
            raise TargetInvalid(f"no KPI {key!r} to set a target for")
        by_kpi[key] = Target(key, op == ">=", float(goal))
    return Targets(by_kpi)


DEFAULT_TARGETS = parse_targets("")
