"""Voicemail audio for Asterisk to play to a liaison: `GET /media/voicemail/{token}.wav`.

The controller deletes ARI's stored copy of a recording once the voicemail is kept, so
`recording:` media cannot replay it; Asterisk fetches the kept file over HTTP instead, the
way it fetches prompts (`sound:http://…`, res_http_media_cache). This works whether or not
Asterisk shares a disk with us, and no caller's voice is copied into Asterisk's sounds
folder, which every dialplan could play.

A URL names one voicemail and expires: the token is `<id>-<expires>-<HMAC-SHA256>` under a
key the composition root draws at start-up. Without the key a URL can neither be guessed
nor stretched to another voicemail; it is only minted for a liaison signed in to the
voicemail's department, and it dies with the process (so does every call that used it).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from pathlib import Path

from aiohttp import web

from base.clock import Clock
from voicemail import VoicemailService

_TOKEN = re.compile(r"([0-9]{1,12})-([0-9]{1,12})-([A-Za-z0-9_-]{43})")
# Fetched once per playback; nothing of a caller's voice should linger in shared caches.
CACHE_CONTROL = "private, no-store"


class VoicemailTokens:
    """Mints and checks the signed, expiring names of voicemail audio."""

    def __init__(self, *, key: bytes, clock: Clock, valid_s: int = 3600) -> None:
        if len(key) < 16:
            raise ValueError("the signing key must be at least 16 bytes")
        self._key = key
        self._clock = clock
        self._valid_s = valid_s

    @classmethod
    def with_random_key(cls, clock: Clock, *, valid_s: int = 3600) -> VoicemailTokens:
        return cls(key=secrets.token_bytes(32), clock=clock, valid_s=valid_s)

    def token(self, voicemail_id: int) -> str:
        expires = int(self._clock.now().timestamp()) + self._valid_s
        return f"{voicemail_id}-{expires}-{self._signature(voicemail_id, expires)}"

    def voicemail_id(self, token: str) -> int | None:
        """The voicemail a token names, or None if it is forged, altered or expired."""
        match = _TOKEN.fullmatch(token)
        if match is None:
            return None
        voicemail_id, expires = int(match[1]), int(match[2])
        if not hmac.compare_digest(match[3], self._signature(voicemail_id, expires)):
            return None
        if expires < self._clock.now().timestamp():
            return None
        return voicemail_id

    def _signature(self, voicemail_id: int, expires: int) -> str:
        digest = hmac.new(self._key, f"{voicemail_id}-{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


class VoicemailAudioLinks:
    """`ivr.ports.VoicemailAudio` over HTTP: the media URI of a voicemail for ARI play."""

    def __init__(self, *, tokens: VoicemailTokens, base_url: str) -> None:
        self._tokens = tokens
        self._base_url = base_url.rstrip("/")

    def media_uri(self, voicemail_id: int) -> str:
        return f"sound:{self._base_url}/media/voicemail/{self._tokens.token(voicemail_id)}.wav"


def voicemail_media_routes(
    tokens: VoicemailTokens, voicemail: VoicemailService
) -> list[web.RouteDef]:
    """The route serving voicemail audio by token; add it with `app.add_routes`."""

    async def get_audio(request: web.Request) -> web.StreamResponse:
        voicemail_id = tokens.voicemail_id(request.match_info["token"])
        # One answer for a bad token and a missing file: a prober learns nothing.
        if voicemail_id is None:
            raise web.HTTPNotFound(text="no such voicemail audio")
        info = await voicemail.get(voicemail_id)
        path = Path(info.audio_path) if info is not None and info.audio_path else None
        if path is None or not path.is_file():
            raise web.HTTPNotFound(text="no such voicemail audio")
        return web.FileResponse(
            path, headers={"Content-Type": "audio/wav", "Cache-Control": CACHE_CONTROL}
        )

    return [web.get("/media/voicemail/{token}.wav", get_audio, name="voicemail-audio")]
