"""Errors the simulated ARI answers with, shaped like Asterisk's replies."""

from __future__ import annotations


class AriError(Exception):
    """An ARI error reply: HTTP status plus Asterisk's JSON body.

    Asterisk answers almost every error with `{"message": ...}`; a few paths use
    `{"error": ...}` instead (originate with an unknown technology), hence `key`.
    """

    def __init__(self, status: int, message: str, *, key: str = "message") -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.key = key

    def body(self) -> dict[str, str]:
        return {self.key: self.message}


def channel_not_found() -> AriError:
    return AriError(404, "Channel not found")


def not_in_stasis() -> AriError:
    return AriError(409, "Channel not in Stasis application")


def invalid_state() -> AriError:
    return AriError(412, "Channel in invalid state")


def bridge_not_found() -> AriError:
    return AriError(404, "Bridge not found")


def playback_not_found() -> AriError:
    return AriError(404, "Playback not found")


def recording_not_found() -> AriError:
    return AriError(404, "Recording not found")
