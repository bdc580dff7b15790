"""ARI /asterisk, /endpoints, /applications and the /events WebSocket."""

from __future__ import annotations

import asyncio

from aiohttp import WSMsgType, web

from ivr.simulator import endpoints
from ivr.simulator.channels import TECHNOLOGIES
from ivr.simulator.errors import AriError
from ivr.simulator.events import Json, Subscriber, ari_time
from ivr.simulator.routing import AriRequest, AriRouter, reply
from ivr.simulator.simulator import Simulator

VERSION = "22.10.1"


async def asterisk_info(req: AriRequest) -> web.StreamResponse:
    sim = req.sim
    started = ari_time(sim.started)
    info: Json = {
        "build": {
            "os": "Linux",
            "kernel": "6.1.0",
            "machine": "x86_64",
            "options": "",
            "date": "2026-01-01 00:00:00 UTC",
            "user": "hotline",
        },
        "system": {"version": VERSION, "entity_id": sim.asterisk_id},
        "config": {
            "name": "hotline-simulator",
            "default_language": "en",
            "setid": {"user": "asterisk", "group": "asterisk"},
        },
        "status": {"startup_time": started, "last_reload_time": started},
    }
    only = req.many("only")
    if only:
        info = {k: v for k, v in info.items() if k in only}
    return reply(info)


def _known_endpoints(sim: Simulator) -> list[str]:
    return sorted({"PJSIP/trunk", *sim.endpoints, *(c.endpoint for c in sim.channels.values())})


async def list_endpoints(req: AriRequest) -> web.StreamResponse:
    return reply([endpoints.endpoint_json(req.sim, e) for e in _known_endpoints(req.sim)])


async def list_tech_endpoints(req: AriRequest) -> web.StreamResponse:
    tech = req.match["tech"]
    known = _known_endpoints(req.sim)
    found = [endpoints.endpoint_json(req.sim, e) for e in known if e.startswith(f"{tech}/")]
    if not found:
        raise AriError(404, "No endpoints found")
    return reply(found)


async def get_endpoint(req: AriRequest) -> web.StreamResponse:
    endpoint = f"{req.match['tech']}/{req.match['resource']}"
    if endpoint not in _known_endpoints(req.sim):
        raise AriError(404, "Endpoint not found")
    return reply(endpoints.endpoint_json(req.sim, endpoint))


def _app_json(sim: Simulator, app: str) -> Json:
    return {
        "name": app,
        "channel_ids": sim.app_channel_ids(app),
        "bridge_ids": sim.app_bridge_ids(app),
        "endpoint_ids": sorted(
            s.removeprefix("endpoint:")
            for s in sim.subscriptions.get(app, set())
            if s.startswith("endpoint:")
        ),
        "device_names": [],
        "events_allowed": [],
        "events_disallowed": [],
    }


def _live_apps(sim: Simulator) -> list[str]:
    """Apps Asterisk still holds: registered and either connected or owning something."""
    return sorted(
        a for a in sim.apps if sim.bus.active(a) or sim.app_channel_ids(a) or sim.app_bridge_ids(a)
    )


async def list_applications(req: AriRequest) -> web.StreamResponse:
    return reply([_app_json(req.sim, a) for a in _live_apps(req.sim)])


async def get_application(req: AriRequest) -> web.StreamResponse:
    name = req.match["name"]
    if name not in _live_apps(req.sim):
        raise AriError(404, "Application not found")
    return reply(_app_json(req.sim, name))


def _event_sources(req: AriRequest) -> set[str]:
    sources = set(req.many("eventSource"))
    if not sources:
        raise AriError(400, "Missing parameter eventSource")
    for source in sources:
        kind, _, name = source.partition(":")
        # only endpoint sources are modelled: channel/bridge events reach the app anyway
        if kind != "endpoint" or name.partition("/")[0] not in TECHNOLOGIES:
            raise AriError(422, "Event source does not exist")
    return sources


async def subscribe(req: AriRequest) -> web.StreamResponse:
    name = req.match["name"]
    if name not in _live_apps(req.sim):
        raise AriError(404, "Application not found")
    req.sim.subscriptions.setdefault(name, set()).update(_event_sources(req))
    return reply(_app_json(req.sim, name))


async def unsubscribe(req: AriRequest) -> web.StreamResponse:
    name = req.match["name"]
    if name not in _live_apps(req.sim):
        raise AriError(404, "Application not found")
    sources = _event_sources(req)
    held = req.sim.subscriptions.get(name, set())
    if not sources <= held:
        raise AriError(409, "Application not subscribed to event source")
    held -= sources
    return reply(_app_json(req.sim, name))


async def events_socket(req: AriRequest) -> web.StreamResponse:
    apps = tuple(req.many("app"))
    if not apps:
        raise AriError(400, "Missing parameter app")
    sim = req.sim
    ws = web.WebSocketResponse(autoping=True)
    await ws.prepare(req.http)
    sub = Subscriber(ws, apps)
    sim.apps.update(apps)
    if req.flag("subscribeAll"):
        sim.subscribe_all.update(apps)
    else:
        sim.subscribe_all.difference_update(apps)
    sim.bus.subscribe(sub, sim.clock.now())
    writer = asyncio.get_running_loop().create_task(sub.run_writer())
    try:
        async for msg in ws:
            if msg.type == WSMsgType.ERROR:
                break
    finally:
        sim.bus.unsubscribe(sub)
        sub.stop()
        await writer
    return ws


def add_routes(router: AriRouter) -> None:
    router.add("GET", "/asterisk/info", asterisk_info)
    router.add("GET", "/endpoints", list_endpoints)
    router.add("GET", "/endpoints/{tech}", list_tech_endpoints)
    router.add("GET", "/endpoints/{tech}/{resource}", get_endpoint)
    router.add("GET", "/applications", list_applications)
    router.add("GET", "/applications/{name}", get_application)
    router.add("POST", "/applications/{name}/subscription", subscribe)
    router.add("DELETE", "/applications/{name}/subscription", unsubscribe)
    router.add("GET", "/events", events_socket)
