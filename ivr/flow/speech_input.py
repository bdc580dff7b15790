"""Speech at the IVR's prompts: a short recording, recognised with the directory grammar.

The utterance is taken as a short ARI recording after the prompt (Asterisk runs a
channel's play and record one after the other, so listening starts when the prompt
ends); a key pressed while listening ends the recording and wins. See docs/speech.md.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ivr.ari import AriError
from ivr.flow.session import CallSession
from ivr.speech import (
    GrammarTarget,
    Intent,
    Recognition,
    SpeechGrammar,
    SpeechRecognizer,
    SpeechRouter,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Heard:
    """What listening gave: the intent (None: use the keypad) and the recognition."""

    intent: Intent | None
    recognition: Recognition | None


class SpeechInput:
    """Listens once at a prompt and classifies what the caller said."""

    def __init__(
        self,
        *,
        recognizer: SpeechRecognizer,
        grammar: SpeechGrammar,
        max_seconds: int = 5,
        max_silence: int = 3,
    ) -> None:
        self._recognizer = recognizer
        self._grammar = grammar
        self._router = SpeechRouter(grammar)
        self._max_seconds = max_seconds
        self._max_silence = max_silence
        self.on_recognition: Callable[[float], None] | None = None  # seconds, for metrics

    def rebuild(self, targets: Iterable[GrammarTarget], *, cities: Iterable[str] = ()) -> None:
        """The directory changed: rebuild the grammar (cheap; commands stay)."""
        self._grammar.rebuild(targets, cities=cities)

    @property
    def recognizer(self) -> SpeechRecognizer:
        return self._recognizer

    async def close(self) -> None:
        await self._recognizer.close()

    async def listen(self, session: CallSession) -> Heard:
        name = f"hotline/speech-{uuid.uuid4().hex}"
        result = await session.record(
            name=name,
            max_duration=self._max_seconds,
            max_silence=self._max_silence,
            terminate_on="any",
            beep=False,
        )
        if result.state == "failed" or result.duration_s <= 0 or session.has_digits():
            await _discard(session, name)
            return Heard(None, None)
        try:
            audio = await session.ari.fetch_recording_file(name)
        except AriError as exc:
            logger.warning("%s: utterance %s lost: %s", session.channel_id, name, exc)
            return Heard(None, None)
        finally:
            await _discard(session, name)
        recognition = await self._recognizer.recognize(audio, self._grammar)
        if self.on_recognition is not None:
            self.on_recognition(recognition.elapsed_s)
        intent = self._router.route(recognition)
        logger.info(
            "%s: heard %r (confidence %.2f, %s)",
            session.channel_id,
            recognition.text,
            recognition.confidence,
            intent.kind if intent else "not accepted",
        )
        return Heard(intent, recognition)


async def _discard(session: CallSession, name: str) -> None:
    with contextlib.suppress(AriError):
        await session.ari.delete_stored_recording(name)
