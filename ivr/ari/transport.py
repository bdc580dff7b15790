"""HTTP plumbing under `AriClient`: URLs, auth, timeouts, error replies, latency reporting.

Kept apart from the typed API so that `client.py` reads as a list of ARI operations.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from urllib.parse import quote

import aiohttp
import orjson
from yarl import URL

from ivr.ari.errors import AriProtocolError, AriUnavailable, error_for_status

logger = logging.getLogger(__name__)

RequestHook = Callable[[str, str, int, float], None]
"""`on_request(method, path_template, status, seconds)`; status 0 when no reply came."""

QueryValue = str | int | float | bool | None

# Files downloaded at once. A recording is a megabyte a minute; when thousands of calls end
# together their downloads took all of the HTTP client's 100 connections (Asterisk's
# default `sessionlimit` is 100 too), and the calls' own commands timed out waiting for one.
MAX_DOWNLOADS = 8
# How long a request may wait for one of the client's connections (and connect) before it
# fails. Its own time, `request_timeout`, starts once it is sent: a command queued behind
# a burst of others is not Asterisk being slow, and a request that never left the pool
# would have been safe to send late (nothing was sent).
POOL_WAIT_S = 60.0


def _query(params: Mapping[str, QueryValue]) -> dict[str, str]:
    query: dict[str, str] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bool):
            query[key] = "true" if value else "false"
        else:
            query[key] = str(value)
    return query


def _error_message(body: bytes, reason: str) -> str:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        text = body.decode("utf-8", "replace").strip()
        return text or reason
    if isinstance(data, dict):
        # ARI uses "message"; a few 500s ("Allocation failed") use "error"
        for key in ("message", "error"):
            if isinstance(data.get(key), str):
                return str(data[key])
    return reason


class AriTransport:
    """Sends one ARI request and returns the decoded reply, raising `AriError` on non-2xx."""

    def __init__(
        self,
        *,
        base_url: str,
        username: str,
        password: str,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = 10.0,
        use_api_key: bool = False,
        on_request: RequestHook | None = None,
    ) -> None:
        root = base_url.rstrip("/")
        # accept both "http://host:8088" and "http://host:8088/ari"
        self._root = root.removesuffix("/ari")
        self._username = username
        self._password = password
        self._session = session
        self._owns_session = session is None
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=POOL_WAIT_S, sock_connect=request_timeout, sock_read=request_timeout
        )
        self._use_api_key = use_api_key
        self._on_request = on_request
        self._downloads = asyncio.Semaphore(MAX_DOWNLOADS)
        # Built once: every request sends one of these two header sets.
        self._plain_headers = self.auth_headers()
        self._json_headers = {**self._plain_headers, "Content-Type": "application/json"}

    @property
    def session(self) -> aiohttp.ClientSession:
        """The HTTP session; created on first use when none was passed in."""
        if self._session is None:
            self._session = aiohttp.ClientSession()
        return self._session

    def auth_headers(self) -> dict[str, str]:
        """The Basic `Authorization` header, or nothing when credentials go in `api_key`."""
        if self._use_api_key:
            return {}
        return {"Authorization": aiohttp.encode_basic_auth(self._username, self._password)}

    def _headers(self, body: object) -> dict[str, str]:
        return self._plain_headers if body is None else self._json_headers

    def auth_query(self) -> dict[str, str]:
        """The `api_key` query parameter when that auth style is used, else nothing."""
        if self._use_api_key:
            return {"api_key": f"{self._username}:{self._password}"}
        return {}

    def url(self, path_template: str, path_args: Mapping[str, str] | None = None) -> URL:
        """Full URL for `path_template` (e.g. "/channels/{channel_id}") with quoted arguments.

        Arguments are quoted with no safe characters so a recording name "vm/1001/msg1"
        becomes one segment "vm%2F1001%2Fmsg1", as ARI expects.
        """
        quoted = {key: quote(value, safe="") for key, value in (path_args or {}).items()}
        return URL(f"{self._root}/ari{path_template.format(**quoted)}", encoded=True)

    def ws_url(self, params: Mapping[str, QueryValue]) -> URL:
        """The events WebSocket URL (ws:// or wss://) with `params` and any api_key."""
        url = self.url("/events")
        scheme = "wss" if url.scheme == "https" else "ws"
        return url.with_scheme(scheme).with_query({**_query(params), **self.auth_query()})

    async def request(
        self,
        method: str,
        path_template: str,
        *,
        path_args: Mapping[str, str] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, object] | None = None,
    ) -> tuple[int, bytes]:
        """Send a request; return (status, raw body) for 2xx, raise `AriError` otherwise."""
        url = self.url(path_template, path_args)
        query = {**_query(params or {}), **self.auth_query()}
        if query:
            url = url.with_query(query)
        status = 0
        # latency is measured on the real wire, whatever clock the simulation runs on
        started = time.perf_counter()
        try:
            async with self.session.request(
                method, url, data=None if body is None else orjson.dumps(body),
                headers=self._headers(body), timeout=self._timeout,
            ) as response:  # fmt: skip
                status = response.status
                data = await response.read()
                reason = response.reason or ""
        except (TimeoutError, aiohttp.ClientError) as exc:
            logger.warning("ARI %s %s failed: %r", method, path_template, exc)
            raise AriUnavailable(f"{method} {path_template}: {exc!r}") from exc
        finally:
            if self._on_request is not None:
                self._on_request(method, path_template, status, time.perf_counter() - started)
        if not 200 <= status < 300:
            raise error_for_status(status, _error_message(data, reason))
        return status, data

    async def download(self, path_template: str, *, path_args: Mapping[str, str]) -> bytes:
        """GET a file (a stored recording): at most `MAX_DOWNLOADS` at once, waiting their
        turn before the request's timeout starts."""
        async with self._downloads:
            _, data = await self.request("GET", path_template, path_args=path_args)
        return data

    async def request_json(
        self,
        method: str,
        path_template: str,
        *,
        path_args: Mapping[str, str] | None = None,
        params: Mapping[str, QueryValue] | None = None,
        body: Mapping[str, object] | None = None,
    ) -> object:
        """Like `request`, decoding the JSON reply (None for an empty 204)."""
        _, data = await self.request(
            method, path_template, path_args=path_args, params=params, body=body
        )
        if not data:
            return None
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            raise AriProtocolError(f"{method} {path_template}: reply is not JSON") from exc

    async def close(self) -> None:
        """Close the session if this transport created it."""
        if self._owns_session and self._session is not None:
            await self._session.close()
            self._session = None
