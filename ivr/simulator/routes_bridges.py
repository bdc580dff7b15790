"""ARI /bridges resources."""

from __future__ import annotations

from aiohttp import web

from ivr.simulator import bridge_recordings, bridges, playbacks
from ivr.simulator.errors import AriError
from ivr.simulator.routes_channels import new_recording, queue_playback
from ivr.simulator.routing import AriRequest, AriRouter, no_content, reply
from ivr.simulator.state import Bridge, Channel


async def list_bridges(req: AriRequest) -> web.StreamResponse:
    return reply([b.to_json() for b in req.sim.bridges.values()])


async def create(req: AriRequest) -> web.StreamResponse:
    bridge_id = req.match.get("id") or req.text("bridgeId")
    bridge = bridges.create(
        req.sim, bridge_id, req.text("type") or "mixing", req.text("name") or ""
    )
    return reply(bridge.to_json())


async def get_bridge(req: AriRequest) -> web.StreamResponse:
    return reply(req.sim.bridge(req.match["id"]).to_json())


async def destroy(req: AriRequest) -> web.StreamResponse:
    bridges.destroy(req.sim, req.sim.bridge(req.match["id"]))
    return no_content()


def _members(req: AriRequest) -> list[Channel]:
    """The `channel` list; an unknown channel is 400 here, not 404 (Asterisk's quirk)."""
    ids = req.many("channel")
    if not ids:
        raise AriError(400, "Missing parameter channel")
    found = []
    for channel_id in ids:
        ch = req.sim.channels.get(channel_id)
        if ch is None:
            raise AriError(400, "Channel not found")
        found.append(ch)
    return found


def _addable(req: AriRequest) -> tuple[Bridge, list[Channel]]:
    if not req.many("channel"):
        raise AriError(400, "Missing parameter channel")
    bridge = req.sim.bridge(req.match["id"])
    members = _members(req)
    for ch in members:
        if not ch.in_stasis:
            raise AriError(422, "Channel not in Stasis application")
        if ch.recording is not None:
            raise AriError(409, "Channel is currently recording")
    return bridge, members


async def add_channel(req: AriRequest) -> web.StreamResponse:
    """Seen on Asterisk 22: the reply waits until the channels' own playbacks have ended.

    The bridge-join is a command queued behind the channel's running playback (a looping
    `tone:` held it for as long as it played; DELETE /playbacks/{id} let it through).
    """
    _addable(req)
    while any(playbacks.busy(req.sim, ch) for ch in _members(req)):
        await req.sim.clock.sleep(playbacks.POLL_S)
    bridge, members = _addable(req)
    for ch in members:
        bridges.add(req.sim, bridge, ch)
    return no_content()


async def remove_channel(req: AriRequest) -> web.StreamResponse:
    if not req.many("channel"):
        raise AriError(400, "Missing parameter channel")
    bridge = req.sim.bridge(req.match["id"])
    members = _members(req)
    for ch in members:
        if ch.bridge_id != bridge.id:
            raise AriError(422, "Channel not in this bridge")
    for ch in members:
        bridges.leave(req.sim, ch)
    return no_content()


async def play(req: AriRequest) -> web.StreamResponse:
    bridge = req.sim.bridge(req.match["id"])
    return queue_playback(req, f"bridge:{bridge.id}", set(bridge.apps))


async def record(req: AriRequest) -> web.StreamResponse:
    """Record the mixed audio; 404 "Bridge not found" before any parameter is read."""
    bridge = req.sim.bridge(req.match["id"])
    rec = new_recording(req, channel_id="", app=None, bridge_id=bridge.id)
    body = rec.to_json()
    bridge_recordings.start(req.sim, bridge, rec)
    return reply(body, 201, {"Location": f"/ari/recordings/live/{rec.name}"})


def add_routes(router: AriRouter) -> None:
    router.add("GET", "/bridges", list_bridges)
    router.add("POST", "/bridges", create)
    router.add("GET", "/bridges/{id}", get_bridge)
    router.add("POST", "/bridges/{id}", create)
    router.add("DELETE", "/bridges/{id}", destroy)
    router.add("POST", "/bridges/{id}/addChannel", add_channel)
    router.add("POST", "/bridges/{id}/removeChannel", remove_channel)
    router.add("POST", "/bridges/{id}/play", play)
    router.add("POST", "/bridges/{id}/play/{playback_id}", play)
    router.add("POST", "/bridges/{id}/record", record)
