"""ARI /playbacks and /recordings resources."""

from __future__ import annotations

from aiohttp import web

from ivr.simulator import bridge_recordings, errors, playbacks, recordings
from ivr.simulator.errors import AriError
from ivr.simulator.routing import AriRequest, AriRouter, no_content, reply
from ivr.simulator.state import LiveRecording, Playback


def _playback(req: AriRequest) -> Playback:
    playback = req.sim.playbacks.get(req.match["id"])
    if playback is None:
        raise errors.playback_not_found()
    return playback


async def get_playback(req: AriRequest) -> web.StreamResponse:
    return reply(_playback(req).to_json())


async def stop_playback(req: AriRequest) -> web.StreamResponse:
    playbacks.stop(req.sim, _playback(req))
    return no_content()


def _live(req: AriRequest) -> LiveRecording:
    rec = req.sim.recordings.get(req.match["name"])
    if rec is None:
        raise errors.recording_not_found()
    return rec


async def get_live(req: AriRequest) -> web.StreamResponse:
    return reply(_live(req).to_json())


def _stop(req: AriRequest, *, cancel: bool) -> web.StreamResponse:
    rec = _live(req)
    if rec.bridge_id is not None:
        bridge_recordings.finish(req.sim, rec, "canceled" if cancel else "done")
    else:
        recordings.stop(req.sim, rec, cancel=cancel)
    return no_content()


async def stop_live(req: AriRequest) -> web.StreamResponse:
    return _stop(req, cancel=False)


async def cancel_live(req: AriRequest) -> web.StreamResponse:
    return _stop(req, cancel=True)


async def list_stored(req: AriRequest) -> web.StreamResponse:
    if not req.sim.recordings_dir.is_dir():
        # stasis_app_stored_recording_find_all fails to read the directory and ARI answers
        # with its allocation-failure body (code reading: res/stasis_recording/stored.c).
        raise AriError(500, "Allocation failed", key="error")
    return reply([{"name": n, "format": "wav"} for n in recordings.stored_names(req.sim)])


async def stored(req: AriRequest) -> web.StreamResponse:
    """GET/DELETE …/stored/{name}, GET …/{name}/file, POST …/{name}/copy.

    Names may hold `/` (sub-directories), so the tail is split here rather than by route.
    """
    name = req.match["name"]
    method = req.http.method
    if name.endswith("/file") and method == "GET" and not _exists(req, name):
        path = recordings.existing_stored(req.sim, name[: -len("/file")])
        return web.Response(body=path.read_bytes(), content_type="audio/wav")
    if name.endswith("/copy") and method == "POST" and not _exists(req, name):
        source = recordings.existing_stored(req.sim, name[: -len("/copy")])
        target_name = req.required("destinationRecordingName")
        target = recordings.stored_path(req.sim, target_name)
        if target is None:
            raise AriError(400, "Invalid destination recording name")
        if target.exists():
            raise AriError(409, "A recording with the same name already exists on the system")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
        return reply({"name": target_name, "format": "wav"})
    if method == "GET":
        recordings.existing_stored(req.sim, name)
        return reply({"name": name, "format": "wav"})
    if method == "DELETE":
        recordings.existing_stored(req.sim, name).unlink()
        return no_content()
    raise AriError(405, "Invalid method")


def _exists(req: AriRequest, name: str) -> bool:
    path = recordings.stored_path(req.sim, name)
    return path is not None and path.is_file()


def add_routes(router: AriRouter) -> None:
    router.add("GET", "/playbacks/{id}", get_playback)
    router.add("DELETE", "/playbacks/{id}", stop_playback)
    router.add("POST", "/recordings/live/{name:.+}/stop", stop_live)
    router.add("GET", "/recordings/live/{name:.+}", get_live)
    router.add("DELETE", "/recordings/live/{name:.+}", cancel_live)
    router.add("GET", "/recordings/stored", list_stored)
    for method in ("GET", "DELETE", "POST"):
        router.add(method, "/recordings/stored/{name:.+}", stored)
