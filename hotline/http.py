"""The hotline's HTTP server: every package's routes on one aiohttp application."""

from __future__ import annotations

from aiohttp import web

from directory import http as directory_http
from hotline.bootstrap import Components
from hotline.web import error_middleware

COMPONENTS = web.AppKey("components", Components)


async def health(request: web.Request) -> web.Response:
    components = request.app[COMPONENTS]
    return web.json_response({"status": "ok", "departments": len(components.directory)})


def build_http_app(components: Components) -> web.Application:
    app = web.Application(middlewares=[error_middleware])
    app[COMPONENTS] = components
    app[directory_http.DIRECTORY_SERVICE] = components.directory
    app[directory_http.DIRECTORY_CLOCK] = components.clock
    app.add_routes([web.get("/api/health", health), *directory_http.routes()])
    return app
