"""The hotline's HTTP server: every package's routes on one aiohttp application."""

from __future__ import annotations

from aiohttp import web

from agent_desk import Desk, build_desk, install_desk
from directory import http as directory_http
from hotline.bootstrap import Components
from hotline.web import error_middleware

COMPONENTS = web.AppKey("components", Components)


async def health(request: web.Request) -> web.Response:
    components = request.app[COMPONENTS]
    return web.json_response({"status": "ok", "departments": len(components.directory)})


async def home(request: web.Request) -> web.Response:
    raise web.HTTPFound("/desk/console")


def desk_for(components: Components) -> Desk:
    """The desk's services over the shared database, directory and clock."""
    return build_desk(
        sessions=components.sessions,
        directory=components.directory,
        clock=components.clock,
        calendar=components.calendar,
        settings=components.settings,
    )


def build_http_app(components: Components, desk: Desk | None = None) -> web.Application:
    app = web.Application(middlewares=[error_middleware], client_max_size=2 * 1024 * 1024)
    app[COMPONENTS] = components
    app[directory_http.DIRECTORY_SERVICE] = components.directory
    app[directory_http.DIRECTORY_CLOCK] = components.clock
    app.add_routes([web.get("/", home), web.get("/api/health", health), *directory_http.routes()])
    install_desk(app, desk or desk_for(components))
    return app
