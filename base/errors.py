"""The base of every error a user may see: an HTTP status, a stable code and a message.

Error codes are public API (clients match on them): never rename one.
"""

from __future__ import annotations

from typing import Any


class HotlineError(Exception):
    """An error with a status, a stable id and details, translated at the HTTP boundary."""

    status: int = 400
    code: str = "bad-request"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return {"error": body}


class NotFound(HotlineError):
    status = 404
    code = "not-found"


class InvalidInput(HotlineError):
    status = 400
    code = "invalid-input"


class ServiceUnavailable(HotlineError):
    status = 503
    code = "service-unavailable"
