"""ARI events: builders with Asterisk's own key order, and the per-application event bus.

Asterisk serialises events with jansson in insertion order, and the order differs between
event types (ChannelHangupRequest starts with `cause`, ChannelVarset with `variable`), so
each builder lays its keys out exactly as the recorded traces show. The bus delivers an
event to the one WebSocket currently holding each application, or drops it when none does.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aiohttp import web

Json = dict[str, Any]


def ari_time(moment: datetime) -> str:
    """Asterisk's timestamp format: milliseconds and a +hhmm offset."""
    return (
        moment.strftime("%Y-%m-%dT%H:%M:%S.")
        + f"{moment.microsecond // 1000:03d}"
        + (moment.strftime("%z") or "+0000")
    )


def build(event_type: str, moment: datetime, *, lead: Json | None = None, **fields: Any) -> Json:
    """An event body without asterisk_id/application (the bus appends those per app)."""
    body: Json = dict(lead or {})
    body["type"] = event_type
    body["timestamp"] = ari_time(moment)
    body.update(fields)
    return body


@dataclass
class _Held:
    """Events caused by one HTTP request, held until its reply has been written."""

    events: list[tuple[tuple[str, ...], Json]] = field(default_factory=list)
    released: bool = False


_held: ContextVar[_Held | None] = ContextVar("ari_held_events", default=None)


class Subscriber:
    """One events WebSocket; a writer task sends queued events in publish order."""

    def __init__(self, ws: web.WebSocketResponse, apps: tuple[str, ...]) -> None:
        self.ws = ws
        self.apps = apps
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()

    async def run_writer(self) -> None:
        while True:
            text = await self.queue.get()
            try:
                if text is None:
                    return
                if not self.ws.closed:
                    # A dead peer must not stall the bus: drop what cannot be written.
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        await self.ws.send_str(text)
            finally:
                self.queue.task_done()

    def stop(self) -> None:
        self.queue.put_nowait(None)


class EventBus:
    """Routes events to the WebSocket that currently owns each Stasis application."""

    def __init__(self, asterisk_id: str) -> None:
        self.asterisk_id = asterisk_id
        self._owners: dict[str, Subscriber] = {}
        self.sockets: set[Subscriber] = set()

    def active(self, app: str) -> bool:
        return app in self._owners

    def subscribe(self, sub: Subscriber, moment: datetime) -> None:
        """Give `sub` its apps; a previous owner is told with ApplicationReplaced."""
        self.sockets.add(sub)
        for app in sub.apps:
            old = self._owners.get(app)
            if old is not None and old is not sub:
                replaced = {"type": "ApplicationReplaced", "timestamp": ari_time(moment)}
                replaced["application"] = app
                replaced["asterisk_id"] = self.asterisk_id
                old.queue.put_nowait(json.dumps(replaced))
            self._owners[app] = sub

    def unsubscribe(self, sub: Subscriber) -> None:
        self.sockets.discard(sub)
        for app in sub.apps:
            if self._owners.get(app) is sub:
                del self._owners[app]

    def owners(self, app: str) -> list[Subscriber]:
        owner = self._owners.get(app)
        return [] if owner is None else [owner]

    def publish(self, apps: Iterable[str | None], event: Json) -> None:
        targets = tuple(dict.fromkeys(a for a in apps if a))
        held = _held.get()
        if held is not None and not held.released:
            held.events.append((targets, event))
            return
        self._send(targets, event)

    def _send(self, apps: tuple[str, ...], event: Json) -> None:
        for app in apps:
            owner = self._owners.get(app)
            if owner is None:
                continue  # Asterisk drops events of an inactive app; never replayed.
            body = dict(event)
            body["asterisk_id"] = self.asterisk_id
            body["application"] = app
            owner.queue.put_nowait(json.dumps(body))

    @contextlib.contextmanager
    def hold(self) -> Iterator[_Held]:
        """Hold events published by the current request until `release`."""
        held = _Held()
        token = _held.set(held)
        try:
            yield held
        finally:
            _held.reset(token)

    def release(self, held: _Held) -> None:
        held.released = True
        for apps, event in held.events:
            self._send(apps, event)
        held.events.clear()

    async def drain(self, limit: float = 1.0) -> None:
        """Wait until every socket has written what is queued (events-before-reply mode)."""
        waits = [asyncio.ensure_future(s.queue.join()) for s in self.sockets]
        if waits:
            _, pending = await asyncio.wait(waits, timeout=limit)
            for task in pending:
                task.cancel()
