"""The overflow policy: thresholds, the cap on calls sent away, and neighbour order."""

from __future__ import annotations

import pytest

from routing.overflow import NeighbourLoad, OverflowPolicy, SiteLoad
from routing.sites import Neighbour

QINGSHAN = Neighbour(
    site="qingshan", max_longest_wait_s=30, max_queue_length=8, max_overflow_share=0.3
)
BAISHA = Neighbour(
    site="baisha", max_longest_wait_s=60, max_queue_length=12, max_overflow_share=0.2
)


def load(wait: float = 0, length: int = 1, offered: int = 10, sent: int = 0) -> SiteLoad:
    return SiteLoad(
        longest_wait_s=wait, queue_length=length, offered_today=offered, sent_away_today=sent
    )


def free(neighbour: Neighbour, seats: int = 1, queued: int = 0) -> NeighbourLoad:
    return NeighbourLoad(neighbour=neighbour, free_seats=seats, queue_length=queued)


policy = OverflowPolicy()


def test_calm_site_keeps_its_callers() -> None:
    assert policy.targets(load(wait=10, length=3), [free(QINGSHAN), free(BAISHA)]) == []


@pytest.mark.parametrize(
    ("wait", "length", "expected"),
    [
        (31, 1, ["qingshan"]),  # first neighbour's wait threshold passed
        (10, 9, ["qingshan"]),  # first neighbour's queue threshold passed
        (61, 1, ["qingshan", "baisha"]),  # both neighbours' thresholds passed, in order
        (30, 8, []),  # at the threshold is not past it
    ],
)
def test_thresholds_pick_neighbours_in_overflow_order(
    wait: float, length: int, expected: list[str]
) -> None:
    assert (
        policy.targets(load(wait=wait, length=length), [free(QINGSHAN), free(BAISHA)]) == expected
    )


def test_share_cap_stops_sending_calls_away() -> None:
    assert policy.targets(load(wait=90, offered=10, sent=2), [free(QINGSHAN), free(BAISHA)]) == [
        "qingshan"
    ]
    assert policy.targets(load(wait=90, offered=10, sent=3), [free(QINGSHAN), free(BAISHA)]) == []


def test_first_call_of_the_day_may_overflow() -> None:
    assert load(offered=0).sent_away_share == 0.0
    assert policy.targets(load(wait=40, offered=1, sent=0), [free(QINGSHAN)]) == ["qingshan"]


def test_neighbour_without_a_free_seat_or_with_its_own_queue_is_skipped() -> None:
    busy = [free(QINGSHAN, seats=0), free(BAISHA, seats=2)]
    assert policy.targets(load(wait=90), busy) == ["baisha"]
    queued = [free(QINGSHAN, seats=3, queued=1), free(BAISHA, seats=2, queued=2)]
    assert policy.targets(load(wait=90), queued) == []
