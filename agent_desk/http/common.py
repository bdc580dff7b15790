"""Small helpers of the desk's JSON handlers: bodies, fields, ids, client address."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from base.errors import InvalidInput, NotFound

MAX_ID = 2**31 - 1  # the database's integer: larger ids cannot exist


async def json_body(request: web.Request) -> dict[str, Any]:
    """The request's JSON object; JSON only, which also keeps cross-site forms out."""
    if request.content_type != "application/json":
        raise InvalidInput("send the body as application/json")
    try:
        body = await request.json()
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the body is not valid UTF-8 JSON") from None
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    return body


def text_field(
    body: dict[str, Any], name: str, *, required: bool = False, max_length: int = 4000
) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidInput(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string")
    if required and not value.strip():
        raise InvalidInput(f"{name} must not be empty")
    if len(value) > max_length:
        raise InvalidInput(f"{name} is longer than {max_length} characters")
    return no_nul(value, name)


def no_nul(value: str, name: str) -> str:
    """PostgreSQL text cannot hold NUL; refuse it at the edge rather than fail in the database."""
    if "\x00" in value:
        raise InvalidInput(f"{name} contains a NUL character")
    return value


def query_text(request: web.Request, name: str, *, max_length: int = 200) -> str | None:
    """A query-string parameter, trimmed; None when absent or empty."""
    value = request.query.get(name, "").strip()
    if not value:
        return None
    if len(value) > max_length:
        raise InvalidInput(f"{name} is longer than {max_length} characters")
    return no_nul(value, name)


def int_field(body: dict[str, Any], name: str, *, low: int, high: int) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise InvalidInput(f"{name} must be an integer from {low} to {high}")
    return value


def path_id(request: web.Request, name: str) -> int:
    """An id from the path; anything that cannot be an id is simply not found."""
    raw = request.match_info[name]
    # ASCII digits only: str.isdigit() and int() also accept "١" and "１".
    if not (raw.isascii() and raw.isdigit()) or int(raw) > MAX_ID:
        raise NotFound(f"no such {name}")
    return int(raw)


def client_ip(request: web.Request) -> str:
    return request.remote or ""
