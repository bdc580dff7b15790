"""Limits on what a request may carry, checked once, before any handler runs.

- JSON bodies: at most `MAX_JSON_BYTES` and `MAX_JSON_DEPTH` levels (Python's parser
  recurses, so 1,000 levels would otherwise end in RecursionError), UTF-8 only;
- a query parameter comes at most once;
- every string — in the JSON body, the query and the path — is proper text: no NUL
  (PostgreSQL cannot store it) and no lone surrogate (`"\\ud800"` parses as JSON but
  cannot be encoded, so it would fail at commit).

Failures are ordinary `HotlineError`s, turned into the JSON error shape by
`base.web.error_middleware`, which must sit outside this middleware.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from base.errors import HotlineError, InvalidInput

MAX_JSON_BYTES = 256 * 1024
MAX_JSON_DEPTH = 20
_BAD_TEXT = re.compile("[\x00\ud800-\udfff]")
_JSON_TYPES = frozenset({"application/json"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class BodyTooLarge(HotlineError):
    status = 413
    code = "body-too-large"


class JsonTooDeep(InvalidInput):
    code = "json-too-deep"


class TextInvalid(InvalidInput):
    code = "text-invalid"


def json_depth(raw: bytes, limit: int) -> int:
    """How deeply `raw` nests arrays and objects, counting only to `limit` + 1 (strings
    are skipped, escapes included); a linear scan that never recurses."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def check_text(value: str, where: str) -> None:
    """Raise TextInvalid when `value` holds NUL or a lone surrogate."""
    bad = _BAD_TEXT.search(value)
    if bad:
        what = "a NUL character" if bad.group() == "\x00" else "an unpaired surrogate"
        raise TextInvalid(f"{where} contains {what}", details={"field": where})


def _check_strings(value: Any, where: str) -> None:
    # Depth is bounded above, so this recursion is too.
    if isinstance(value, str):
        check_text(value, where)
    elif isinstance(value, list):
        for item in value:
            _check_strings(item, where)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(key, "a key of the body")
            _check_strings(item, str(key)[:64])


async def check_json_body(request: web.Request) -> None:
    if request.content_length is not None and request.content_length > MAX_JSON_BYTES:
        raise BodyTooLarge(f"a JSON body is at most {MAX_JSON_BYTES} bytes")
    raw = await request.read()  # cached: the handler's request.json() reads it again
    if len(raw) > MAX_JSON_BYTES:
        raise BodyTooLarge(f"a JSON body is at most {MAX_JSON_BYTES} bytes")
    if json_depth(raw, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise JsonTooDeep(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
    try:
        body = json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (UnicodeDecodeError, ValueError):
        raise InvalidInput("the body is not valid UTF-8 JSON") from None
    _check_strings(body, "body")


@web.middleware
async def input_limits_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Refuse malformed text and oversized or overdeep JSON before the handler sees it."""
    for name, value in request.match_info.items():
        check_text(value, name)
    for name, value in request.query.items():
        check_text(name, "a query parameter name")
        check_text(value, name)
        if len(request.query.getall(name)) > 1:  # which one would count is a guess
            raise InvalidInput(f"query parameter {name[:40]!r} is given more than once",
                               details={"field": name[:40]})  # fmt: skip
    if request.body_exists and request.content_type in _JSON_TYPES:
        await check_json_body(request)
    return await handler(request)
