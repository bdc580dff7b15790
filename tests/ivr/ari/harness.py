"""A small Stasis app for integration tests: client + event stream + dispatcher on one clock."""

from __future__ import annotations

import asyncio
from typing import TypeVar

from base.clock import Clock
from ivr.ari import AriClient, AriEvent, ChannelDispatcher, EventStream, StasisStart

_E = TypeVar("_E", bound=AriEvent)
WAIT = 5.0  # real seconds; generous for a loaded 2-core machine


class StasisApp:
    """Collects each watched channel's events in a queue; new calls land in `new_calls`."""

    def __init__(self, client: AriClient, *, clock: Clock) -> None:
        self.client = client
        self.dispatcher = ChannelDispatcher(clock=clock, end_linger=1.0)
        self.new_calls: asyncio.Queue[StasisStart] = asyncio.Queue()
        self.resyncs: asyncio.Queue[list[str]] = asyncio.Queue()
        self._queues: dict[str, asyncio.Queue[AriEvent]] = {}
        self.dispatcher.on_stasis_start(client.app, self._on_new_call)
        self.stream: EventStream = client.events(
            on_event=self.dispatcher.dispatch,
            on_reconnect=self._on_reconnect,
            clock=clock,
            backoff_initial=0.05,
            backoff_max=0.2,
        )
        self._runner: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._runner = asyncio.create_task(self.stream.run())
        await asyncio.wait_for(self.stream.wait_connected(), 5)

    async def stop(self) -> None:
        await self.stream.close()
        if self._runner is not None:
            await asyncio.wait_for(self._runner, 5)
        await self.dispatcher.close()

    def watch(self, channel_id: str) -> None:
        """Queue this channel's events; call before the request that creates it."""
        queue = self._queues.setdefault(channel_id, asyncio.Queue())

        async def enqueue(event: AriEvent) -> None:
            await queue.put(event)

        self.dispatcher.subscribe(channel_id, enqueue)

    async def _on_new_call(self, event: StasisStart) -> None:
        self.watch(event.channel.id)
        await self.new_calls.put(event)

    async def _on_reconnect(self) -> None:
        channels = await self.client.list_channels()
        await self.resyncs.put([channel.id for channel in channels])

    async def next_call(self) -> StasisStart:
        return await asyncio.wait_for(self.new_calls.get(), WAIT)

    async def expect(self, channel_id: str, cls: type[_E]) -> _E:
        """The channel's next event of type `cls`, skipping others; fails after `WAIT` s."""
        queue = self._queues[channel_id]
        async with asyncio.timeout(WAIT):
            while True:
                event = await queue.get()
                if isinstance(event, cls):
                    return event

    async def seen_types(self, channel_id: str, until: type[AriEvent]) -> list[str]:
        """Types of the channel's events up to and including the first `until`."""
        types: list[str] = []
        queue = self._queues[channel_id]
        async with asyncio.timeout(WAIT):
            while True:
                event = await queue.get()
                types.append(event.type)
                if isinstance(event, until):
                    return types
