"""The overflow policy: when a city's queue may send a caller to a neighbour's seats.

Pure decisions over snapshots, so they are tested without any store. A neighbour is
offered the call when the local site passes one of that neighbour's thresholds (the
oldest caller waited too long, or too many callers wait), the share of today's calls
already sent away is still under the neighbour's cap, and the neighbour has a free seat
and no queue of its own (its own callers come first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from routing.sites import Neighbour


@dataclass(frozen=True, slots=True)
class SiteLoad:
    """How busy the local site is right now."""

    longest_wait_s: float
    queue_length: int
    offered_today: int
    sent_away_today: int

    @property
    def sent_away_share(self) -> float:
        return self.sent_away_today / self.offered_today if self.offered_today else 0.0


@dataclass(frozen=True, slots=True)
class NeighbourLoad:
    """What a neighbour can take right now."""

    neighbour: Neighbour
    free_seats: int
    queue_length: int


@dataclass(frozen=True, slots=True)
class OverflowPolicy:
    """Chooses the neighbours a waiting call may go to, in the site's overflow order."""

    def passes_thresholds(self, load: SiteLoad, neighbour: Neighbour) -> bool:
        """Whether the local site is busy enough to use this neighbour."""
        return (
            load.longest_wait_s > neighbour.max_longest_wait_s
            or load.queue_length > neighbour.max_queue_length
        )

    def within_share(self, load: SiteLoad, neighbour: Neighbour) -> bool:
        """Whether the site may still send calls away (share so far under the cap)."""
        return load.sent_away_share < neighbour.max_overflow_share

    def targets(self, load: SiteLoad, neighbours: Sequence[NeighbourLoad]) -> list[str]:
        """The neighbours to try for one call, best first; empty means wait locally."""
        chosen: list[str] = []
        for candidate in neighbours:
            neighbour = candidate.neighbour
            if not self.passes_thresholds(load, neighbour):
                continue
            if not self.within_share(load, neighbour):
                continue
            if candidate.free_seats <= 0 or candidate.queue_length > 0:
                continue
            chosen.append(neighbour.site)
        return chosen
