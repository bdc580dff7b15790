"""质检 over JSON: a call's recordings, playback (audited), the score form. Supervisors
and admins only; everyone else gets 403, whatever the recording."""

from __future__ import annotations

import re

from aiohttp import web

from agent_desk.desk import DESK
from agent_desk.http.common import json_body, path_id, query_text
from agent_desk.permissions import Action, authorize
from agent_desk.quality import inspection, quality_to_json
from base.errors import InvalidInput

CALL_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


async def list_recordings(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.QUALITY)
    call_id = query_text(request, "call_id", max_length=64)
    if call_id is None or not CALL_ID.fullmatch(call_id):
        raise InvalidInput("give the call's id in call_id", details={"field": "call_id"})
    rows = await request.app[DESK].quality.of_call(call_id, platforms=principal.platforms)
    return web.json_response({"recordings": [quality_to_json(row) for row in rows]})


async def recording_audio(request: web.Request) -> web.FileResponse:
    principal = await authorize(request, Action.QUALITY)
    path = await request.app[DESK].quality.audio(
        path_id(request, "recording_id"), actor=principal.name, platforms=principal.platforms
    )
    response = web.FileResponse(path)
    response.headers["Content-Type"] = "audio/wav"
    response.headers["Cache-Control"] = "private, no-store"
    return response


async def score_recording(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.QUALITY)
    desk = request.app[DESK]
    recording_id = path_id(request, "recording_id")
    await desk.quality.get(recording_id, platforms=principal.platforms)  # 404 before a 400
    body = await json_body(request)
    form = inspection(body.get("score"), body.get("notes"))
    row = await desk.quality.score(
        recording_id, form, actor=principal.name, platforms=principal.platforms
    )
    return web.json_response(quality_to_json(row))


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/quality/recordings", list_recordings),
        web.get("/api/quality/recordings/{recording_id}/audio", recording_audio),
        web.post("/api/quality/recordings/{recording_id}/score", score_recording),
    ]
