"""ARI /channels resources."""

from __future__ import annotations

from aiohttp import web

from ivr.simulator import channel_events, channels, endpoints, playbacks, recordings
from ivr.simulator.errors import AriError
from ivr.simulator.routing import AriRequest, AriRouter, no_content, reply
from ivr.simulator.state import REASON_CAUSE, LiveRecording, Origin, Playback


async def list_channels(req: AriRequest) -> web.StreamResponse:
    return reply([c.to_json() for c in req.sim.channels.values()])


async def get_channel(req: AriRequest) -> web.StreamResponse:
    return reply(req.sim.channel(req.match["id"]).to_json())


def _caller_id(text: str | None) -> tuple[str, str]:
    """`"name" <number>` or a bare number."""
    if not text:
        return "", ""
    if "<" in text and text.endswith(">"):
        name, _, number = text[:-1].partition("<")
        return name.strip().strip('"'), number.strip()
    return "", text.strip()


async def originate(req: AriRequest) -> web.StreamResponse:
    sim = req.sim
    endpoint = req.required("endpoint", "Endpoint must be specified")
    app = req.text("app")
    if not app and not req.text("extension"):
        raise AriError(400, "Application or extension must be specified")
    ch = channels.new_outbound(
        sim, endpoint, req.match.get("id") or req.text("channelId"), Origin.ORIGINATED
    )
    ch.caller_name, ch.caller_number = _caller_id(req.text("callerId"))
    sim.channels[ch.id] = ch
    body = ch.to_json()
    if app:
        sim.apps.add(app)
        ch.app = app
        args = [a for a in (req.text("appArgs") or "").split(",") if a]
        timeout = req.number("timeout", 30)
        sim.spawn(endpoints.run_originate(sim, ch, timeout, app, args), owner=ch)
    return reply(body)


async def create(req: AriRequest) -> web.StreamResponse:
    sim = req.sim
    endpoint = req.required("endpoint", "Endpoint must be specified")
    ch = channels.new_outbound(sim, endpoint, req.text("channelId"), Origin.CREATED)
    body = ch.to_json()
    app = req.text("app")
    if not app:
        return reply(body)  # Stasis app '(null)': the channel is gone at once
    sim.channels[ch.id] = ch
    sim.apps.add(app)
    ch.app = app
    args = [a for a in (req.text("appArgs") or "").split(",") if a]
    ch.dialplan.app_name, ch.dialplan.app_data = "Stasis", ",".join([app, *args])
    channel_events.emit(
        sim, ch, "ChannelDialplan", dialplan_app="Stasis", dialplan_app_data=ch.dialplan.app_data
    )
    channels.enter_stasis(sim, ch, app, args)
    return reply(body)


async def dial(req: AriRequest) -> web.StreamResponse:
    ch = req.sim.stasis_channel(req.match["id"])
    if ch.state != "Down" or ch.origin is not Origin.CREATED or ch.dialed:
        raise AriError(409, "Channel is not in the 'Down' state")
    ch.dialed = True
    req.sim.spawn(endpoints.run_dial(req.sim, ch, req.number("timeout", 0)), owner=ch)
    return no_content()


async def hang_up(req: AriRequest) -> web.StreamResponse:
    ch = req.sim.channel(req.match["id"])
    cause = 16
    code = req.text("reason_code")
    reason = req.text("reason")
    if code:
        if not code.isdigit():
            raise AriError(400, "Invalid reason_code")
        cause = int(code)
    elif reason:
        if reason not in REASON_CAUSE:
            raise AriError(400, "Invalid reason for hangup provided")
        cause = REASON_CAUSE[reason]
    channels.hang_up(req.sim, ch, cause)
    return no_content()


async def answer(req: AriRequest) -> web.StreamResponse:
    ch = req.sim.media_channel(req.match["id"])
    channel_events.set_state(req.sim, ch, "Up")
    return no_content()


async def media_noop(req: AriRequest) -> web.StreamResponse:
    """ring, hold, moh, silence, mute: accepted with the shared state rules, no effect."""
    req.sim.media_channel(req.match["id"])
    return no_content()


async def send_dtmf(req: AriRequest) -> web.StreamResponse:
    ch = req.sim.media_channel(req.match["id"])
    digits = req.required("dtmf", "DTMF is required")
    call = req.sim.calls.get(ch.call_id or "")
    if call is not None:
        call.dtmf_received += digits
    return no_content()


async def play(req: AriRequest) -> web.StreamResponse:
    sim = req.sim
    ch = sim.media_channel(req.match["id"])
    return queue_playback(req, f"channel:{ch.id}", {ch.app} if ch.app else set())


def queue_playback(req: AriRequest, target_uri: str, apps: set[str]) -> web.StreamResponse:
    media = req.many("media")
    if not media:
        raise AriError(500, "Failed to queue media for playback")
    playback_id = req.match.get("playback_id") or req.text("playbackId") or req.sim.new_uuid()
    if playback_id in req.sim.playbacks:
        raise AriError(409, "Playback with given id already exists")
    playback = Playback(playback_id, media, target_uri, apps, language=req.text("lang") or "en")
    body = playback.to_json()
    playbacks.queue(req.sim, playback)
    return reply(body, 201, {"Location": f"/ari/playbacks/{playback_id}"})


async def record(req: AriRequest) -> web.StreamResponse:
    sim = req.sim
    ch = sim.stasis_channel(req.match["id"])
    name = req.text("name")
    fmt = req.text("format")
    if not name or not fmt:
        raise AriError(500, "Error parsing request")
    if fmt != "wav":
        raise AriError(422, "specified format is unknown on this system")
    path = recordings.stored_path(sim, name)
    if path is None:
        raise AriError(400, "Invalid recording name")
    if_exists = req.text("ifExists") or "fail"
    if if_exists not in ("fail", "overwrite", "append"):
        raise AriError(400, "ifExists invalid")
    if name in sim.recordings or (if_exists == "fail" and path.is_file()):
        raise AriError(409, f"Recording '{name}' already exists and can not be overwritten")
    if not sim.recordings_dir.is_dir():
        # Seen on Asterisk 22 with the recording directory missing.
        raise AriError(500, "Unrecognized recording error: No such file or directory")
    terminate_on = req.text("terminateOn") or "none"
    if terminate_on not in ("none", "any", "*", "#"):
        raise AriError(400, "terminateOn invalid")
    rec = LiveRecording(
        name=name,
        format=fmt,
        channel_id=ch.id,
        app=ch.app,
        max_duration=req.number("maxDurationSeconds", 0),
        max_silence=req.number("maxSilenceSeconds", 0),
        beep=req.flag("beep"),
        terminate_on=terminate_on,
        if_exists=if_exists,
    )
    body = rec.to_json()
    recordings.start(sim, ch, rec)
    return reply(body, 201, {"Location": f"/ari/recordings/live/{name}"})


async def get_variable(req: AriRequest) -> web.StreamResponse:
    ch = req.sim.stasis_channel(req.match["id"])
    name = req.required("variable", "Variable name is required")
    if name not in ch.variables:
        raise AriError(404, "Provided variable was not found")
    return reply({"value": ch.variables[name]})


async def set_variable(req: AriRequest) -> web.StreamResponse:
    ch = req.sim.stasis_channel(req.match["id"])
    name = req.required("variable", "Variable name is required")
    channel_events.set_var(req.sim, ch, name, req.text("value") or "")
    return no_content()


def add_routes(router: AriRouter) -> None:
    router.add("GET", "/channels", list_channels)
    router.add("POST", "/channels", originate)
    router.add("POST", "/channels/create", create)
    router.add("GET", "/channels/{id}", get_channel)
    router.add("POST", "/channels/{id}", originate)
    router.add("DELETE", "/channels/{id}", hang_up)
    router.add("POST", "/channels/{id}/dial", dial)
    router.add("POST", "/channels/{id}/answer", answer)
    for action in ("ring", "hold", "moh", "silence", "mute"):
        router.add("POST", f"/channels/{{id}}/{action}", media_noop)
        router.add("DELETE", f"/channels/{{id}}/{action}", media_noop)
    router.add("POST", "/channels/{id}/dtmf", send_dtmf)
    router.add("POST", "/channels/{id}/play", play)
    router.add("POST", "/channels/{id}/play/{playback_id}", play)
    router.add("POST", "/channels/{id}/record", record)
    router.add("GET", "/channels/{id}/variable", get_variable)
    router.add("POST", "/channels/{id}/variable", set_variable)
