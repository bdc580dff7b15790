"""The simulator's aiohttp application: ARI under /ari, the control API under /sim.

Authentication, routing and parameter parsing follow Asterisk. An HTTP reply and the
events it causes travel on separate streams; by default the reply is written first and
the events are released after it, and with `events_before_response` the events are on the
WebSocket before the reply is sent — the controller must cope with both.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any
from urllib.parse import unquote

from aiohttp import web
from multidict import MultiDict

from base.clock import Clock
from ivr.simulator import control, routes_bridges, routes_channels, routes_media, routes_misc
from ivr.simulator.errors import AriError
from ivr.simulator.routing import AriRequest, AriRouter, MethodNotAllowed
from ivr.simulator.simulator import Simulator

SIMULATOR: web.AppKey[Simulator] = web.AppKey("simulator", Simulator)
ROUTER: web.AppKey[AriRouter] = web.AppKey("ari_router", AriRouter)
REALM = 'Basic realm="Asterisk REST Interface"'
DEFAULT_USERS: Mapping[str, str] = MappingProxyType({"hotline": "hotline"})


def build_simulator(
    *,
    clock: Clock,
    recordings_dir: Path,
    sounds_dir: Path | None = None,
    users: Mapping[str, str] = DEFAULT_USERS,
) -> web.Application:
    """An aiohttp application that answers like Asterisk 22's ARI."""
    # Asterisk's packages create /var/spool/asterisk/recording; a test removes it to see
    # what a PBX without it does (record → 500, GET /recordings/stored → 500).
    recordings_dir.mkdir(parents=True, exist_ok=True)
    sim = Simulator(clock=clock, recordings_dir=recordings_dir, sounds_dir=sounds_dir, users=users)
    router = AriRouter()
    for module in (routes_channels, routes_bridges, routes_media, routes_misc):
        module.add_routes(router)
    app = web.Application()
    app[SIMULATOR] = sim
    app[ROUTER] = router
    app.router.add_route("*", "/ari/{tail:.*}", _ari_entry)
    control.add_routes(app, sim)

    async def shutdown(_: web.Application) -> None:
        await sim.close()

    app.on_shutdown.append(shutdown)
    return app


def _authorised(sim: Simulator, request: web.Request) -> bool:
    credentials = request.query.get("api_key")
    header = request.headers.get("Authorization", "")
    if credentials is None and header.startswith("Basic "):
        try:
            credentials = base64.b64decode(header[6:], validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
    if credentials is None:
        return False
    user, _, password = credentials.partition(":")
    return user in sim.users and sim.users[user] == password


def _error(err: AriError) -> web.Response:
    headers = {"Allow": err.allow} if isinstance(err, MethodNotAllowed) else None
    return web.json_response(err.body(), status=err.status, headers=headers)


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body or request.content_type != "application/json":
        return {}
    try:
        data = json.loads(await request.text() or "{}")
    except json.JSONDecodeError:
        raise AriError(400, "Error parsing request body") from None
    return data if isinstance(data, dict) else {}


async def _ari_entry(request: web.Request) -> web.StreamResponse:
    sim = request.app[SIMULATOR]
    if not _authorised(sim, request):
        return web.json_response(
            {"message": "Authentication required"}, status=401, headers={"WWW-Authenticate": REALM}
        )
    raw = request.rel_url.raw_path
    tail = raw[len("/ari") :] or "/"
    try:
        handler, match = request.app[ROUTER].resolve(request.method, tail)
        ari = AriRequest(
            sim=sim,
            http=request,
            match={k: unquote(v) for k, v in match.items()},
            query=MultiDict(request.query),
            body=await _body(request),
        )
    except AriError as err:
        return _error(err)
    if tail == "/events":
        try:
            return await handler(ari)
        except AriError as err:
            return _error(err)
    with sim.bus.hold() as held:
        try:
            response = await handler(ari)
        except AriError as err:
            response = _error(err)
    if sim.events_before_response:
        sim.bus.release(held)
        await sim.bus.drain()
        return response
    # Write the reply before releasing the events it caused (Asterisk's usual order).
    try:
        await response.prepare(request)
        await response.write_eof()
    finally:  # a client that gave up the request still gets the events it caused
        sim.bus.release(held)
    return response


@dataclass
class RunningSimulator:
    url: str
    simulator: Simulator
    runner: web.AppRunner

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_simulator(*, host: str = "127.0.0.1", port: int = 0, **kw: Any) -> RunningSimulator:
    """Build and serve a simulator; `kw` goes to `build_simulator`."""
    app = build_simulator(**kw)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = runner.addresses[0]
    return RunningSimulator(
        url=f"http://{bound[0]}:{bound[1]}", simulator=app[SIMULATOR], runner=runner
    )
