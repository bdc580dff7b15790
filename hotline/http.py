"""The hotline's HTTP server: every package's routes on one aiohttp application."""

from __future__ import annotations

from aiohttp import web

from agent_desk import Desk, build_desk, install_desk
from agent_desk.app import install_webhook_delivery
from base.input_limits import input_limits_middleware
from base.web import error_middleware
from directory import http as directory_http
from hotline.bootstrap import Components
from hotline.intake_wiring import install_intake
from hotline.routing_wiring import platforms_for
from ivr.quality_store import purge_task

COMPONENTS = web.AppKey("components", Components)
# A fact waiting this long means the database is not keeping up (or is down).
BACKLOG_DEGRADED_S = 30.0


async def health(request: web.Request) -> web.Response:
    components = request.app[COMPONENTS]
    return web.json_response({"status": "ok", "departments": len(components.directory)})


async def healthz(request: web.Request) -> web.Response:
    """Liveness with the journal's backlog: `degraded` while facts wait for the database.

    Always 200 while the process runs: a controller whose database is down keeps taking
    calls (into its journal) and must not be restarted for it.
    """
    components = request.app[COMPONENTS]
    depth = await components.journal.depth()
    degraded = depth.oldest_age_s > BACKLOG_DEGRADED_S or depth.failed > 0
    return web.json_response(
        {
            "status": "degraded" if degraded else "ok",
            "journal": {
                "waiting": depth.waiting,
                "oldest_age_s": round(depth.oldest_age_s, 1),
                "follow_ups": depth.follow_ups,
                "refused": depth.failed,
            },
        }
    )


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
        platforms=platforms_for(components.settings),
    )


def build_http_app(components: Components, desk: Desk | None = None) -> web.Application:
    app = web.Application(
        middlewares=[error_middleware, input_limits_middleware], client_max_size=2 * 1024 * 1024
    )
    app[COMPONENTS] = components
    app[directory_http.DIRECTORY_SERVICE] = components.directory
    app[directory_http.DIRECTORY_CLOCK] = components.clock
    app.add_routes(
        [
            web.get("/", home),
            web.get("/api/health", health),
            web.get("/healthz", healthz),
            *directory_http.routes(),
        ]
    )
    desk = desk or desk_for(components)
    install_desk(app, desk)
    install_webhook_delivery(app, desk)
    install_intake(app, components, desk)
    app.cleanup_ctx.append(purge_task(components.quality))
    return app
