"""The HTTP media cache, as Asterisk's res_http_media_cache keeps `sound:http://` files.

A fetched file is reused while its Cache-Control max-age lasts, then revalidated with
If-None-Match; a 304 keeps the cached copy. Only the duration matters to the simulator.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

import aiohttp

from ivr.simulator import audio

_MAX_AGE = re.compile(r"max-age=(\d+)")


@dataclass(slots=True)
class CachedMedia:
    seconds: float
    etag: str | None
    fresh_until: float


class MediaCache:
    """Durations of fetched media by URL (real-time freshness, as Asterisk's cache)."""

    def __init__(self) -> None:
        self._entries: dict[str, CachedMedia] = {}
        self.fetches = 0
        self.revalidations = 0

    async def seconds(self, session: aiohttp.ClientSession, url: str) -> float | None:
        entry = self._entries.get(url)
        now = time.monotonic()
        if entry is not None and now < entry.fresh_until:
            return entry.seconds
        headers = {"If-None-Match": entry.etag} if entry is not None and entry.etag else {}
        try:
            async with session.get(url, headers=headers) as resp:
                if resp.status == 304 and entry is not None:
                    self.revalidations += 1
                    entry.fresh_until = now + _max_age(resp.headers.get("Cache-Control"))
                    return entry.seconds
                if resp.status != 200:
                    return None
                seconds = audio.wav_duration(await resp.read())
                self.fetches += 1
        except (aiohttp.ClientError, TimeoutError, audio.AudioError):
            return None
        max_age = _max_age(resp.headers.get("Cache-Control"))
        if max_age > 0 or resp.headers.get("ETag"):
            self._entries[url] = CachedMedia(seconds, resp.headers.get("ETag"), now + max_age)
        return seconds


def _max_age(header: str | None) -> float:
    match = _MAX_AGE.search(header or "")
    return float(match.group(1)) if match else 0.0
