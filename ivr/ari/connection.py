"""`EventStream`: the app's ARI WebSocket, kept open across Asterisk restarts and network drops.

Asterisk drops an app's events while its socket is down and never replays them, so
after every reconnect the `on_reconnect` hook runs for the controller to resync
(GET /channels, /bridges, /applications/{app}). Messages are parsed and handed to
`on_event` one by one, synchronously: the handler must only enqueue (ChannelDispatcher
does), because Asterisk closes a socket whose reader falls ~100 ms behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Awaitable, Callable, Mapping

import aiohttp
from yarl import URL

from base.clock import Clock, SystemClock
from ivr.ari.errors import MalformedEvent, error_for_status
from ivr.ari.events import ApplicationReplaced, AriEvent, parse_event

logger = logging.getLogger(__name__)

ReconnectHook = Callable[[], Awaitable[None]]

# a handshake refused for these reasons will not succeed by retrying
_FATAL_HANDSHAKE_STATUSES = frozenset({400, 401, 403})


class EventStream:
    """One app's event WebSocket with heartbeat and reconnect (exponential backoff + jitter)."""

    def __init__(
        self,
        *,
        session: aiohttp.ClientSession,
        url: URL,
        headers: Mapping[str, str],
        on_event: Callable[[AriEvent], None],
        on_reconnect: ReconnectHook | None = None,
        clock: Clock | None = None,
        heartbeat: float = 20.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        backoff_factor: float = 2.0,
        jitter: float = 0.5,
        rng: random.Random | None = None,
    ) -> None:
        self._session = session
        self._url = url
        self._headers = dict(headers)
        self._on_event = on_event
        self._on_reconnect = on_reconnect
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._heartbeat = heartbeat
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._backoff_factor = backoff_factor
        self._jitter = jitter
        self._rng = rng if rng is not None else random.Random()
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._closing = asyncio.Event()
        self._connected = asyncio.Event()
        self._hook_tasks: set[asyncio.Task[None]] = set()
        self.reconnects = 0
        """Successful connections after the first one."""
        self.malformed_events = 0
        """Messages skipped because they did not parse."""

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    async def wait_connected(self) -> None:
        """Return once the socket is open (immediately if it already is)."""
        await self._connected.wait()

    def backoff_delay(self, attempt: int) -> float:
        """Seconds to wait before reconnect attempt `attempt` (0-based): capped, jittered down.

        Jitter spreads the reconnects of several controllers after an Asterisk restart.
        """
        exponent = min(attempt, 32)  # keeps the power finite; the cap applies long before
        ceiling = min(self._backoff_max, self._backoff_initial * self._backoff_factor**exponent)
        return ceiling * (1.0 - self._jitter * self._rng.random())

    async def run(self) -> None:
        """Connect, read and reconnect until `close()`.

        Raises `AriError` when the handshake is refused for a reason retrying cannot fix
        (400 bad app parameter, 401/403 credentials); other failures are retried.
        """
        attempt = 0
        ever_connected = False
        while not self._closing.is_set():
            try:
                ws = await self._session.ws_connect(
                    self._url, headers=self._headers, heartbeat=self._heartbeat
                )
            except aiohttp.WSServerHandshakeError as exc:
                if exc.status in _FATAL_HANDSHAKE_STATUSES:
                    raise error_for_status(exc.status, exc.message) from exc
                logger.warning("ARI events: handshake refused (%s), retrying", exc.status)
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                logger.warning("ARI events: cannot connect (%r), retrying", exc)
            else:
                attempt = 0
                if ever_connected:
                    self.reconnects += 1
                    logger.info("ARI events: reconnected (%d so far)", self.reconnects)
                    self._start_reconnect_hook()
                else:
                    logger.info("ARI events: connected")
                ever_connected = True
                replaced = await self._read(ws)
                if replaced:
                    # reconnecting would steal the app back from its new owner, who
                    # would then steal it back: stop instead
                    logger.error("ARI events: app taken over by another connection, stopping")
                    break
                if self._closing.is_set():
                    break
                logger.warning("ARI events: connection lost, reconnecting")
            await self._sleep_unless_closed(self.backoff_delay(attempt))
            attempt += 1

    async def _read(self, ws: aiohttp.ClientWebSocketResponse) -> bool:
        """Read until the socket closes; True when the app was replaced."""
        self._ws = ws
        self._connected.set()
        replaced = False
        try:
            async for message in ws:
                if message.type is aiohttp.WSMsgType.TEXT:
                    event = self._parse(message.data)
                    if event is None:
                        continue
                    self._deliver(event)
                    if isinstance(event, ApplicationReplaced):
                        replaced = True
                        break
                elif message.type is aiohttp.WSMsgType.ERROR:
                    logger.warning("ARI events: socket error %r", ws.exception())
                    break
                else:
                    logger.debug("ARI events: ignoring %s message", message.type.name)
        finally:
            self._connected.clear()
            self._ws = None
            await ws.close()
        logger.info("ARI events: socket closed (code %s)", ws.close_code)
        return replaced

    def _parse(self, data: str) -> AriEvent | None:
        try:
            return parse_event(data)
        except MalformedEvent as exc:
            self.malformed_events += 1
            logger.warning("ARI events: skipping malformed event: %s (%.200s)", exc, data)
            return None

    def _deliver(self, event: AriEvent) -> None:
        try:
            self._on_event(event)
        except Exception:
            # one bad handler must not cost the app its event stream
            logger.exception("ARI events: handler failed on %s", event.type)

    def _start_reconnect_hook(self) -> None:
        if self._on_reconnect is None:
            return
        # run beside the reader: events keep flowing while the controller resyncs
        task = asyncio.create_task(self._run_reconnect_hook(self._on_reconnect))
        self._hook_tasks.add(task)
        task.add_done_callback(self._hook_tasks.discard)

    @staticmethod
    async def _run_reconnect_hook(hook: ReconnectHook) -> None:
        try:
            await hook()
        except Exception:
            logger.exception("ARI events: on_reconnect hook failed")

    async def _sleep_unless_closed(self, seconds: float) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep(seconds))
        closing = asyncio.ensure_future(self._closing.wait())
        try:
            await asyncio.wait({sleeper, closing}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (sleeper, closing):
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    async def close(self) -> None:
        """Stop reconnecting, close the socket and wait for running reconnect hooks."""
        self._closing.set()
        if self._ws is not None:
            await self._ws.close()
        for task in list(self._hook_tasks):
            task.cancel()
        if self._hook_tasks:
            await asyncio.gather(*self._hook_tasks, return_exceptions=True)
