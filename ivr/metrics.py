"""Prometheus metrics of one controller process, and the `GET /metrics` route.

Live figures (calls by state, queue length, seats by state, WebSocket reconnects) are
read at scrape time through small callables the composition root passes in, so this
module holds no reference to the controller or the store. Durations are pushed as they
happen: the ARI client's `on_request` hook and the speech code's `observe_recognition`.
Every metric lives in the process's own `CollectorRegistry`, never the global default
one, so two apps in one process (tests, the embedded demo) never collide.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from aiohttp import web
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from base.journal import JournalDepth

logger = logging.getLogger(__name__)
_T = TypeVar("_T")

# what generate_latest writes; prometheus-client >= 0.22 names a newer version "latest"
TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8"
CALL_STATES = ("ivr", "queued", "bridged")
"""Always exposed, at 0 when no call is there, so dashboards see stable series."""

CallCounts = Callable[[], Mapping[str, int]]
"""Calls of this process by state: `ivr`, `queued`, `bridged`."""
QueueLengths = Callable[[], Awaitable[Mapping[str, int]]]
"""Callers waiting for an operator, by site."""
SeatCounts = Callable[[], Awaitable[Mapping[tuple[str, str], int]]]
"""Operator seats by (site, state)."""
Reconnects = Callable[[], int]
"""WebSocket reconnects so far (`EventStream.reconnects`)."""
JournalDepths = Callable[[], Awaitable[JournalDepth]]
"""How far the database is behind the journal (`Journal.depth`)."""

# ARI calls are loopback or LAN round trips: most well under 50 ms, a slow Asterisk in seconds
_ARI_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# a grammar recognition of a few seconds of speech takes tens of ms; full vocabulary ~1 s
_RECOGNITION_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


async def _no_queues() -> Mapping[str, int]:
    return {}


async def _no_seats() -> Mapping[tuple[str, str], int]:
    return {}


@dataclass(slots=True, eq=False)  # identity-hashed: the registry keys collectors by object
class _Readings:
    """The latest live figures, turned into metric families when the registry collects."""

    calls: Mapping[str, int] = field(default_factory=dict)
    queues: Mapping[str, int] = field(default_factory=dict)
    seats: Mapping[tuple[str, str], int] = field(default_factory=dict)
    reconnects: int = 0
    journal: JournalDepth = field(default_factory=lambda: JournalDepth(0, 0.0, 0, 0))
    source_errors: dict[str, int] = field(default_factory=dict)

    def collect(self) -> Iterable[Metric]:
        calls = GaugeMetricFamily(
            "hotline_calls", "Calls in this process by state", labels=["state"]
        )
        for state in sorted(set(CALL_STATES) | set(self.calls)):
            calls.add_metric([state], self.calls.get(state, 0))
        yield calls
        queue = GaugeMetricFamily(
            "hotline_queue_length", "Callers waiting for an operator", labels=["site"]
        )
        for site, length in sorted(self.queues.items()):
            queue.add_metric([site], length)
        yield queue
        seats = GaugeMetricFamily(
            "hotline_seats", "Operator seats by state", labels=["site", "state"]
        )
        for (site, state), count in sorted(self.seats.items()):
            seats.add_metric([site, state], count)
        yield seats
        yield CounterMetricFamily(
            "hotline_ari_websocket_reconnects",
            "ARI event WebSocket reconnects since start",
            value=self.reconnects,
        )
        journal = self.journal
        yield GaugeMetricFamily(
            "hotline_journal_waiting_facts",
            "Facts (call records, voicemails) journaled and not yet in the database",
            value=journal.waiting,
        )
        yield GaugeMetricFamily(
            "hotline_journal_oldest_age_seconds",
            "Age of the oldest fact waiting for the database (0: none waits)",
            value=journal.oldest_age_s,
        )
        yield GaugeMetricFamily(
            "hotline_journal_follow_ups",
            "Stored facts whose follow-up (notices, transcripts) has not run yet",
            value=journal.follow_ups,
        )
        yield GaugeMetricFamily(
            "hotline_journal_refused_facts",
            "Facts the database refused, kept aside in the journal (see `hotline journal`)",
            value=journal.failed,
        )
        errors = CounterMetricFamily(
            "hotline_metrics_source_errors",
            "Scrapes where a live figure could not be read (the last value is shown)",
            labels=["source"],
        )
        for source, count in sorted(self.source_errors.items()):
            errors.add_metric([source], count)
        yield errors


class Metrics:
    """The registry, the pushed histograms and the scrape-time readings."""

    def __init__(
        self,
        *,
        registry: CollectorRegistry,
        calls: CallCounts,
        queue_lengths: QueueLengths,
        seats: SeatCounts,
        reconnects: Reconnects,
        journal: JournalDepths | None = None,
    ) -> None:
        self.registry = registry
        self._journal = journal
        self._calls = calls
        self._queue_lengths = queue_lengths
        self._seats = seats
        self._reconnects = reconnects
        self._readings = _Readings()
        registry.register(self._readings)
        self._ari_latency = Histogram(
            "hotline_ari_request_seconds",
            "ARI REST request time by method, path template and HTTP status (0: no reply)",
            ["method", "path", "status"],
            buckets=_ARI_BUCKETS,
            registry=registry,
        )
        self._recognition = Histogram(
            "hotline_speech_recognition_seconds",
            "Time to recognise one utterance",
            buckets=_RECOGNITION_BUCKETS,
            registry=registry,
        )

    def on_ari_request(self, method: str, path_template: str, status: int, seconds: float) -> None:
        """The ARI client's `on_request` hook; the path is a template, so labels stay few."""
        self._ari_latency.labels(method, path_template, str(status)).observe(seconds)

    def observe_recognition(self, seconds: float) -> None:
        """For the speech code: one recognition took `seconds`."""
        self._recognition.observe(seconds)

    async def refresh(self) -> None:
        """Read the live figures; a source that fails keeps its last value and is counted."""
        readings = self._readings
        readings.calls = self._read("calls", self._calls, readings.calls)
        readings.reconnects = self._read("reconnects", self._reconnects, readings.reconnects)
        try:
            readings.queues = await self._queue_lengths()
        except Exception:
            self._failed("queue_lengths")
        try:
            readings.seats = await self._seats()
        except Exception:
            self._failed("seats")
        if self._journal is not None:
            try:
                readings.journal = await self._journal()
            except Exception:
                self._failed("journal")

    def exposition(self) -> bytes:
        """The registry in Prometheus text format, as of the last `refresh()`."""
        return generate_latest(self.registry)

    def _read(self, source: str, read: Callable[[], _T], last: _T) -> _T:
        try:
            return read()
        except Exception:
            self._failed(source)
            return last

    def _failed(self, source: str) -> None:
        logger.exception("metrics: cannot read %s", source)
        errors = self._readings.source_errors
        errors[source] = errors.get(source, 0) + 1


def build_metrics(
    *,
    calls: CallCounts,
    reconnects: Reconnects,
    queue_lengths: QueueLengths = _no_queues,
    seats: SeatCounts = _no_seats,
    journal: JournalDepths | None = None,
) -> Metrics:
    """Metrics on a fresh registry of their own."""
    return Metrics(
        registry=CollectorRegistry(auto_describe=True),
        calls=calls,
        queue_lengths=queue_lengths,
        seats=seats,
        reconnects=reconnects,
        journal=journal,
    )


def metrics_routes(metrics: Metrics, *, token: str) -> list[web.RouteDef]:
    """`GET /metrics` in the Prometheus text exposition format, for `Bearer <token>` only.

    The figures tell an outsider how busy the hotline is and which seats are staffed, and
    the port also serves the desk: without a token (`HOTLINE_METRICS_TOKEN`) there is no
    /metrics at all.
    """
    if not token:
        return []
    expected = f"Bearer {token}".encode()

    async def scrape(request: web.Request) -> web.Response:
        sent = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(sent, expected):
            return web.json_response(
                {"error": {"code": "metrics-token-invalid",
                           "message": "send Authorization: Bearer <HOTLINE_METRICS_TOKEN>"}},
                status=401, headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )  # fmt: skip
        await metrics.refresh()
        return web.Response(body=metrics.exposition(), headers={"Content-Type": TEXT_FORMAT})

    return [web.get("/metrics", scrape)]
