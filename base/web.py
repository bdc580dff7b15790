"""The one boundary where errors become JSON: `{"error": {"code", "message"}}`, never a trace."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from base.errors import HotlineError

logger = logging.getLogger(__name__)
_INTEGER = re.compile(r"-?[0-9]{1,12}")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def error_response(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": {"code": code, "message": message}}, status=status)


@web.middleware
async def error_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn every failure into the JSON error shape; log unexpected ones with their trace."""
    try:
        return await handler(request)
    except HotlineError as exc:
        return web.json_response(exc.to_json(), status=exc.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = exc.reason.lower().replace(" ", "-")
        response = error_response(exc.status, code, exc.text or exc.reason)
        if "Allow" in exc.headers:  # a 405 says which methods the resource takes
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except (json.JSONDecodeError, UnicodeDecodeError):
        return error_response(400, "invalid-json", "the request body is not valid UTF-8 JSON")
    except Exception:
        logger.exception("unhandled error on %s %s", request.method, request.path)
        return error_response(
            500, "internal-error", "an internal error occurred; it has been logged"
        )


def query_int(request: web.Request, name: str, default: int, *, low: int, high: int) -> int:
    """An integer query parameter within bounds, or a 400 that says what was wrong."""
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    if not _INTEGER.fullmatch(raw):  # ASCII digits only: int() also takes "١" and "1_0"
        raise web.HTTPBadRequest(text=f"{name} must be an integer, got {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise web.HTTPBadRequest(text=f"{name} must be between {low} and {high}, got {value}")
    return value
