"""Exceptions raised by the ARI client: error replies, unreachable Asterisk, malformed payloads."""

from __future__ import annotations


class AriFailure(Exception):
    """Base class of everything the ARI client raises."""


class AriError(AriFailure):
    """Asterisk answered a request with a non-2xx status.

    `message` is the body's `message` (or, for a few 500s, `error`) field, verbatim: the
    controller matches on `status`, never on the text.
    """

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"ARI {status}: {message}")
        self.status = status
        self.message = message


class AriBadRequest(AriError):
    """400: a missing or invalid parameter (also addChannel with an unknown channel)."""


class AriUnauthorized(AriError):
    """401: missing or wrong credentials."""


class AriNotFound(AriError):
    """404: no such channel, bridge, playback, recording or application."""


class AriConflict(AriError):
    """409: the channel is not in Stasis, not Down for dial, or the recording name exists."""


class AriInvalidState(AriError):
    """412: the channel is Down / Rsrvd / Ringing for an operation that needs media."""


class AriUnprocessable(AriError):
    """422: channel not in Stasis for addChannel, not in the bridge, unknown record format."""


class AriServerError(AriError):
    """5xx: Asterisk failed (allocation failure, not booted yet, ...)."""


_BY_STATUS: dict[int, type[AriError]] = {
    400: AriBadRequest,
    401: AriUnauthorized,
    404: AriNotFound,
    409: AriConflict,
    412: AriInvalidState,
    422: AriUnprocessable,
}


def error_for_status(status: int, message: str) -> AriError:
    """The most specific `AriError` subclass for an HTTP status."""
    if status >= 500:
        return AriServerError(status, message)
    return _BY_STATUS.get(status, AriError)(status, message)


class AriUnavailable(AriFailure):
    """Asterisk could not be reached: connection refused or reset, or the request timed out."""


class AriProtocolError(AriFailure):
    """A reply or event did not have the shape ARI documents (bad JSON, missing fields)."""


class MalformedEvent(AriProtocolError):
    """A WebSocket message that is not a valid ARI event; the stream logs it and skips it."""
