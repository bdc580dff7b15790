"""Music on hold for a queued caller, broken now and then by where they stand in line.

ARI has no "play this until told otherwise with announcements in between", so the hold
is a playback the controller keeps going: an announcement replaces the music, and once
it ends the music starts again. The default music is a tone string — Asterisk's `tone:`
media loops a list of `frequency/milliseconds` notes until the playback is stopped — so
it needs no sound files on the PBX; a deployment can pass `sound:` media of its own. A tone
is played as a file of HOLD_MUSIC_S rendered from it, so no hold music plays for ever.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence

from ivr.flow.session import CallSession
from ivr.prompts import PromptCatalog, cardinal

# A slow pentatonic phrase and a rest, looped by Asterisk (tone strings repeat). Notes
# are separated by "|", which playtones accepts as well as ",": ARI splits its `media`
# parameter on commas, so a comma-separated tone would arrive as many broken media.
DEFAULT_HOLD_MUSIC = (
    "tone:392/400|440/400|523/400|587/800|523/400|440/400|392/800|330/400|392/400|440/1200|0/1600",
)
QUEUE_OPTIONS = "留言请按1，需要回电请按2"
# Length of one hold-music playback; the hold starts it again when it ends. A `tone:` is
# rendered to a file this long (Voice.music) because Asterisk never ends a tone by itself:
# an orphan left by a dead controller then ends within this time on its own.
HOLD_MUSIC_S = 60.0
# Music that ends sooner than this after starting is broken (a missing file): restarting
# it would only spin; the caller gets silence and the announcements instead.
SHORTEST_MUSIC_S = 1.0

logger = logging.getLogger(__name__)


def position_announcement(catalog: PromptCatalog, ahead: int, expected_wait_s: float) -> list[str]:
    """What a waiting caller hears every so often: place in line, expected wait, options."""
    texts = [catalog.queue_position(ahead)]
    if ahead > 0 and expected_wait_s > 0:
        minutes = math.ceil(expected_wait_s / 60)
        if minutes <= 1:
            texts.append("预计等待不超过一分钟")
        else:
            texts.append(f"预计等待约{cardinal(min(minutes, 9999))}分钟")
    texts.append(QUEUE_OPTIONS)
    return texts


class Hold:
    """The caller's side of waiting: music, or an announcement, never both at once."""

    def __init__(self, session: CallSession, *, music: Sequence[str] = DEFAULT_HOLD_MUSIC) -> None:
        self._session = session
        self._music = list(music)
        self._playback: str | None = None
        self._music_started: float | None = None  # None while an announcement plays
        self._music_broken = False

    def use_music(self, music: Sequence[str]) -> None:
        """Play `music` from the next start on (the bounded rendering of the default)."""
        self._music = list(music)

    def needs_attention(self) -> bool:
        """The current playback ended (an announcement finished): time to `keep_up`."""
        return self._playback is not None and self._session.playback_done(self._playback)

    async def announce(self, media: Sequence[str]) -> None:
        """Stop the music and start `media`; the music comes back with `keep_up`."""
        await self.stop()
        self._playback = await self._session.start_playback(media)
        self._music_started = None

    async def keep_up(self) -> None:
        """Start the music when nothing is playing (first time, or after an announcement)."""
        session = self._session
        if self._playback is not None and not session.playback_done(self._playback):
            return
        now = session.clock.monotonic()
        if self._music_started is not None and now - self._music_started < SHORTEST_MUSIC_S:
            logger.warning("%s: hold music %s ends at once", session.channel_id, self._music)
            self._music_broken = True
        self._playback = None
        if not self._music_broken:
            self._playback = await session.start_playback(self._music)
            self._music_started = now

    async def stop(self) -> None:
        if self._playback is not None and not self._session.hung_up:
            await self._session.stop_playback(self._playback)
        self._playback = None
        self._music_started = None
