"""The /sim control API: place scripted calls, set endpoint behaviours, the clock, options.

It sits beside ARI on the same server, needs no credentials, and answers only loopback
clients. Every operation has a Python twin on `Simulator` for in-process tests.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from aiohttp import web

from ivr.simulator.events import ari_time

if TYPE_CHECKING:
    from ivr.simulator.simulator import Simulator

LOOPBACK = {"127.0.0.1", "::1"}


def add_routes(app: web.Application, sim: Simulator) -> None:
    def bad(message: str, status: int = 400) -> web.Response:
        return web.json_response(
            {"error": {"code": "bad-request", "message": message}}, status=status
        )

    async def body(request: web.Request) -> dict[str, Any]:
        if not request.can_read_body:
            return {}
        data = await request.json()
        if not isinstance(data, dict):
            raise ValueError("expected a JSON object")
        return data

    @web.middleware
    async def loopback_only(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path.startswith("/sim") and request.remote not in LOOPBACK:
            return bad("the control API answers loopback clients only", 403)
        try:
            response: web.StreamResponse = await handler(request)
        except (ValueError, TypeError, KeyError) as exc:
            return bad(str(exc))
        return response

    async def place_call(request: web.Request) -> web.StreamResponse:
        data = await body(request)
        app_name = data.get("app", "hotline")
        hangup_after = data.get("hangup_after")
        call = sim.place_call(
            str(data["number"]),
            caller=str(data.get("caller", "")),
            caller_name=str(data.get("caller_name", "")),
            app=None if app_name is None else str(app_name),
            script=list(data.get("script", [])),
            hangup_after=None if hangup_after is None else float(hangup_after),
            trunk=str(data.get("trunk", "PJSIP/trunk")),
        )
        return web.json_response(
            {"call_id": call.call_id, "channel_id": call.channel_id}, status=201
        )

    async def get_call(request: web.Request) -> web.StreamResponse:
        call = sim.calls.get(request.match_info["call_id"])
        if call is None:
            return bad("no such call", 404)
        return web.json_response(call.to_json())

    async def list_calls(_: web.Request) -> web.StreamResponse:
        return web.json_response([c.to_json() for c in sim.calls.values()])

    def endpoint_name(request: web.Request) -> str:
        return unquote(request.match_info["endpoint"])

    async def put_endpoint(request: web.Request) -> web.StreamResponse:
        data = await body(request)
        after = data.get("hangup_after")
        sim.set_endpoint(
            endpoint_name(request), str(data["behaviour"]), None if after is None else float(after)
        )
        return web.json_response(_endpoint_json(sim, endpoint_name(request)))

    async def delete_endpoint(request: web.Request) -> web.StreamResponse:
        sim.reset_endpoint(endpoint_name(request))
        return web.Response(status=204)

    async def list_endpoints(_: web.Request) -> web.StreamResponse:
        return web.json_response([_endpoint_json(sim, e) for e in sorted(sim.endpoints)])

    async def get_clock(_: web.Request) -> web.StreamResponse:
        return web.json_response(_clock_json(sim))

    async def put_clock(request: web.Request) -> web.StreamResponse:
        data = await body(request)
        setter = getattr(sim.clock, "set", None)
        if setter is None:
            return bad("this clock cannot be set", 409)
        now = data.get("now")
        setter(
            start=None if now is None else datetime.fromisoformat(str(now)), speed=data.get("speed")
        )
        return web.json_response(_clock_json(sim))

    async def put_options(request: web.Request) -> web.StreamResponse:
        data = await body(request)
        ebr = data.get("events_before_response")
        sim.set_options(events_before_response=None if ebr is None else bool(ebr))
        return web.json_response({"events_before_response": sim.events_before_response})

    async def get_state(_: web.Request) -> web.StreamResponse:
        return web.json_response(sim.summary())

    async def drop_app(request: web.Request) -> web.StreamResponse:
        closed = await sim.drop_app(request.match_info["app"])
        return web.json_response({"closed": closed})

    app.middlewares.append(loopback_only)
    app.router.add_post("/sim/calls", place_call)
    app.router.add_get("/sim/calls", list_calls)
    app.router.add_get("/sim/calls/{call_id}", get_call)
    app.router.add_get("/sim/endpoints", list_endpoints)
    app.router.add_put("/sim/endpoints/{endpoint:.+}", put_endpoint)
    app.router.add_delete("/sim/endpoints/{endpoint:.+}", delete_endpoint)
    app.router.add_get("/sim/clock", get_clock)
    app.router.add_put("/sim/clock", put_clock)
    app.router.add_put("/sim/options", put_options)
    app.router.add_get("/sim/state", get_state)
    app.router.add_post("/sim/apps/{app}/drop", drop_app)


def _endpoint_json(sim: Simulator, endpoint: str) -> dict[str, Any]:
    behaviour = sim.behaviour(endpoint)
    return {
        "endpoint": endpoint,
        "behaviour": behaviour.describe(),
        "hangup_after": behaviour.hangup_after,
    }


def _clock_json(sim: Simulator) -> dict[str, Any]:
    return {"now": ari_time(sim.clock.now()), "speed": getattr(sim.clock, "speed", 1.0)}
