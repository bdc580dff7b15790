"""Serve rendered prompts to Asterisk over HTTP: `GET /prompts/{key}.wav`.

Asterisk's res_http_media_cache fetches `sound:http://…` URIs and honours Cache-Control
and ETag, so a prompt is downloaded once per Asterisk and revalidated cheaply after.
"""

from __future__ import annotations

from aiohttp import web

from ivr.prompts.errors import PromptNotFound
from ivr.prompts.renderer import PromptRenderer

# A key names one (voice, rate, text): its audio never changes, so caches may keep it a day.
CACHE_CONTROL = "public, max-age=86400"


def prompt_routes(renderer: PromptRenderer) -> list[web.RouteDef]:
    """Routes serving the prompts `renderer` has made; add them with `app.add_routes`."""

    async def get_prompt(request: web.Request) -> web.StreamResponse:
        key = request.match_info["key"]
        # cached_path accepts only 64 hex digits, so no key can name a path elsewhere.
        path = await renderer.cached_path(key)
        if path is None:
            missing = PromptNotFound(f"no prompt {key!r}")
            return web.json_response(missing.to_json(), status=missing.status)
        # FileResponse answers If-None-Match / Range itself and sets an ETag from the
        # file's mtime and size, which changes only if the prompt is re-rendered.
        return web.FileResponse(
            path, headers={"Content-Type": "audio/wav", "Cache-Control": CACHE_CONTROL}
        )

    return [web.get("/prompts/{key}.wav", get_prompt, name="prompt")]
