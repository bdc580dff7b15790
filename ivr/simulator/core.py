"""The simulated PBX's state: registries, clock, event bus, ids and shared lookups."""

from __future__ import annotations

import asyncio
import itertools
import logging
import uuid
from collections import deque
from collections.abc import Callable, Coroutine, Mapping
from pathlib import Path
from typing import Any

import aiohttp

from base.clock import Clock
from ivr.simulator import errors
from ivr.simulator.behaviours import Behaviour
from ivr.simulator.events import EventBus
from ivr.simulator.media_cache import MediaCache
from ivr.simulator.state import Bridge, Channel, LiveRecording, Playback, SimCall

log = logging.getLogger(__name__)

ASTERISK_ID = "5e:b1:1a:70:00:01"


class PbxCore:
    """All state of one simulated Asterisk, and the lookups every part shares.

    The parts (channels, bridges, playbacks, recordings, endpoints, callers) take this
    core and never the whole `Simulator`, which builds on them; so they import down.
    """

    def __init__(
        self,
        *,
        clock: Clock,
        recordings_dir: Path,
        sounds_dir: Path | None,
        users: Mapping[str, str],
    ) -> None:
        self.clock = clock
        self.recordings_dir = recordings_dir
        self.sounds_dir = sounds_dir
        self.users = dict(users)
        self.asterisk_id = ASTERISK_ID
        self.bus = EventBus(ASTERISK_ID)
        self.started = clock.now()
        self.channels: dict[str, Channel] = {}
        self.bridges: dict[str, Bridge] = {}
        self.playbacks: dict[str, Playback] = {}
        self.play_queues: dict[str, deque[Playback]] = {}
        self.recordings: dict[str, LiveRecording] = {}
        # Stored recordings whose file is still to be written (a bridge's mix): written
        # soon after RecordingFinished, or at once when the name is looked up first.
        self.unwritten: dict[str, Callable[[], None]] = {}
        self.calls: dict[str, SimCall] = {}
        self.endpoints: dict[str, Behaviour] = {}
        self.apps: set[str] = set()
        # POST /applications/{app}/subscription event sources, and subscribeAll apps
        self.subscriptions: dict[str, set[str]] = {}
        self.subscribe_all: set[str] = set()
        self.events_before_response = False
        self.tasks: set[asyncio.Task[Any]] = set()
        self._epoch = int(self.started.timestamp())
        self._seq = itertools.count(1)
        self._http: aiohttp.ClientSession | None = None
        self.media_cache = MediaCache()

    # ---- identifiers and tasks -------------------------------------------------------
    def next_seq(self) -> int:
        return next(self._seq)

    def new_uuid(self) -> str:
        """Bridge and playback ids are UUIDs in Asterisk."""
        return str(uuid.uuid4())

    def new_channel_id(self) -> str:
        """Asterisk's unique ids: `<epoch>.<sequence>`."""
        return f"{self._epoch}.{self.next_seq()}"

    def spawn(
        self, coro: Coroutine[Any, Any, None], owner: Channel | None = None
    ) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(coro)
        bucket = owner.tasks if owner is not None else self.tasks
        bucket.add(task)
        task.add_done_callback(bucket.discard)
        task.add_done_callback(_log_failure)
        return task

    async def http(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        return self._http

    # ---- lookups with ARI's shared error rules -----------------------------------------
    def channel(self, channel_id: str) -> Channel:
        ch = self.channels.get(channel_id)
        if ch is None:
            raise errors.channel_not_found()
        return ch

    def stasis_channel(self, channel_id: str) -> Channel:
        ch = self.channel(channel_id)
        if not ch.in_stasis:
            raise errors.not_in_stasis()
        return ch

    def media_channel(self, channel_id: str) -> Channel:
        """A channel that can take media: in Stasis and past Down/Rsrvd/Ringing."""
        ch = self.stasis_channel(channel_id)
        if ch.state in ("Down", "Rsrvd", "Ringing"):
            raise errors.invalid_state()
        return ch

    def bridge(self, bridge_id: str) -> Bridge:
        bridge = self.bridges.get(bridge_id)
        if bridge is None:
            raise errors.bridge_not_found()
        return bridge

    def behaviour(self, endpoint: str) -> Behaviour:
        return self.endpoints.get(endpoint, Behaviour.default())

    def app_channel_ids(self, app: str) -> list[str]:
        return [c.id for c in self.channels.values() if c.app == app and c.in_stasis]

    def app_bridge_ids(self, app: str) -> list[str]:
        return [b.id for b in self.bridges.values() if app in b.apps]


def _log_failure(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("simulator task failed", exc_info=task.exception())
