"""HTTP API of the directory: search and the department card."""

from __future__ import annotations

from aiohttp import web

from base.clock import Clock
from base.errors import InvalidInput, NotFound
from base.web import query_int
from directory.service import DirectoryService

DIRECTORY_SERVICE = web.AppKey("directory_service", DirectoryService)
DIRECTORY_CLOCK = web.AppKey("directory_clock", Clock)


async def search(request: web.Request) -> web.Response:
    service = request.app[DIRECTORY_SERVICE]
    query = request.query.get("q", "").strip()
    keys = request.query.get("keys", "").strip()
    city = request.query.get("city") or None
    limit = query_int(request, "limit", 5, low=1, high=50)
    if keys:
        if not (keys.isascii() and keys.isdigit()):
            raise InvalidInput(f"keys must be keypad digits, got {keys!r}")
        return web.json_response(service.search_keys(keys, city=city, limit=limit).to_json())
    if not query:
        raise InvalidInput("give a query in q (or keypad digits in keys)")
    if len(query) > 200:
        raise InvalidInput("q is longer than 200 characters")
    return web.json_response(service.search(query, city=city, limit=limit).to_json())


async def department(request: web.Request) -> web.Response:
    code = request.match_info["code"]
    card = request.app[DIRECTORY_SERVICE].card(code, request.app[DIRECTORY_CLOCK].now())
    if card is None:
        raise NotFound(f"no department with code {code!r}")
    return web.json_response(card.to_json())


def routes() -> list[web.RouteDef]:
    return [
        web.get("/api/directory/search", search),
        web.get("/api/directory/departments/{code}", department),
    ]
