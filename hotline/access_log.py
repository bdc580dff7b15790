"""The HTTP access log, without the secrets some URLs carry.

A voicemail URL (`/media/voicemail/<id>-<expires>-<hmac>.wav`) is a bearer credential
until it expires: whoever reads it from a log can play the message. Such paths are
logged with the token replaced; everything else is logged as aiohttp would.
"""

from __future__ import annotations

import re

from aiohttp import web
from aiohttp.web_log import AccessLogger

_SECRET_PATHS = (re.compile(r"(/media/voicemail/)[^/?\s]+(\.wav)"),)
REDACTED = "REDACTED"  # URL-safe, so it is logged as written


def redact(text: str) -> str:
    for pattern in _SECRET_PATHS:
        text = pattern.sub(rf"\g<1>{REDACTED}\g<2>", text)
    return text


class RedactingAccessLogger(AccessLogger):
    """aiohttp's access logger with `redact` applied to the request line and path."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        if not any(p.search(request.path) for p in _SECRET_PATHS):
            super().log(request, response, time)
            return
        clone = request.clone(rel_url=redact(request.rel_url.path))
        super().log(clone, response, time)
