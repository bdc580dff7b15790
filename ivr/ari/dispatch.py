"""`ChannelDispatcher`: routes ARI events to the channels and bridges they concern.

Each channel (and each bridge) has its own lane: a FIFO queue drained by one task, so a
channel's events are handled strictly in arrival order while different channels run
concurrently — a slow DTMF handler on one call never delays another call.

Lanes come and go with their channels: a lane ends after ChannelDestroyed, or after
StasisEnd once no further event (typically the ChannelDestroyed that follows for
channels the app created) has arrived for `end_linger` seconds; a lane nobody
subscribed to ends as soon as its queue is empty. Subscriptions end with their lane.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Literal, TypeVar

from base.clock import Clock, SystemClock
from ivr.ari.events import (
    AriEvent,
    BridgeDestroyed,
    BridgeEvent,
    ChannelBridgeEvent,
    ChannelDestroyed,
    ChannelEvent,
    ChannelVarset,
    Dial,
    PlaybackEvent,
    RecordingEvent,
    StasisEnd,
    StasisStart,
    UnknownEvent,
)
from ivr.ari.models import split_target_uri

logger = logging.getLogger(__name__)

EventHandler = Callable[[AriEvent], Awaitable[None]]
StasisStartHandler = Callable[[StasisStart], Awaitable[None]]
LaneKey = tuple[Literal["channel", "bridge", "app"], str]

_APP_LANE: LaneKey = ("app", "")
_E = TypeVar("_E", bound=AriEvent)


def _raw_id(raw: Mapping[str, object], key: str) -> str | None:
    obj = raw.get(key)
    if isinstance(obj, Mapping) and isinstance(obj.get("id"), str):
        return str(obj["id"])
    return None


def event_targets(event: AriEvent) -> list[LaneKey]:
    """The lanes an event belongs to: its channel(s), bridge, or playback/recording target."""
    targets: list[LaneKey] = []
    if isinstance(event, Dial):
        for channel in (event.peer, event.caller, event.forwarded):
            if channel is not None:
                targets.append(("channel", channel.id))
    elif isinstance(event, ChannelEvent):
        targets.append(("channel", event.channel.id))
        if isinstance(event, StasisStart) and event.replace_channel is not None:
            targets.append(("channel", event.replace_channel.id))
        if isinstance(event, ChannelBridgeEvent):
            targets.append(("bridge", event.bridge.id))
    elif isinstance(event, ChannelVarset):
        if event.channel is not None:
            targets.append(("channel", event.channel.id))
    elif isinstance(event, BridgeEvent):
        targets.append(("bridge", event.bridge.id))
    elif isinstance(event, PlaybackEvent | RecordingEvent):
        uri = (
            event.playback.target_uri
            if isinstance(event, PlaybackEvent)
            else event.recording.target_uri
        )
        target = split_target_uri(uri)
        if target is not None:
            targets.append(target)
    elif isinstance(event, UnknownEvent):
        # e.g. ChannelCallerId, ChannelHold: still a channel's business
        channel_id = _raw_id(event.raw, "channel")
        if channel_id is not None:
            targets.append(("channel", channel_id))
        bridge_id = _raw_id(event.raw, "bridge")
        if bridge_id is not None:
            targets.append(("bridge", bridge_id))
    return list(dict.fromkeys(targets))


class _LaneState(enum.Enum):
    LIVE = "live"
    ENDING = "ending"  # StasisEnd seen: a ChannelDestroyed may still follow
    FINAL = "final"  # ChannelDestroyed / BridgeDestroyed: nothing more will come


class Subscription:
    """A handler registered on one lane for some event types; `cancel()` removes it."""

    def __init__(
        self, lane: _Lane, handler: EventHandler, types: tuple[type[AriEvent], ...]
    ) -> None:
        self._lane = lane
        self.handler = handler
        self.types = types
        self.active = True

    def matches(self, event: AriEvent) -> bool:
        return self.active and isinstance(event, self.types)

    def cancel(self) -> None:
        self.active = False
        with contextlib.suppress(ValueError):
            self._lane.subscriptions.remove(self)


class _Lane:
    def __init__(self, key: LaneKey) -> None:
        self.key = key
        self.queue: asyncio.Queue[AriEvent] = asyncio.Queue()
        self.subscriptions: list[Subscription] = []
        self.worker: asyncio.Task[None] | None = None
        self.state = _LaneState.LIVE
        self.arrived = asyncio.Event()  # set on every enqueue; lets an ending lane linger

    def __repr__(self) -> str:
        return f"{self.key[0]}:{self.key[1]}"


class ChannelDispatcher:
    """Per-channel serial event delivery; feed it with `dispatch` from the event stream."""

    def __init__(self, *, clock: Clock | None = None, end_linger: float = 2.0) -> None:
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._end_linger = end_linger
        self._lanes: dict[LaneKey, _Lane] = {}
        self._stasis_start_handlers: dict[str, StasisStartHandler] = {}
        self._unrouted: EventHandler | None = None
        self.handler_errors = 0
        """Handlers that raised (logged, then delivery went on)."""

    def on_stasis_start(self, app: str, handler: StasisStartHandler) -> None:
        """Handle StasisStart of channels nobody has subscribed to yet (new calls) for `app`.

        The handler runs in the channel's lane and later events of that channel wait for
        it: it should subscribe to the channel and hand long work to a task. Subscribe
        before creating a channel (pass your own channel_id) to keep its StasisStart
        from being taken for a new call — it can arrive before the HTTP reply.
        """
        self._stasis_start_handlers[app] = handler

    def on_unrouted(self, handler: EventHandler) -> None:
        """Handle events that concern no channel or bridge (ApplicationReplaced, ...)."""
        self._unrouted = handler

    def subscribe(
        self,
        channel_id: str,
        handler: EventHandler,
        *,
        types: tuple[type[AriEvent], ...] = (AriEvent,),
    ) -> Subscription:
        """Deliver this channel's events of `types` (subclasses included) to `handler`."""
        return self._subscribe(("channel", channel_id), handler, types)

    def subscribe_bridge(
        self,
        bridge_id: str,
        handler: EventHandler,
        *,
        types: tuple[type[AriEvent], ...] = (AriEvent,),
    ) -> Subscription:
        """Deliver this bridge's events (members entering/leaving, bridge playbacks, ...)."""
        return self._subscribe(("bridge", bridge_id), handler, types)

    def _subscribe(
        self, key: LaneKey, handler: EventHandler, types: tuple[type[AriEvent], ...]
    ) -> Subscription:
        lane = self._lane(key)
        subscription = Subscription(lane, handler, types)
        lane.subscriptions.append(subscription)
        return subscription

    def active_lanes(self) -> set[LaneKey]:
        """Lanes currently held (channels and bridges with subscribers or pending events)."""
        return set(self._lanes)

    def dispatch(self, event: AriEvent) -> None:
        """Queue `event` on every lane it concerns; never blocks."""
        targets = event_targets(event) or [_APP_LANE]
        for key in targets:
            lane = self._lane(key)
            lane.queue.put_nowait(event)
            lane.arrived.set()
            if lane.worker is None:
                lane.worker = asyncio.create_task(self._drain(lane), name=f"ari-lane-{lane}")

    def forget(self, key: LaneKey) -> None:
        """Drop a lane and its subscriptions, e.g. a channel a resync found gone."""
        lane = self._lanes.pop(key, None)
        if lane is None:
            return
        self._retire(lane)
        # a handler may forget its own channel: never cancel the task running it
        if lane.worker is not None and lane.worker is not asyncio.current_task():
            lane.worker.cancel()

    async def join(self) -> None:
        """Wait until every queued event has been handled (handlers may queue more)."""
        while True:
            lanes = list(self._lanes.values())
            await asyncio.gather(*(lane.queue.join() for lane in lanes))
            now = list(self._lanes.values())
            if [id(lane) for lane in now] == [id(lane) for lane in lanes] and all(
                lane.queue.empty() for lane in now
            ):
                return

    async def close(self) -> None:
        """Stop every lane; queued events are dropped."""
        lanes = list(self._lanes.values())
        self._lanes.clear()
        workers = [lane.worker for lane in lanes if lane.worker is not None]
        for lane in lanes:
            self._retire(lane)
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)

    def _lane(self, key: LaneKey) -> _Lane:
        lane = self._lanes.get(key)
        if lane is None:
            lane = self._lanes[key] = _Lane(key)
        return lane

    def _retire(self, lane: _Lane) -> None:
        for subscription in lane.subscriptions:
            subscription.active = False
        lane.subscriptions.clear()

    def _remove(self, lane: _Lane) -> None:
        if self._lanes.get(lane.key) is lane:
            del self._lanes[lane.key]
        self._retire(lane)
        logger.debug("%s: lane closed", lane)

    async def _drain(self, lane: _Lane) -> None:
        while True:
            if lane.queue.empty():
                if lane.state is _LaneState.ENDING and await self._event_within_linger(lane):
                    continue
                if lane.key != _APP_LANE and (
                    lane.state is not _LaneState.LIVE or not lane.subscriptions
                ):
                    self._remove(lane)
                lane.worker = None
                return
            lane.arrived.clear()
            event = lane.queue.get_nowait()
            try:
                await self._handle(lane, event)
            finally:
                lane.queue.task_done()

    async def _event_within_linger(self, lane: _Lane) -> bool:
        """Wait up to `end_linger` for a late event (the ChannelDestroyed after StasisEnd)."""
        lane.arrived.clear()
        sleeper = asyncio.ensure_future(self._clock.sleep(self._end_linger))
        arrival = asyncio.ensure_future(lane.arrived.wait())
        try:
            await asyncio.wait({sleeper, arrival}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, arrival):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        return not lane.queue.empty()

    async def _handle(self, lane: _Lane, event: AriEvent) -> None:
        subscribers = [s for s in lane.subscriptions if s.matches(event)]
        if lane.key == _APP_LANE:
            if self._unrouted is not None:
                await self._call(lane, self._unrouted, event)
            return
        kind, ident = lane.key
        is_own = kind == "channel" and isinstance(event, ChannelEvent) and event.channel.id == ident
        if isinstance(event, StasisStart) and is_own:
            lane.state = _LaneState.LIVE
            handler = self._stasis_start_handlers.get(event.application)
            if not lane.subscriptions and handler is not None:
                await self._call(lane, handler, event)
        for subscription in subscribers:
            if subscription.active:
                await self._call(lane, subscription.handler, event)
        if isinstance(event, StasisEnd) and is_own and lane.state is _LaneState.LIVE:
            lane.state = _LaneState.ENDING
        elif (isinstance(event, ChannelDestroyed) and is_own) or (
            isinstance(event, BridgeDestroyed) and kind == "bridge"
        ):
            lane.state = _LaneState.FINAL

    async def _call(self, lane: _Lane, handler: Callable[[_E], Awaitable[None]], event: _E) -> None:
        try:
            await handler(event)
        except Exception:
            self.handler_errors += 1
            logger.exception("%s: handler %r failed on %s", lane, handler, event.type)
