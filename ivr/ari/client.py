"""`AriClient`: the typed REST half of ARI (channels, bridges, playbacks, recordings).

Every method sends one request and returns a model, raising `AriError` (with the HTTP
status) on a non-2xx reply and `AriUnavailable` when Asterisk cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Self

import aiohttp

from base.clock import Clock
from ivr.ari._api import object_list
from ivr.ari._json import as_object
from ivr.ari.bridge_media_api import BridgeMediaApi
from ivr.ari.channel_api import ChannelApi
from ivr.ari.connection import EventStream, ReconnectHook
from ivr.ari.events import AriEvent
from ivr.ari.transport import AriTransport, RequestHook


class AriClient(ChannelApi, BridgeMediaApi):
    """REST client for one Stasis application (`app`) on one Asterisk."""

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        app: str,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = 10.0,
        use_api_key: bool = False,
        on_request: RequestHook | None = None,
    ) -> None:
        self.app = app
        self._http = AriTransport(
            base_url=base_url,
            username=username,
            password=password,
            session=session,
            request_timeout=request_timeout,
            use_api_key=use_api_key,
            on_request=on_request,
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session if the client created it."""
        await self._http.close()

    # -- misc ---------------------------------------------------------------------------

    async def asterisk_info(self) -> dict[str, object]:
        return dict(as_object(await self._http.request_json("GET", "/asterisk/info"), "info"))

    async def list_endpoints(self) -> list[dict[str, object]]:
        data = await self._http.request_json("GET", "/endpoints")
        return [dict(as_object(item, "Endpoint")) for item in object_list(data, "endpoints")]

    async def subscribe(
        self, event_sources: Sequence[str], app: str | None = None
    ) -> dict[str, object]:
        """Subscribe the app to event sources (`endpoint:PJSIP/seat-1`, ...); idempotent."""
        data = await self._http.request_json(
            "POST",
            "/applications/{name}/subscription",
            path_args={"name": app or self.app},
            params={"eventSource": ",".join(event_sources)},
        )
        return dict(as_object(data, "Application"))

    async def get_application(self, name: str | None = None) -> dict[str, object]:
        """The application's subscriptions (channel_ids, bridge_ids, ...); default `self.app`."""
        data = await self._http.request_json(
            "GET", "/applications/{name}", path_args={"name": name or self.app}
        )
        return dict(as_object(data, "Application"))

    def events(
        self,
        *,
        on_event: Callable[[AriEvent], None],
        on_reconnect: ReconnectHook | None = None,
        clock: Clock | None = None,
        heartbeat: float = 20.0,
        backoff_initial: float = 0.5,
        backoff_max: float = 30.0,
        subscribe_all: bool = False,
        app: str | None = None,
    ) -> EventStream:
        """The WebSocket event stream for `app` (default `self.app`); start it with `run()`."""
        url = self._http.ws_url(
            {"app": app or self.app, "subscribeAll": True if subscribe_all else None}
        )
        return EventStream(
            session=self._http.session,
            url=url,
            headers=self._http.auth_headers(),
            on_event=on_event,
            on_reconnect=on_reconnect,
            clock=clock,
            heartbeat=heartbeat,
            backoff_initial=backoff_initial,
            backoff_max=backoff_max,
        )
