"""Voicemails over JSON: the inbox, playback (audited), marking handled with a reply."""

from __future__ import annotations

from aiohttp import web

from agent_desk.desk import DESK
from agent_desk.http.common import json_body, path_id, text_field
from agent_desk.permissions import Action, authorize, voicemail_visibility
from agent_desk.voicemails import voicemail_to_json
from base.web import query_int


async def list_voicemails(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.VOICEMAILS_READ)
    unhandled = request.query.get("unhandled", "") in {"1", "true", "yes"}
    rows = await request.app[DESK].voicemails.list(
        visibility=voicemail_visibility(principal),
        unhandled_only=unhandled,
        limit=query_int(request, "limit", 50, low=1, high=500),
    )
    return web.json_response({"voicemails": [voicemail_to_json(v, n) for v, n in rows]})


async def get_voicemail(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.VOICEMAILS_READ)
    voicemail = await request.app[DESK].voicemails.get(
        path_id(request, "voicemail_id"), visibility=voicemail_visibility(principal)
    )
    return web.json_response(voicemail_to_json(voicemail, None))


async def voicemail_audio(request: web.Request) -> web.FileResponse:
    principal = await authorize(request, Action.VOICEMAILS_READ)
    path = await request.app[DESK].voicemails.audio(
        path_id(request, "voicemail_id"),
        visibility=voicemail_visibility(principal),
        actor=principal.name,
    )
    response = web.FileResponse(path)
    response.headers["Cache-Control"] = "private, no-store"
    return response


async def handle_voicemail(request: web.Request) -> web.Response:
    principal = await authorize(request, Action.VOICEMAILS_READ)
    desk = request.app[DESK]
    voicemail_id = path_id(request, "voicemail_id")
    visibility = voicemail_visibility(principal)
    await desk.voicemails.get(voicemail_id, visibility=visibility)  # 404 before 403
    await authorize(request, Action.VOICEMAILS_HANDLE)
    body = await json_body(request)
    reply = text_field(body, "reply", required=True) or ""
    voicemail = await desk.voicemails.handle(
        voicemail_id, reply=reply, visibility=visibility, actor=principal.name
    )
    return web.json_response(voicemail_to_json(voicemail, None))


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/voicemails", list_voicemails),
        web.get("/api/voicemails/{voicemail_id}", get_voicemail),
        web.get("/api/voicemails/{voicemail_id}/audio", voicemail_audio),
        web.post("/api/voicemails/{voicemail_id}/handled", handle_voicemail),
    ]
