"""The readings behind /metrics: the running controller's calls and routing's live state."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from hotline.routing_wiring import Routing
from ivr.controller import Controller
from ivr.flow.states import CallState


class LiveReadings:
    """Reads the controller and routing as they are now; both are attached once running."""

    def __init__(self) -> None:
        self.controller: Controller | None = None
        self.routing: Routing | None = None

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
