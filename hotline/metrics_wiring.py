"""Live readings of the running controller and routing: behind /metrics and the wallboard.

The HTTP server starts before the controller connects, so the readings are attached
to the controller and routing once they run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from agent_desk.stats.live import RoutingLiveSource, SiteQueue
from agent_desk.stats.operators import SeatNow
from base.clock import Clock
from hotline.routing_wiring import Routing
from ivr.controller import Controller
from ivr.flow.states import CallState


class LiveReadings:
    """Reads the controller and routing as they are now; both are attached once running.

    Also the wallboard's `LiveCallSource`.
    """

    def __init__(self, clock: Clock) -> None:
        self.controller: Controller | None = None
        self.routing: Routing | None = None
        self._clock = clock
        self._wallboard: RoutingLiveSource | None = None

    def attach(self, controller: Controller, routing: Routing | None) -> None:
        self.controller, self.routing = controller, routing
        if routing is not None:
            self._wallboard = RoutingLiveSource(
                store=routing.store,
                sites=routing.sites,
                clock=self._clock,
                ivr_calls=lambda: {routing.home.id: self.calls()["ivr"]},
            )

    async def calls_in_ivr(self) -> Mapping[str, int]:
        if self._wallboard is None:
            return {}
        return await self._wallboard.calls_in_ivr()

    async def queue_snapshot(self) -> list[SiteQueue]:
        return await self._wallboard.queue_snapshot() if self._wallboard is not None else []

    async def seats_by_state(self) -> Mapping[str, Mapping[str, int]]:
        return await self._wallboard.seats_by_state() if self._wallboard is not None else {}

    async def seats_now(self, calls_today: Mapping[str, int]) -> list[SeatNow]:
        if self._wallboard is None:
            return []
        return await self._wallboard.seats_now(calls_today)

    def calls(self) -> Mapping[str, int]:
        counts = Counter({"ivr": 0, "queued": 0, "bridged": 0})
        if self.controller is None:
            return counts
        for flow in list(self.controller.flows.values()):
            log = flow.log
            if log.transfer_bridged or log.seat is not None:
                counts["bridged"] += 1
            elif flow.state is CallState.OPERATOR:
                counts["queued"] += 1
            else:
                counts["ivr"] += 1
        return counts

    def reconnects(self) -> int:
        return self.controller.reconnects if self.controller is not None else 0

    async def queue_lengths(self) -> Mapping[str, int]:
        if self.routing is None:
            return {}
        store = self.routing.store
        return {
            site.id: len(await store.queue_entries(site.id)) for site in self.routing.sites.sites
        }

    async def seats(self) -> Mapping[tuple[str, str], int]:
        if self.routing is None:
            return {}
        counts: Counter[tuple[str, str]] = Counter()
        for site in self.routing.sites.sites:
            for seat in await self.routing.presence.site_seats(site.id):
                counts[(site.id, str(seat.state.value))] += 1
        return counts
