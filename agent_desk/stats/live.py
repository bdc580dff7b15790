"""The live wallboard: calls in the IVR, waiting callers, seats by state per city, overflow
in and out, and today's KPIs.

Live call state comes through `LiveCallSource`, which the composition root passes in;
`RoutingLiveSource` reads it from routing's live store (shared by every controller).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

from agent_desk.stats.kpis import StatsService
from agent_desk.stats.operators import SeatNow, seat_grid
from agent_desk.stats.periods import date_range
from agent_desk.stats.targets import DEFAULT_TARGETS, Targets
from base.clock import Clock
from routing import LiveStore, SeatState, SitesConfig

SUMMARY_KPIS = (
    "calls_offered",
    "operator_answer_rate",
    "answered_15s_rate",
    "abandonment_rate",
    "average_speed_of_answer",
    "transfer_success_rate",
    "voicemail_rate",
)


@dataclass(frozen=True, slots=True)
class SiteQueue:
    """One city's operator queue right now, and today's overflow counters."""

    site: str
    waiting: int
    longest_wait_s: float
    overflowed_out: int
    overflowed_in: int


class LiveCallSource(Protocol):
    """What the wallboard needs of live call state (routing and the call controller)."""

    async def calls_in_ivr(self) -> Mapping[str, int]:
        """Calls in the IVR menus now, per city."""
        ...

    async def queue_snapshot(self) -> list[SiteQueue]:
        """Each city's queue and today's overflow."""
        ...

    async def seats_by_state(self) -> Mapping[str, Mapping[str, int]]:
        """Seats per city per state (available, ringing, on_call, wrap_up, break, offline)."""
        ...

    async def seats_now(self, calls_today: Mapping[str, int]) -> list[SeatNow]:
        """Every seat: its state, seconds in it, and `calls_today` (by seat id)."""
        ...


class RoutingLiveSource:
    """A `LiveCallSource` over routing's store; the IVR count comes from the controller."""

    def __init__(
        self,
        *,
        store: LiveStore,
        sites: SitesConfig,
        clock: Clock,
        ivr_calls: Callable[[], Mapping[str, int]] | None = None,
    ) -> None:
        self._store = store
        self._sites = sites
        self._clock = clock
        self._ivr_calls = ivr_calls

    async def calls_in_ivr(self) -> Mapping[str, int]:
        return dict(self._ivr_calls()) if self._ivr_calls is not None else {}

    async def queue_snapshot(self) -> list[SiteQueue]:
        now = self._clock.now()
        today = now.date().isoformat()  # routing's daily counters are named by China date
        snapshot = []
        for site in self._sites.sites:
            entries = await self._store.queue_entries(site.id)
            counters = await self._store.counters(site.id)
            oldest = min((entry.enqueued_at for entry in entries), default=None)
            snapshot.append(
                SiteQueue(
                    site=site.id,
                    waiting=len(entries),
                    longest_wait_s=0.0 if oldest is None else max(0.0, now.timestamp() - oldest),
                    overflowed_out=counters.get(f"overflowed_out:{today}", 0),
                    overflowed_in=counters.get(f"overflowed_in:{today}", 0),
                )
            )
        return snapshot

    async def seats_now(self, calls_today: Mapping[str, int]) -> list[SeatNow]:
        return await seat_grid(self._store, self._sites, self._clock.now().timestamp(), calls_today)

    async def seats_by_state(self) -> Mapping[str, Mapping[str, int]]:
        result: dict[str, dict[str, int]] = {}
        for site in self._sites.sites:
            counts = dict.fromkeys((state.value for state in SeatState), 0)
            for seat in await self._store.site_seats(site.id):
                counts[seat.state.value] += 1
            result[site.id] = counts
        return result


async def wallboard(
    source: LiveCallSource | None,
    stats: StatsService,
    clock: Clock,
    targets: Targets = DEFAULT_TARGETS,
    warnings: Sequence[str] = (),
) -> dict[str, Any]:
    """The wallboard's JSON: live state (when a source is connected), the seat grid and
    today's KPIs, with the ones missing their target named, and `warnings` for the
    supervisors (next year's holiday calendar missing, ...)."""
    now = clock.now()
    today = date_range(now.date(), now.date())
    total = (await stats.kpis(today)).total
    today_values = {key: total.value(key) for key in SUMMARY_KPIS}
    live: dict[str, Any] | None = None
    if source is not None:
        calls_today = {
            seat: f.calls for seat, f in (await stats.seats(today, with_time=False)).items()
        }
        queues = await source.queue_snapshot()
        in_ivr = await source.calls_in_ivr()
        live = {
            "calls_in_ivr": dict(in_ivr),
            "calls_in_ivr_total": sum(in_ivr.values()),
            "waiting": sum(q.waiting for q in queues),
            "longest_wait_s": max((q.longest_wait_s for q in queues), default=0.0),
            "sites": [asdict(q) for q in queues],
            "seats": {
                site: dict(states) for site, states in (await source.seats_by_state()).items()
            },
            "agents": [asdict(seat) for seat in await source.seats_now(calls_today)],
        }
    return {
        "at": now.isoformat(),
        "live": live,
        "today": today_values,
        "today_text": {key: total.formatted()[key] for key in SUMMARY_KPIS},
        "missed_targets": targets.misses(today_values),
        "targets": targets.to_json(),
        "warnings": list(warnings),
    }
